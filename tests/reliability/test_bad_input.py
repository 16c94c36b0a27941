"""Bad input served by the sandbox: typed errors or quarantine with an alert, never a crash,
never a lost order.

Orders are broken in the sandbox's own state (wrong types, nulls where objects belong, 1 MB
strings, unicode, money as garbage); bodies are broken on the wire (truncated and malformed
JSON). Every readable order is imported; every unreadable one is quarantined with an ALERT
naming the field, and imports once it is fixed in the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.errors import UnexpectedResponseError
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync.webhooks import SECRET_HEADER
from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport
from support.reliability import (
    AF,
    AS,
    all_awaiting_fulfillment,
    catalogue,
    erp_refs,
    expected_refs,
    fast_client,
    runner_for,
    settings_for,
    store_statuses,
)

HUGE = "x" * 1_000_000
Order = dict[str, Any]
Mutation = Callable[[Order, list[Order], list[Order]], None]


def _set(key: str, value: Any) -> Mutation:
    return lambda order, lines, addresses: order.__setitem__(key, value)


def _billing(key: str, value: Any) -> Mutation:
    return lambda order, lines, addresses: order["billing_address"].__setitem__(key, value)


def _line(key: str, value: Any) -> Mutation:
    return lambda order, lines, addresses: lines[0].__setitem__(key, value)


def _address(key: str, value: Any) -> Mutation:
    return lambda order, lines, addresses: addresses[0].__setitem__(key, value)


#: Orders the SDK cannot read: each must be quarantined with an alert naming the field.
UNREADABLE: dict[str, tuple[Mutation, str]] = {
    "billing address as text": (_set("billing_address", "nope"), "billing_address"),
    "billing address as list": (_set("billing_address", [1, 2]), "billing_address"),
    "money with a currency": (_set("total_inc_tax", "12,34 EUR"), "total_inc_tax"),
    "money NaN": (_set("total_inc_tax", "NaN"), "total_inc_tax"),
    "money Infinity": (_set("total_inc_tax", "Infinity"), "total_inc_tax"),
    "money as boolean": (_set("total_inc_tax", True), "total_inc_tax"),
    "money as list": (_set("total_inc_tax", [1]), "total_inc_tax"),
    "date as prose": (_set("date_created", "yesterday-ish"), "date_created"),
    "customer id as text": (_set("customer_id", "abc"), "customer_id"),
    "count as text": (_set("items_total", "three"), "items_total"),
    "text as object": (_set("payment_status", {"a": 1}), "payment_status"),
    "quantity as text": (_line("quantity", "many"), "quantity"),
    "quantity as fraction": (_line("quantity", 1.5), "quantity"),
    "line price garbage": (_line("price_inc_tax", "$$"), "price_inc_tax"),
    "line options as text": (_line("product_options", "red"), "product_options"),
}

#: Odd but readable orders: each must be imported (once) and moved.
READABLE: dict[str, Mutation] = {
    "billing address null": _set("billing_address", None),
    "subtotal null": _set("subtotal_inc_tax", None),
    "negative customer id": _set("customer_id", -5),
    "huge customer id": _set("customer_id", 10**30),
    "1 MB first name": _billing("first_name", HUGE),
    "1 MB customer message": _set("customer_message", HUGE),
    "unicode name": _billing("last_name", "Zoë O'Brien 🧾\u202e\x00"),
    "idn e-mail": _billing("email", "ünï@xn--ex.com"),
    "line sku null": _line("sku", None),
    "line sku as number": _line("sku", 12345),
    "1 MB line name": _line("name", HUGE),
    "address street null": _address("street_1", None),
    "country as number": _address("country_iso2", 44),
    "currency null": _set("currency_code", None),
    "unknown nested field": _set("mystery", {"deep": [[[{"x": HUGE[:1000]}]]]}),
    "huge exponent": _set("total_inc_tax", "1e999999"),
}


@pytest.fixture
def corpus_store() -> Iterator[Sandbox]:
    orders = len(UNREADABLE) + len(READABLE) + 10
    with run_sandbox(SandboxConfig(seed=3, orders=orders, customers=20, products=20)) as sb:
        yield sb


def break_orders(sb: Sandbox, ids: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Apply the corpus to the first orders; return {id: case} for unreadable and readable."""
    unreadable: dict[int, str] = {}
    readable: dict[int, str] = {}
    cases = [(name, mutate, unreadable) for name, (mutate, _) in UNREADABLE.items()] + [
        (name, mutate, readable) for name, mutate in READABLE.items()
    ]
    with sb.store.locked() as store:
        for (name, mutate, into), order_id in zip(cases, ids, strict=False):
            order = store.orders[order_id]
            mutate(order, store.lines_of(order_id), store.addresses_of(order_id))
            into[order_id] = name
    return unreadable, readable


def alerts_of(erp: MemoryErp | SqliteErp) -> list[Any]:
    notes = erp.notifier.notifications
    notes = notes() if callable(notes) else notes
    return [n for n in notes if n.kind is NotificationKind.ALERT]


@pytest.mark.parametrize("adapter", ["memory", "sqlite"])
def test_broken_orders_are_quarantined_and_the_rest_imported(
    corpus_store: Sandbox, tmp_path: Path, adapter: str
) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    unreadable, readable = break_orders(sb, ids)
    items = catalogue(sb)
    erp = SqliteErp(tmp_path / "erp.db", items=items) if adapter == "sqlite" else MemoryErp(items)
    settings = settings_for(sb)
    with fast_client(sb, settings) as client:
        report = runner_for(client, settings, erp).run_now()
        assert not report.failed, report.errors
        good = [i for i in ids if i not in unreadable]
        assert erp_refs(erp) == expected_refs(good)
        assert len(readable) == len(READABLE)  # every odd-but-readable case was served
        statuses = store_statuses(sb, ids)
        assert all(statuses[i] == AS for i in good)
        assert all(statuses[i] == AF for i in unreadable)
        # Each unreadable order: one quarantine entry with its payload, one alert naming the
        # field that broke it.
        entries = {int(e.external_id): e for e in erp.quarantine.entries("order")}
        assert set(entries) == set(unreadable)
        alerts = {int(str(a.external_id)): a for a in alerts_of(erp)}
        assert set(alerts) == set(unreadable)
        for order_id, case in unreadable.items():
            field = UNREADABLE[case][1]
            assert field in entries[order_id].reason, (case, entries[order_id].reason)
            assert entries[order_id].payload.get("id") == order_id
            assert alerts[order_id].code.startswith("order.import."), alerts[order_id]
        # Fixed in the store, a quarantined order imports on replay, exactly once.
        fixed = min(unreadable)
        with sb.store.locked() as store:
            store.orders[fixed] = {**store.orders[fixed], **_pristine(sb, fixed)}
        replay = runner_for(client, settings, erp).importer.retry_quarantine()
        assert not replay.failed, replay.errors
        # The orders still broken stay quarantined; one of them never ends the replay.
        assert replay.orders_quarantined == len(unreadable) - 1
        left = {int(e.external_id) for e in erp.quarantine.entries("order")}
        assert left == set(unreadable) - {fixed}
    assert erp_refs(erp) == expected_refs([*good, fixed])
    assert store_statuses(sb, [fixed]) == {fixed: AS}
    if isinstance(erp, SqliteErp):
        erp.close()


def _pristine(sb: Sandbox, order_id: int) -> Order:
    """The order's fields as a fresh sandbox with the same seed generates them."""
    config = SandboxConfig(seed=3, orders=order_id, customers=20, products=20)
    with run_sandbox(config) as twin, twin.store.locked() as store:
        original = dict(store.orders[order_id])
    keep = ("status_id", "date_modified")
    return {k: v for k, v in original.items() if k not in keep}


@pytest.mark.parametrize("kind", ["truncated_json", "malformed_json"])
def test_garbled_bodies_are_read_again(corpus_store: Sandbox, kind: str) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    # Two garbled answers to the order list and two to status moves: the reads are retried.
    sb.knobs.fail_next(kind, n=2, path_prefix="/v2/orders")
    with fast_client(sb, settings) as client:
        report = runner_for(client, settings, erp).run_now()
    assert not report.failed, report.errors
    assert erp_refs(erp) == expected_refs(ids)
    assert set(store_statuses(sb, ids).values()) == {AS}


def test_persistently_garbled_list_stops_the_run_with_a_typed_error(corpus_store: Sandbox) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    with fast_client(sb, settings) as client:
        # More garbled answers than the client's attempts: the run stops, typed and notified.
        sb.knobs.fail_next("malformed_json", n=20, path_prefix="/v2/orders")
        with pytest.raises(UnexpectedResponseError):
            client.orders.get(ids[0])
        report = runner_for(client, settings, erp).run_now()
        assert report.failed
        assert erp.sync_state.get_cursor("orders") is None  # the cursor did not move
        errors = [n for n in erp.notifier.notifications if n.kind is NotificationKind.ERROR]
        assert errors
        assert errors[0].code == "run.unexpected_response"
        # Nothing was lost: the next run, with a healthy store, imports every order.
        sb.knobs.clear_faults()
        again = runner_for(client, settings, erp).run_now()
    assert not again.failed, again.errors
    assert erp_refs(erp) == expected_refs(ids)


class _JunkInLists(Urllib3Transport):
    """Real HTTP to the sandbox, with junk slipped into every order list on the way back."""

    JUNK: Final = (None, "garbage", 7, [1], {"id": "x"}, {})

    def send(self, request: HttpRequest) -> HttpResponse:
        response = super().send(request)
        if request.method == "GET" and "/v2/orders?" in request.url and response.status == 200:
            items = json.loads(response.body)
            items[1:1] = list(self.JUNK)
            body = json.dumps(items).encode()
            return HttpResponse(status=response.status, headers=response.headers, body=body)
        return response


def test_list_items_that_are_not_orders_are_quarantined_not_fatal(corpus_store: Sandbox) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    with BigCommerceClient.from_settings(settings, transport=_JunkInLists()) as client:
        runner = runner_for(client, settings, erp)
        report = runner.run_now()
        # Junk has no order id: each piece keeps its own entry, and a replay fetches nothing.
        calls = sb.requests.count()
        replay = runner.importer.retry_quarantine()
    assert not report.failed, report.errors
    assert erp_refs(erp) == expected_refs(ids)
    assert report.orders_quarantined == len(_JunkInLists.JUNK)
    alerts = alerts_of(erp)
    assert len(alerts) == len(_JunkInLists.JUNK)
    assert all(a.code == "order.import.ModelError" for a in alerts)
    keys = [e.external_id for e in erp.quarantine.entries("order")]
    assert len(keys) == len(_JunkInLists.JUNK)
    assert all(key.startswith("unidentified-") for key in keys)
    assert sb.requests.count() == calls
    assert len(replay.errors) == len(_JunkInLists.JUNK)


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", {"not": "an e-mail"}), ("customer_group_id", "gold"), ("addresses", "none")],
)
def test_an_unreadable_customer_is_quarantined_and_orders_still_import(
    corpus_store: Sandbox, field: str, value: Any
) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    with sb.store.locked() as store:
        # The customer of the first registered order, so its orders need it too.
        broken = next(o["customer_id"] for o in store.orders.values() if o["customer_id"])
        store.customers[broken][field] = value
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    with fast_client(sb, settings) as client:
        report = runner_for(client, settings, erp).run_now()
    assert not report.failed, report.errors
    assert erp_refs(erp) == expected_refs(ids)
    assert report.customers_quarantined >= 1
    entries = list(erp.quarantine.entries("customer"))
    assert [e.external_id for e in entries] == [str(broken)]
    assert field in entries[0].reason
    codes = {a.code for a in alerts_of(erp)}
    assert codes == {"customer.import.ModelError"}


def test_a_webhook_for_an_unreadable_order_quarantines_it(corpus_store: Sandbox) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    broken = ids[0]
    with sb.store.locked() as store:
        store.orders[broken]["total_inc_tax"] = "12,34 EUR"
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    delivery = {
        "scope": "store/order/created",
        "store_id": "1",
        "data": {"type": "order", "id": broken},
        "hash": "h1",
        "created_at": 1700000000,
        "producer": f"stores/{sb.store_hash}",
    }
    with fast_client(sb, settings) as client:
        handler = runner_for(client, settings, erp).importer.webhook_handler("s3cret")
        result = handler.handle({SECRET_HEADER: "s3cret"}, json.dumps(delivery).encode())
    assert result.http_status == 200
    assert [e.external_id for e in erp.quarantine.entries("order")] == [str(broken)]
    assert [a.code for a in alerts_of(erp)] == ["order.import.ModelError"]
    assert erp_refs(erp) == []


class _OddMoveAnswers(Urllib3Transport):
    """Real HTTP; every status move is answered 200 with an order the SDK cannot read."""

    def send(self, request: HttpRequest) -> HttpResponse:
        response = super().send(request)
        if request.method == "PUT" and response.status == 200:
            echoed = {**json.loads(response.body), "total_inc_tax": "n/a"}
            body = json.dumps(echoed).encode()
            return HttpResponse(status=200, headers=response.headers, body=body)
        return response


def test_an_unreadable_answer_to_a_status_move_still_counts_as_moved(
    corpus_store: Sandbox,
) -> None:
    sb = corpus_store
    ids = all_awaiting_fulfillment(sb)
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    with BigCommerceClient.from_settings(settings, transport=_OddMoveAnswers()) as client:
        report = runner_for(client, settings, erp).run_now()
    assert not report.failed, report.errors
    assert report.statuses_moved == len(ids)
    assert set(store_statuses(sb, ids).values()) == {AS}
    assert erp.sync_state.get_cursor("orders") is not None


class _OddStatusList(Urllib3Transport):
    """Real HTTP; the store's order counts per status come back 200 but unreadable."""

    def send(self, request: HttpRequest) -> HttpResponse:
        response = super().send(request)
        if "/v2/orders/count" in request.url:
            body = b'{"statuses": [{"id": "eleven", "name": 5}], "count": "x"}'
            return HttpResponse(status=200, headers=response.headers, body=body)
        return response


def test_unreadable_data_outside_any_one_record_stops_the_run_cleanly(
    corpus_store: Sandbox,
) -> None:
    sb = corpus_store
    all_awaiting_fulfillment(sb)
    settings = settings_for(sb)
    erp = MemoryErp(catalogue(sb))
    with BigCommerceClient.from_settings(settings, transport=_OddStatusList()) as client:
        report = runner_for(client, settings, erp).run_now()
    assert report.failed
    assert "cannot read" in report.errors[0]
    assert [n.code for n in report.notifications] == ["run.unexpected_response"]
    assert erp.sync_state.get_cursor("orders") is None
    assert erp.lock.try_acquire(f"{sb.store_hash}:import", "next-run")  # lock released
