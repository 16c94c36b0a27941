"""The sandbox's order shipments: answers per the spec, the store's side effects, refusals."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from bigcommerce_connect.sandbox import Sandbox
from support.sandbox_api import Api
from support.sandboxes import StartSandbox

SPEC = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "specs"
    / "current"
    / "orders.v2.oas2.yml"
)
AWAITING_FULFILLMENT = 11
SHIPPED = 2
PARTIALLY_SHIPPED = 3


@cache
def spec() -> dict[str, Any]:
    if not SPEC.exists():
        pytest.skip(f"spec not found: {SPEC}")
    with SPEC.open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def assert_matches_spec(method: str, path: str, status: int, body: bytes) -> None:
    """The answer's status is documented for the operation and its JSON fits the schema."""
    responses = spec()["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} documents no {status}"
    content = _deref(responses[str(status)]).get("content") or {}
    schemas = [c["schema"] for media, c in content.items() if "json" in media and "schema" in c]
    if not schemas:
        return
    root = {"allOf": [schemas[0]], "components": spec()["components"]}
    errors = list(OAS30Validator(root).iter_errors(json.loads(body)))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors)


@pytest.fixture
def sb(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=3, orders=20, customers=4, products=6)


def new_order(sb: Sandbox, lines: int = 2) -> tuple[int, int, list[dict[str, Any]]]:
    """A fresh order: its id, its shipping address id and its lines (copies)."""
    order_id = sb.store.add_order(line_count=lines, status_id=AWAITING_FULFILLMENT)
    with sb.store.locked() as store:
        address = store.addresses_of(order_id)[0]["id"]
        return order_id, address, [dict(line) for line in store.lines_of(order_id)]


def post(api: Api, order_id: int, body: Any) -> Any:
    return api.request("POST", f"v2/orders/{order_id}/shipments", body)


def status_of(sb: Sandbox, order_id: int) -> int:
    with sb.store.locked() as store:
        return int(store.orders[order_id]["status_id"])


def test_every_shipment_path_answers_per_the_spec(sb: Sandbox) -> None:
    api = Api(sb)
    order_id, address, lines = new_order(sb)
    base = "/orders/{order_id}/shipments"
    one = base + "/{shipment_id}"
    empty = api.get(f"v2/orders/{order_id}/shipments")
    assert (empty.status, empty.data) == (204, b"")
    item = {"order_product_id": lines[0]["id"], "quantity": 1}
    body = {
        "order_address_id": address,
        "items": [item],
        "tracking_number": "1Z9",
        "shipping_provider": "ups",
    }
    created = post(api, order_id, body)
    assert_matches_spec("post", base, created.status, created.data)
    shipment_id = json.loads(created.data)["id"]
    listed = api.get(f"v2/orders/{order_id}/shipments")
    assert_matches_spec("get", base, listed.status, listed.data)
    got = api.get(f"v2/orders/{order_id}/shipments/{shipment_id}")
    assert_matches_spec("get", one, got.status, got.data)
    put = api.request(
        "PUT",
        f"v2/orders/{order_id}/shipments/{shipment_id}",
        {"tracking_number": "1Z8", "comments": "Grüße"},
    )
    assert_matches_spec("put", one, put.status, put.data)
    assert json.loads(put.data)["tracking_number"] == "1Z8"
    count = api.get(f"v2/orders/{order_id}/shipments/count")
    assert_matches_spec("get", base + "/count", count.status, count.data)
    assert json.loads(count.data) == {"count": 1}
    gone = api.request("DELETE", f"v2/orders/{order_id}/shipments/{shipment_id}")
    assert_matches_spec("delete", one, gone.status, gone.data)
    assert api.get(f"v2/orders/{order_id}/shipments/{shipment_id}").status == 404


def test_partial_then_full_shipment_moves_the_order_and_fires_webhooks(sb: Sandbox) -> None:
    events: list[tuple[str, dict[str, Any]]] = []
    sb.store.subscribe(lambda scope, data: events.append((scope, data)))
    api = Api(sb)
    order_id, address, lines = new_order(sb)
    with sb.store.locked() as store:
        before = store.orders[order_id]["date_modified"]
    first = {"order_product_id": lines[0]["id"], "quantity": lines[0]["quantity"]}
    answer = post(api, order_id, {"order_address_id": address, "items": [first]})
    assert answer.status == 201
    assert status_of(sb, order_id) == PARTIALLY_SHIPPED
    rest = [{"order_product_id": line["id"], "quantity": line["quantity"]} for line in lines[1:]]
    assert post(api, order_id, {"order_address_id": address, "items": rest}).status == 201
    assert status_of(sb, order_id) == SHIPPED
    with sb.store.locked() as store:
        order = store.orders[order_id]
        assert order["date_modified"] >= before
        assert order["items_shipped"] == sum(line["quantity"] for line in lines)
        assert [line["quantity_shipped"] for line in store.lines_of(order_id)] == [
            line["quantity"] for line in lines
        ]
    scopes = [scope for scope, _ in events]
    assert scopes.count("store/shipment/created") == 2
    moves = [data["status"] for scope, data in events if scope == "store/order/statusUpdated"]
    assert [m["new_status_id"] for m in moves] == [PARTIALLY_SHIPPED, SHIPPED]
    created = [data for scope, data in events if scope == "store/shipment/created"]
    assert all(data["orderId"] == order_id for data in created)


def test_deleting_a_shipment_gives_quantities_back_and_keeps_the_status(sb: Sandbox) -> None:
    api = Api(sb)
    order_id, address, lines = new_order(sb, lines=1)
    item = {"order_product_id": lines[0]["id"], "quantity": lines[0]["quantity"]}
    shipment = json.loads(post(api, order_id, {"order_address_id": address, "items": [item]}).data)
    assert status_of(sb, order_id) == SHIPPED
    assert api.request("DELETE", f"v2/orders/{order_id}/shipments/{shipment['id']}").status == 204
    assert status_of(sb, order_id) == SHIPPED
    with sb.store.locked() as store:
        assert store.lines_of(order_id)[0]["quantity_shipped"] == 0
    assert post(api, order_id, {"order_address_id": address, "items": [item]}).status == 201


def refusal(answer: Any) -> str:
    """The message of a v2 error answer, checking its shape."""
    body = json.loads(answer.data)
    assert isinstance(body, list)
    assert body[0]["status"] == answer.status
    return str(body[0]["message"])


def test_over_shipping_a_line_is_refused(sb: Sandbox) -> None:
    api = Api(sb)
    order_id, address, lines = new_order(sb)
    line = lines[0]
    half = {"order_product_id": line["id"], "quantity": 1}
    assert post(api, order_id, {"order_address_id": address, "items": [half]}).status == 201
    too_many = {"order_product_id": line["id"], "quantity": line["quantity"]}
    answer = post(api, order_id, {"order_address_id": address, "items": [too_many]})
    assert answer.status == 400
    message = refusal(answer)
    assert (
        f"({line['quantity']}) is more than the quantity left to ship ({line['quantity'] - 1})"
        in message
    )
    with sb.store.locked() as store:
        assert store.lines_of(order_id)[0]["quantity_shipped"] == 1  # nothing of it applied
        assert len(store.shipments) == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            {"items": [{"order_product_id": 1, "quantity": 1}]},
            "'order_address_id' was not supplied",
        ),
        ({"order_address_id": "ADDRESS"}, "'items' was not supplied"),
        ({"order_address_id": "ADDRESS", "items": []}, "at least one order product"),
        ({"order_address_id": 99999, "items": "LINE"}, "has no address 99999"),
        (
            {"order_address_id": "ADDRESS", "items": [{"order_product_id": 99999, "quantity": 1}]},
            "has no product 99999",
        ),
        ({"order_address_id": "ADDRESS", "items": "LINE", "id": 5}, "'id' cannot be written"),
        ({"order_address_id": "ADDRESS", "items": "ZERO"}, "quantity above 0"),
        (
            {"order_address_id": "ADDRESS", "items": "LINE", "tracking_number": "x" * 51},
            "'tracking_number' is invalid",
        ),
    ],
)
def test_invalid_shipments_are_refused_with_the_v2_error_shape(
    sb: Sandbox, body: dict[str, Any], words: str
) -> None:
    api = Api(sb)
    order_id, address, lines = new_order(sb)
    line_item = [{"order_product_id": lines[0]["id"], "quantity": 1}]
    filled: dict[str, Any] = {}
    for key, value in body.items():  # placeholders for the ids of the order made here
        if value == "ADDRESS":
            value = address
        elif value == "LINE":
            value = line_item
        elif value == "ZERO":
            value = [{"order_product_id": lines[0]["id"], "quantity": 0}]
        filled[key] = value
    answer = post(api, order_id, filled)
    assert answer.status == 400
    assert words in refusal(answer)
    assert status_of(sb, order_id) == AWAITING_FULFILLMENT
    assert sb.store.shipments == {}


def test_unknown_order_and_shipment_are_404(sb: Sandbox) -> None:
    api = Api(sb)
    assert api.get("v2/orders/99999/shipments").status == 404
    assert (
        post(
            api, 99999, {"order_address_id": 1, "items": [{"order_product_id": 1, "quantity": 1}]}
        ).status
        == 404
    )
    order_id, _, _ = new_order(sb)
    assert api.get(f"v2/orders/{order_id}/shipments/12345").status == 404
    assert (
        api.request("PUT", f"v2/orders/{order_id}/shipments/12345", {"comments": "x"}).status == 404
    )


def test_put_cannot_change_the_items(sb: Sandbox) -> None:
    api = Api(sb)
    order_id, address, lines = new_order(sb)
    item = {"order_product_id": lines[0]["id"], "quantity": 1}
    shipment = json.loads(post(api, order_id, {"order_address_id": address, "items": [item]}).data)
    answer = api.request(
        "PUT", f"v2/orders/{order_id}/shipments/{shipment['id']}", {"items": [item]}
    )
    assert answer.status == 400
    assert "'items' cannot be written" in refusal(answer)
