"""Webhooks under hostile input: every malformed delivery is a 4xx with a log line, never an
exception; de-duplication keys on the delivery, so later updates of one record are processed.

The handler imports from a running sandbox over real HTTP (the rig in ``conftest``); the
SQLite case keeps its receipts in a real file.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.sync import WebhookOutcome
from bigcommerce_connect.sync.webhooks import (
    MAX_BODY_BYTES,
    SECRET_HEADER,
    WebhookHandler,
    WebhookResult,
)
from support.reliability import catalogue as catalogue_of

from .conftest import MakeRig, Rig

SECRET = "s3cret-CANARY-webhook"
BODY_CANARY = "BODY-CANARY-5e1f"
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def payload(
    rig: Rig,
    data: dict[str, Any],
    scope: str = "store/customer/updated",
    created_at: int | None = 1767225600,
    **fields: Any,
) -> dict[str, Any]:
    """A callback as BigCommerce builds it: ``hash`` is the SHA-1 of ``data`` alone."""
    data_json = json.dumps(data, separators=(",", ":"), sort_keys=True)
    body: dict[str, Any] = {
        "scope": scope,
        "store_id": rig.sb.store.store_id,
        "producer": f"stores/{rig.sb.store_hash}",
        "data": data,
        "hash": hashlib.sha1(data_json.encode(), usedforsecurity=False).hexdigest(),
    }
    if created_at is not None:
        body["created_at"] = created_at
    body.update(fields)
    return body


def encode(value: Any) -> bytes:
    return json.dumps(value).encode()


def handler_of(rig: Rig) -> WebhookHandler:
    return rig.importer.webhook_handler(SECRET)


def any_customer(rig: Rig) -> int:
    with rig.sb.store.locked() as store:
        return min(store.customers)


def rename(rig: Rig, customer_id: int, last_name: str, minutes: int) -> None:
    """Change the customer in the store, ``minutes`` from now."""
    with rig.sb.store.locked() as store:
        store.customers[customer_id]["last_name"] = last_name
        store.customers[customer_id]["date_modified"] = store.now() + timedelta(minutes=minutes)


def erp_last_name(rig: Rig, customer_id: int) -> str | None:
    binding = rig.erp.bindings.get("customer", str(customer_id))
    assert binding is not None
    return rig.erp.customers.get(binding.local_id).last_name


GOOD = {SECRET_HEADER: SECRET}


# -- de-duplication on the delivery ------------------------------------------------------------


def test_a_later_update_of_the_same_customer_is_processed(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = handler_of(rig)
    customer = any_customer(rig)
    data = {"type": "customer", "id": customer}
    rename(rig, customer, "First", 1)
    first = handler.handle(GOOD, encode(payload(rig, data, created_at=1767225600)))
    assert first.outcome is WebhookOutcome.PROCESSED
    assert erp_last_name(rig, customer) == "First"
    rename(rig, customer, "Second", 2)
    later = encode(payload(rig, data, created_at=1767225660))  # same data, same hash
    second = handler.handle(GOOD, later)
    assert second.outcome is WebhookOutcome.PROCESSED, second
    assert erp_last_name(rig, customer) == "Second"
    rename(rig, customer, "Third", 3)
    again = handler.handle(GOOD, later)  # the store redelivers the second one
    assert again.outcome is WebhookOutcome.DUPLICATE
    assert again.http_status == 200
    assert erp_last_name(rig, customer) == "Second"


def test_created_then_updated_in_the_same_second_are_two_deliveries(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = handler_of(rig)
    data = {"type": "customer", "id": any_customer(rig)}
    created = handler.handle(GOOD, encode(payload(rig, data, "store/customer/created")))
    updated = handler.handle(GOOD, encode(payload(rig, data, "store/customer/updated")))
    assert created.outcome is WebhookOutcome.PROCESSED
    assert updated.outcome is WebhookOutcome.PROCESSED


def test_without_a_hash_the_body_is_the_key(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = handler_of(rig)
    data = {"type": "customer", "id": any_customer(rig)}
    body = payload(rig, data, created_at=1767225600)
    del body["hash"]
    first = handler.handle(GOOD, encode(body))
    redelivered = handler.handle(GOOD, encode(body))
    later = handler.handle(GOOD, encode({**body, "created_at": 1767225700}))
    assert first.outcome is WebhookOutcome.PROCESSED
    assert redelivered.outcome is WebhookOutcome.DUPLICATE
    assert later.outcome is WebhookOutcome.PROCESSED


@pytest.fixture
def sqlite_erp(tmp_path: Path, make_rig: MakeRig) -> Iterator[SqliteErp]:
    erp = SqliteErp(tmp_path / "erp.db", items=catalogue_of(make_rig().sb))
    yield erp
    erp.close()


def test_sqlite_receipts_process_later_updates_and_drop_redeliveries(
    make_rig: MakeRig, sqlite_erp: SqliteErp
) -> None:
    rig = make_rig(erp=sqlite_erp)
    handler = handler_of(rig)
    data = {"type": "customer", "id": any_customer(rig)}
    bodies = [encode(payload(rig, data, created_at=1767225600 + 60 * i)) for i in range(3)]
    outcomes = [handler.handle(GOOD, body).outcome for body in [*bodies, bodies[1]]]
    assert outcomes == [WebhookOutcome.PROCESSED] * 3 + [WebhookOutcome.DUPLICATE]


# -- malformed deliveries: 4xx and a log line --------------------------------------------------


def deep(levels: int) -> bytes:
    return b'{"scope": "store/order/created", "data": ' + b"[" * levels + b"]" * levels + b"}"


def test_a_huge_body_is_413(make_rig: MakeRig, caplog: pytest.LogCaptureFixture) -> None:
    rig = make_rig()
    body = payload(rig, {"type": "order", "id": 1}, "store/order/created")
    body["filler"] = "x" * MAX_BODY_BYTES
    with caplog.at_level(logging.WARNING, logger="bigcommerce_connect.webhooks"):
        result = handler_of(rig).handle(GOOD, encode(body))
    assert (result.outcome, result.http_status) == (WebhookOutcome.REJECTED, 413)
    assert "bytes" in caplog.text


CASES: list[tuple[str, Any, int, str]] = [
    ("no secret", {}, 401, "secret"),
    ("wrong secret", {SECRET_HEADER: "nope"}, 401, "secret"),
    ("non-UTF-8 bytes in the header", {SECRET_HEADER: b"\xff\xfe" + SECRET.encode()}, 401, ""),
    ("non-Latin-1 text in the header", {SECRET_HEADER: SECRET + "\u20ac"}, 401, ""),
    ("a lone surrogate in the header", {SECRET_HEADER: "\udcff" + SECRET}, 401, ""),
    ("the secret twice", {SECRET_HEADER: SECRET, SECRET_HEADER.lower(): SECRET}, 401, ""),
    ("not a string at all", {SECRET_HEADER: None}, 401, ""),
]


@pytest.mark.parametrize(("name", "headers", "status", "word"), CASES, ids=[c[0] for c in CASES])
def test_bad_secret_headers_are_401_and_never_raise(
    make_rig: MakeRig,
    caplog: pytest.LogCaptureFixture,
    name: str,
    headers: Any,
    status: int,
    word: str,
) -> None:
    rig = make_rig()
    body = encode(payload(rig, {"type": "order", "id": 1, "note": BODY_CANARY}))
    with caplog.at_level(logging.WARNING, logger="bigcommerce_connect.webhooks"):
        result = handler_of(rig).handle(headers, body)
    assert (result.outcome, result.http_status) == (WebhookOutcome.REJECTED, status)
    assert "secret header" in caplog.text
    assert SECRET not in caplog.text
    assert BODY_CANARY not in caplog.text


@pytest.mark.parametrize(
    "headers",
    [
        {SECRET_HEADER.upper(): SECRET},
        {SECRET_HEADER.encode(): SECRET.encode()},
        {SECRET_HEADER.lower().encode(): SECRET},
    ],
)
def test_the_secret_is_found_in_any_case_as_text_or_bytes(make_rig: MakeRig, headers: Any) -> None:
    rig = make_rig()
    body = encode(payload(rig, {"type": "order", "id": 999_999}, "store/order/created"))
    result = handler_of(rig).handle(headers, body)
    assert result.http_status == 200


def test_a_non_ascii_secret_matches_as_utf8_text_bytes_or_wsgi_latin1(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = rig.importer.webhook_handler("sécret")
    body = encode(payload(rig, {"type": "order", "id": 999_999}, "store/order/created"))
    raw = "sécret".encode()
    for value in ("sécret", raw, raw.decode("latin-1")):
        assert handler.handle({SECRET_HEADER: value}, body).http_status == 200, value


ORDER = {"type": "order", "id": 1, "note": BODY_CANARY}
Edit = Callable[[dict[str, Any]], bytes]


def without(key: str) -> Edit:
    return lambda good: encode({k: v for k, v in good.items() if k != key})


def with_field(key: str, value: Any) -> Edit:
    return lambda good: encode({**good, key: value})


def with_id(value: Any) -> Edit:
    return with_field("data", {"type": "order", "id": value})


def id_text(text: bytes) -> Edit:
    return lambda good: encode(good).replace(b'"id": 1', b'"id": ' + text)


#: (case, the body made from an authentic order delivery, a word the answer and log hold)
MALFORMED: list[tuple[str, Edit, str]] = [
    ("not JSON", lambda _good: b"{not json " + BODY_CANARY.encode(), "JSON"),
    ("not UTF-8", lambda good: encode(good).replace(b"order", b"\xff\xfe", 1), "JSON"),
    ("a BOM", lambda good: b"\xef\xbb\xbf" + encode(good), "JSON"),
    ("empty", lambda _good: b"", "JSON"),
    ("NaN", id_text(b"NaN"), "JSON"),
    ("a 100,000-digit number", id_text(b"1" + b"0" * 99_999), "JSON"),
    ("10,000 levels deep", lambda _good: deep(10_000), "deeper"),
    (
        "40 levels inside data",
        with_field("data", {**ORDER, "x": json.loads("[" * 40 + "]" * 40)}),
        "deeper",
    ),
    ("a list", lambda _good: b"[1, 2]", "payload"),
    ("no data", without("data"), "payload"),
    ("a numeric scope", with_field("scope", 5), "payload"),
    ("an escape in the scope", with_field("scope", "store/order/\x1b[2J"), "payload"),
    ("created_at as text", with_field("created_at", "yesterday"), "payload"),
    ("another store", with_field("producer", "stores/someoneelse"), "another store"),
    ("no producer", without("producer"), "another store"),
    ("no id", with_field("data", {"type": "order"}), "data.id"),
    ("a text id", with_id("1"), "data.id"),
    ("a bool id", with_id(True), "data.id"),
    ("a zero id", with_id(0), "data.id"),
    ("a huge id", with_id(2**64), "data.id"),
    (
        "a customer without id",
        lambda good: encode({**good, "scope": "store/customer/updated", "data": {"type": "x"}}),
        "data.id",
    ),
]


@pytest.mark.parametrize(("name", "edit", "word"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_authentic_deliveries_are_400_with_a_log_line(
    make_rig: MakeRig, caplog: pytest.LogCaptureFixture, name: str, edit: Edit, word: str
) -> None:
    rig = make_rig()
    good = payload(rig, ORDER, "store/order/created")
    body = edit(good)
    rig.sb.requests.clear()
    with caplog.at_level(logging.WARNING, logger="bigcommerce_connect.webhooks"):
        result = handler_of(rig).handle(GOOD, body)
    assert (result.outcome, result.http_status) == (WebhookOutcome.REJECTED, 400)
    assert word in result.detail
    [record] = [r for r in caplog.records if r.name == "bigcommerce_connect.webhooks"]
    assert record.levelno == logging.WARNING
    assert "400" in record.getMessage()
    assert word in record.getMessage()
    assert SECRET not in caplog.text
    assert BODY_CANARY not in caplog.text
    assert rig.sb.requests.count(method="GET") == 0  # nothing fetched for it
    assert rig.erp.sales_orders.all() == {}


def test_a_scope_it_does_not_import_needs_no_id(make_rig: MakeRig) -> None:
    rig = make_rig()
    body = encode(payload(rig, {"type": "cart"}, "store/cart/created"))
    result = handler_of(rig).handle(GOOD, body)
    assert (result.outcome, result.http_status) == (WebhookOutcome.IGNORED, 200)


# -- fuzzing: always 2xx or 4xx, never an exception --------------------------------------------

HEADER_NAMES = st.sampled_from(
    [SECRET_HEADER, SECRET_HEADER.lower(), SECRET_HEADER.upper(), "Content-Type", "X-Other"]
) | st.text(max_size=20)
HEADER_VALUES = st.text() | st.binary() | st.sampled_from([SECRET, SECRET.encode()])
HEADERS = st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=5) | st.dictionaries(
    HEADER_NAMES.map(lambda name: name.encode("utf-8", "surrogatepass")), HEADER_VALUES, max_size=5
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
SCOPES = st.sampled_from(
    ["store/order/created", "store/order/statusUpdated", "store/customer/updated", "store/x"]
) | st.text(max_size=30)


def shaped(rig: Rig) -> st.SearchStrategy[bytes]:
    """Webhook-shaped bodies with any field given any value (ids kept small: few fetches)."""
    fields = st.fixed_dictionaries(
        {},
        optional={
            "scope": SCOPES | JSON,
            "store_id": JSON,
            "producer": st.sampled_from([f"stores/{rig.sb.store_hash}", "stores/x"]) | JSON,
            "data": st.fixed_dictionaries(
                {}, optional={"type": JSON, "id": st.integers(-5, 5) | JSON}
            )
            | JSON,
            "hash": st.text(max_size=40) | JSON,
            "created_at": st.integers() | JSON,
        },
    )
    return fields.map(encode)


def nested(levels: int, opener: bytes) -> bytes:
    closer = b"]" if opener == b"[" else b"}"
    inner = b'{"a":' if opener == b"{" else b"["
    body = inner * levels + b"1" + closer * levels
    return b'{"scope":"store/order/created","data":' + body + b"}"


def bodies(rig: Rig) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        JSON.map(encode),
        shaped(rig),
        st.builds(nested, st.integers(1, 20_000), st.sampled_from([b"[", b"{"])),
        st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")),
    )


def header_name(name: str | bytes) -> str:
    return (name.decode("latin-1") if isinstance(name, bytes) else name).lower()


def answer(handler: WebhookHandler, headers: Any, body: bytes) -> WebhookResult:
    result = handler.handle(headers, body)  # any exception fails the test
    assert 200 <= result.http_status < 300 or 400 <= result.http_status < 500, result
    if result.http_status >= 400:
        assert result.outcome is WebhookOutcome.REJECTED
    return result


def test_fuzzed_headers_get_2xx_or_4xx_and_401_unless_exactly_the_secret(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    handler = handler_of(rig)
    body = encode(payload(rig, {"type": "order", "id": 999_999}, "store/order/created"))

    @FUZZ
    @given(HEADERS)
    def check(headers: dict[Any, Any]) -> None:
        result = answer(handler, headers, body)
        values = [v for k, v in headers.items() if header_name(k) == SECRET_HEADER.lower()]
        exact = len(values) == 1 and values[0] in (SECRET, SECRET.encode())
        assert (result.http_status == 401) is not exact

    check()


def test_fuzzed_authentic_bodies_get_2xx_or_4xx(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = handler_of(rig)

    @FUZZ
    @given(bodies(rig))
    def check(body: bytes) -> None:
        answer(handler, GOOD, body)

    check()


def test_fuzzed_headers_and_bodies_together(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = handler_of(rig)

    @FUZZ
    @given(HEADERS, bodies(rig))
    def check(headers: dict[Any, Any], body: bytes) -> None:
        answer(handler, headers, body)

    check()
