"""Parsing the pasted API path: the store hash and both bases, refusals with reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect.api_path import ApiPathError, AuthMode, parse_api_path

HASHES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@pytest.mark.parametrize(
    "pasted",
    [
        "https://api.bigcommerce.com/stores/abc123/v3/",
        "https://api.bigcommerce.com/stores/abc123/v3",
        "https://api.bigcommerce.com/stores/abc123/v2/",
        "https://api.bigcommerce.com/stores/abc123",
        "  https://API.bigcommerce.com/stores/abc123/v3/\n",
    ],
)
def test_oauth_path_gives_hash_and_both_bases(pasted: str) -> None:
    path = parse_api_path(pasted)
    assert path.auth_mode is AuthMode.OAUTH
    assert path.store_hash == "abc123"
    assert path.v2_base == "https://api.bigcommerce.com/stores/abc123/v2/"
    assert path.v3_base == "https://api.bigcommerce.com/stores/abc123/v3/"
    assert path.supports_v3


def test_legacy_path_is_basic_auth_v2_only() -> None:
    path = parse_api_path("https://store-xyz789.mybigcommerce.com/api/v2/")
    assert path.auth_mode is AuthMode.LEGACY_BASIC
    assert path.v2_base == "https://store-xyz789.mybigcommerce.com/api/v2/"
    assert path.v3_base is None
    assert not path.supports_v3
    assert path.store_hash == "xyz789"


@pytest.mark.parametrize(
    ("pasted", "reason"),
    [
        ("", "empty"),
        ("http://api.bigcommerce.com/stores/abc/v3/", "unencrypted"),
        ("https://evil.example.com/stores/abc/v3/", "not a BigCommerce API host"),
        ("https://api.bigcommerce.com/v3/catalog", "should look like"),
        ("https://api.bigcommerce.com/stores/abc/v3/?x=1", "query"),
        ("https://user:pw@api.bigcommerce.com/stores/abc/v3/", "credentials"),
        ("ftp://api.bigcommerce.com/stores/abc/v3/", "https://"),
        ("https://api.bigcommerce.com/stores/a%20b/v3/", "store hash"),
        ("http://10.0.0.5/stores/abc/v3/", "unencrypted"),
    ],
)
def test_unusable_paths_are_refused_with_a_reason(pasted: str, reason: str) -> None:
    with pytest.raises(ApiPathError, match=reason):
        parse_api_path(pasted)


def test_loopback_http_needs_the_explicit_flag() -> None:
    with pytest.raises(ApiPathError):
        parse_api_path("http://127.0.0.1:8080/stores/h/v3/")
    path = parse_api_path("http://127.0.0.1:8080/stores/h/v3/", allow_insecure_host=True)
    assert path.v2_base == "http://127.0.0.1:8080/stores/h/v2/"
    assert path.origin == "http://127.0.0.1:8080"


def test_the_flag_never_allows_plain_http_to_a_remote_host() -> None:
    with pytest.raises(ApiPathError, match="unencrypted"):
        parse_api_path("http://shop.example.com/api/v2/", allow_insecure_host=True)
    assert (
        parse_api_path("https://shop.example.com/api/v2/", allow_insecure_host=True).v3_base is None
    )


@given(store_hash=HASHES, version=st.sampled_from(["v2/", "v3/", "v3", ""]))
def test_any_store_hash_round_trips(store_hash: str, version: str) -> None:
    path = parse_api_path(f"https://api.bigcommerce.com/stores/{store_hash}/{version}")
    assert path.store_hash == store_hash
    assert path.v2_base.endswith(f"/stores/{store_hash}/v2/")
    assert path.v3_base is not None
    assert path.v3_base.endswith(f"/stores/{store_hash}/v3/")


@given(st.text(max_size=80))
def test_arbitrary_text_parses_or_raises_api_path_error(text: str) -> None:
    try:
        path = parse_api_path(text)
    except ApiPathError:
        return
    assert path.origin.startswith("https://")
    assert path.v2_base.startswith(path.origin)
