"""Hypothesis fuzzing of the three loaders a user feeds by hand: the pasted API path, the store
settings and saved mappings. Arbitrary input raises only the documented typed errors.

Plain random text for the path and round trips for mappings live in ``tests/client`` and
``tests/mapping``; here the inputs are shaped like the real thing so the fuzzer gets deep:
URL-like paths, settings objects with every field given any JSON value, and the built-in order
mapping with any field of any rule replaced.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.api_path import ApiPathError, parse_api_path
from bigcommerce_connect.mapping import (
    AUTOMATIC_ORDER_IMPORT,
    MappingError,
    builtin_definition,
    compile_mapping,
    dump_definition,
    load_definition,
)
from bigcommerce_connect.settings import SettingsError

CANARY = "CANARY-7f3a9c-TOKEN"


def attempt(call: Callable[[], Any], expected: type[Exception]) -> tuple[Any, Exception | None]:
    """``call()``'s value, or the ``expected`` error it raised; anything else propagates."""
    try:
        return call(), None
    except expected as error:
        return None, error


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

SCHEMES = st.sampled_from(["https://", "http://", "ftp://", "", "https:/", "HTTPS://"])
HOSTS = st.sampled_from(
    [
        "api.bigcommerce.com",
        "store-x.mybigcommerce.com",
        "127.0.0.1:8080",
        "localhost",
        "[::1]",
        "evil.com",
        "api.bigcommerce.com.evil.com",
        "",
        "api.bigcommerce.com:443",
    ]
)
SEGMENTS = st.lists(
    st.sampled_from(["stores", "api", "v2", "v3", "abc123", "", "..", "%2F", "v3?x=1", "#f"])
    | st.text(max_size=6),
    max_size=5,
)


@FUZZ
@given(SCHEMES, HOSTS, SEGMENTS, st.booleans(), st.booleans())
@example("http://", "[::1]", ["api"], False, True)  # once flaky: the host kept its brackets
@example("https://", "[::1]", ["stores", "abc123", "v3"], True, True)
def test_url_shaped_api_paths_parse_or_raise_api_path_error(
    scheme: str, host: str, segments: list[str], trailing: bool, insecure: bool
) -> None:
    text = scheme + host + "/" + "/".join(segments) + ("/" if trailing else "")
    path, error = attempt(lambda: parse_api_path(text, allow_insecure_host=insecure), ApiPathError)
    if error is not None:
        assert str(error)  # a plain reason, never an empty message
        return
    # Whatever parses is usable: bases under its origin, plain http only on loopback, and
    # the host is the bare name or address (an IPv6 literal's brackets belong to the URL).
    assert path.v2_base.startswith(path.origin + "/")
    assert "[" not in path.host
    assert path.origin.startswith("https://") or path.host in ("127.0.0.1", "localhost", "::1")


@pytest.mark.parametrize(
    ("pasted", "host", "origin"),
    [
        ("http://[::1]/api", "::1", "http://[::1]"),
        ("http://[::1]:8080/stores/abc/v3/", "::1", "http://[::1]:8080"),
        ("https://[2001:DB8::1]:443/stores/abc/", "2001:db8::1", "https://[2001:db8::1]:443"),
        ("http://127.0.0.1:8080/api/v2/", "127.0.0.1", "http://127.0.0.1:8080"),
    ],
)
def test_ip_literal_hosts_are_bare_and_origins_bracket_ipv6(
    pasted: str, host: str, origin: str
) -> None:
    path = parse_api_path(pasted, allow_insecure_host=True)
    assert (path.host, path.origin) == (host, origin)
    assert path.v2_base.startswith(origin + "/")


FIELDS = [field.name for field in attrs.fields(StoreSettings) if field.init]


@FUZZ
@given(st.dictionaries(st.sampled_from([*FIELDS, "unknown"]), JSON), st.booleans())
def test_settings_from_any_json_object_load_or_raise_settings_error(
    data: dict[str, Any], complete: bool
) -> None:
    if complete:
        data.setdefault("api_path", "https://api.bigcommerce.com/stores/abc123/v3/")
        data["api_token"] = CANARY
    loaded, error = attempt(lambda: StoreSettings.from_dict(data), SettingsError)
    if error is not None:
        assert error.args
        assert CANARY not in str(error)
        return
    dumped = loaded.to_json()
    assert CANARY not in dumped
    assert CANARY not in repr(loaded)
    # What loads, dumps and loads again to the same settings (the token given back).
    assert StoreSettings.from_dict({**json.loads(dumped), "api_token": CANARY}) == loaded


@FUZZ
@given(st.text(max_size=200) | JSON.map(json.dumps))
def test_settings_from_any_text_load_or_raise_settings_error(text: str) -> None:
    loaded, error = attempt(lambda: StoreSettings.from_json(text), SettingsError)
    assert isinstance(loaded, StoreSettings) or error is not None


BASE = dump_definition(builtin_definition(AUTOMATIC_ORDER_IMPORT))
RULE_KEYS = sorted({key for rule in BASE["rules"] for key in rule})


@FUZZ
@given(JSON)
def test_any_json_loads_as_a_mapping_or_raises_mapping_error(data: Any) -> None:
    loaded, error = attempt(lambda: load_definition(data), MappingError)
    assert loaded is not None or str(error)


@FUZZ
@given(
    st.integers(min_value=0),
    st.sampled_from([*RULE_KEYS, "unknown"]),
    st.sampled_from([*BASE, "unknown"]),
    JSON,
    st.booleans(),
)
def test_the_order_mapping_with_any_field_replaced_loads_and_compiles_or_raises_mapping_error(
    index: int, rule_key: str, top_key: str, value: Any, in_rule: bool
) -> None:
    data = json.loads(json.dumps(BASE))
    if in_rule:
        data["rules"][index % len(data["rules"])][rule_key] = value
    else:
        data[top_key] = value
    compiled, error = attempt(lambda: compile_mapping(load_definition(data)), MappingError)
    assert compiled is not None or str(error)


def test_hypothesis_keeps_no_example_database() -> None:
    # tests/conftest.py's profile: a failing example must not be saved and replayed forever.
    assert settings().database is None
    assert settings.get_profile("sdk").database is None
