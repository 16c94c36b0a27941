"""Resource groups send exactly what the API expects and return typed models."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.models import InventoryAdjustment
from bigcommerce_connect.resources import adjustment_batches, chunked
from support.scripted import ScriptedTransport, respond

from .conftest import MakeClient

ORDER = {
    "id": 101,
    "customer_id": 0,
    "status_id": 11,
    "status": "Awaiting Fulfillment",
    "date_modified": "Tue, 05 Mar 2019 21:40:11 +0000",
    "total_inc_tax": "12.3450",
    "billing_address": {"first_name": "Zoë", "last_name": "O'Brien", "email": "z@x.io"},
    "products": {"url": "https://x/v2/orders/101/products", "resource": "/orders/101/products"},
    "shipping_addresses": {"url": "https://x", "resource": "/orders/101/shipping_addresses"},
}


def line(line_id: int) -> dict[str, object]:
    return {"id": line_id, "order_id": 101, "product_id": 5, "sku": f"S{line_id}", "quantity": 1}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_set_status_sends_exactly_the_status_id(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {**ORDER, "status_id": 9}))
    order = make_client(transport).orders.set_status(101, OrderStatus.AWAITING_SHIPMENT)
    request = transport.requests[0]
    assert request.method == "PUT"
    assert request.url.endswith("/v2/orders/101")
    assert json.loads(request.body or b"") == {"status_id": 9}
    assert order.order_status is OrderStatus.AWAITING_SHIPMENT


def test_move_sends_exactly_the_status_id_and_returns_nothing(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {"id": 101, "status_id": "not a status"}))
    # An echo no Order could be built from is still a move: move() never reads it as one.
    make_client(transport).orders.move(101, OrderStatus.AWAITING_SHIPMENT)
    (request,) = transport.requests
    assert request.method == "PUT"
    assert request.url.endswith("/v2/orders/101")
    assert json.loads(request.body or b"") == {"status_id": 9}


def test_order_list_embeds_lines_and_sorts_stably(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, [ORDER]), respond(204))
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    orders = list(make_client(transport).orders.iter(status_id=11, min_date_modified=since))
    params = query(transport.requests[0].url)
    assert params["include"] == ["consignments.line_items"]
    assert params["consignment_structure"] == ["object"]
    assert params["sort"] == ["id:asc"]
    assert params["min_date_modified"] == ["Thu, 01 Jan 2026 00:00:00 +0000"]
    assert orders[0].total_inc_tax == Decimal("12.345")
    assert orders[0].customer_id == 0


def test_unknown_sort_is_refused(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="sorted"):
        list(make_client(ScriptedTransport()).orders.iter(sort="total:asc"))


def test_order_lines_are_fetched_through_every_page(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(200, ORDER),
        respond(200, [line(i) for i in range(1, 251)]),
        respond(200, [line(i) for i in range(251, 261)]),
        respond(204),  # a short page is not the end: only a 204 or [] is
        respond(200, [{"id": 7, "order_id": 101, "first_name": "A", "zip": 12345}]),
        respond(200, []),
    )
    client = make_client(transport)
    order = client.orders.with_lines(client.orders.get(101, embed_lines=False))
    assert len(order.products) == 260
    assert order.shipping_addresses[0].zip == "12345"
    assert order.lines_embedded
    assert query(transport.requests[2].url)["page"] == ["2"]


def test_statuses_resolve_renamed_labels(make_client: MakeClient) -> None:
    statuses = [
        {"id": 11, "name": "Awaiting Fulfillment", "custom_label": "Ready to Pick"},
        {"id": 9, "name": "Awaiting Shipment", "custom_label": "Awaiting Shipment"},
    ]
    transport = ScriptedTransport(respond(200, statuses))
    labels = make_client(transport).order_statuses.labels()
    assert labels.resolve("Ready to Pick") == 11


def test_customer_batch_is_at_most_ten_and_updates_need_ids(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {"data": [{"id": 1, "email": "a@x.io"}]}))
    client = make_client(transport)
    result = client.customers.create([{"email": "a@x.io", "first_name": "A", "last_name": "B"}])
    assert result.ok
    with pytest.raises(ValueError, match="at most 10"):
        client.customers.create([{"email": f"{i}@x.io"} for i in range(11)])
    with pytest.raises(ValueError, match="id"):
        client.customers.update([{"email": "a@x.io"}])
    assert len(transport.requests) == 1


def test_customers_by_email_use_the_in_filter(make_client: MakeClient) -> None:
    body = {"data": [], "meta": {"pagination": {"total_pages": 0}}}
    transport = ScriptedTransport(respond(200, body))
    assert make_client(transport).customers.by_email("a+b@x.io") == []
    assert query(transport.requests[0].url)["email:in"] == ["a+b@x.io"]


def test_product_batch_update_reports_207_per_item(make_client: MakeClient) -> None:
    body = {"data": [], "errors": {"status": 409, "title": "dup", "errors": {"name": "taken"}}}
    transport = ScriptedTransport(respond(207, body))
    result = make_client(transport).products.update_batch([{"id": 1, "name": "x"}])
    assert not result.ok
    assert result.errors[0].errors == {"name": "taken"}


def test_inventory_adjustments_group_by_location_and_cap_at_2000() -> None:
    items = [
        InventoryAdjustment(location_id=1 + i % 2, sku=f"S{i}", quantity=i) for i in range(4500)
    ]
    batches = list(adjustment_batches(items))
    assert [len(b) for b in batches] == [2000, 250, 2000, 250]
    assert all(len({item.location_id for item in batch}) == 1 for batch in batches)


def test_inventory_request_body(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {"transaction_id": "t-1"}))
    items = [InventoryAdjustment(location_id=1, sku="S1", quantity=4)]
    result = make_client(transport).inventory.adjust_absolute(items, reason="sync")
    assert json.loads(transport.requests[0].body or b"") == {
        "reason": "sync",
        "items": [{"location_id": 1, "sku": "S1", "quantity": 4}],
    }
    assert result.transaction_id == "t-1"


def test_webhook_create_sends_secret_headers(make_client: MakeClient) -> None:
    hook = {"id": 3, "scope": "store/order/*", "destination": "https://erp/h", "is_active": True}
    transport = ScriptedTransport(respond(200, {"data": hook, "meta": {}}))
    created = make_client(transport).webhooks.create(
        "store/order/*", "https://erp/h", headers={"X-Secret": "s"}
    )
    assert json.loads(transport.requests[0].body or b"")["headers"] == {"X-Secret": "s"}
    assert created.id == 3


def test_no_collection_delete_is_exposed(make_client: MakeClient) -> None:
    client = make_client(ScriptedTransport())
    for group in (client.orders, client.customers, client.customer_groups, client.products):
        assert not [name for name in dir(group) if "delete" in name.lower()]


def test_chunked() -> None:
    assert list(chunked(range(5), 2)) == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="at least 1"):
        list(chunked([1], 0))
