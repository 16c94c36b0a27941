"""v3 refunds (payment actions) per orders.v3.yml, and the store's side effects of a refund."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from bigcommerce_connect.sandbox import Sandbox
from support.sandbox_api import Api

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "current" / "orders.v3.yml"


def _schema(spec: dict[str, Any], method: str, path: str, status: int) -> Any:
    node: Any = spec["paths"][path][method]["responses"][str(status)]
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node["content"]["application/json"]["schema"]


def test_refund_answers_match_the_v3_spec(fresh: Sandbox) -> None:
    if not SPEC.exists():
        pytest.skip(f"spec not found: {SPEC}")
    spec = yaml.safe_load(SPEC.read_text("utf-8"))
    api = Api(fresh)
    line = fresh.store.lines_of(2)[0]
    body = {
        "items": [
            {"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1},
            {"item_type": "SHIPPING", "item_id": 1, "amount": 2.5},
        ],
        "payments": [{"provider_id": "storecredit", "amount": float(line["price_inc_tax"]) + 2.5}],
    }
    base = "/orders/{order_id}/payment_actions/refunds"
    cases = [
        ("post", base, "v3/orders/2/payment_actions/refunds", body, 201),
        ("get", base, "v3/orders/2/payment_actions/refunds", None, 200),
        ("get", "/orders/payment_actions/refunds", "v3/orders/payment_actions/refunds", None, 200),
    ]
    for method, spec_path, path, payload, status in cases:
        response = api.request(method.upper(), path, payload)
        assert response.status == status, response.data[:300]
        schema = _schema(spec, method, spec_path, status)
        root = {"allOf": [schema], "components": spec["components"]}
        errors = list(OAS30Validator(root).iter_errors(json.loads(response.data)))
        assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


def _events(sb: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    fired: list[tuple[str, dict[str, Any]]] = []
    sb.store.subscribe(lambda scope, data: fired.append((scope, data)))
    return fired


def test_post_a_refund_then_list_it_per_order_and_across_orders(fresh: Sandbox) -> None:
    api = Api(fresh)
    fired = _events(fresh)
    line = fresh.store.lines_of(2)[0]
    price = float(line["price_inc_tax"])
    body = {
        "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}],
        "payments": [{"provider_id": "storecredit", "amount": price, "offline": False}],
    }
    before = fresh.store.orders[2]["date_modified"]
    created = api.json("POST", "v3/orders/2/payment_actions/refunds", body, status=201)["data"]
    assert created["order_id"] == 2
    assert created["total_amount"] == price
    assert created["items"][0] == {
        "item_type": "PRODUCT",
        "item_id": line["id"],
        "quantity": 1,
        "requested_amount": price,
        "reason": "",
    }
    listed = api.json("GET", "v3/orders/2/payment_actions/refunds")
    assert [r["id"] for r in listed["data"]] == [created["id"]]
    everything = api.json("GET", "v3/orders/payment_actions/refunds?order_id:in=2,3")
    assert [r["id"] for r in everything["data"]] == [created["id"]]
    assert everything["meta"]["pagination"]["total"] == 1
    assert api.json("GET", "v3/orders/payment_actions/refunds?order_id:in=3")["data"] == []
    one = api.json("GET", f"v3/orders/payment_actions/refunds/{created['id']}")["data"]
    assert one == created
    order = fresh.store.orders[2]
    assert order["refunded_amount"] == Decimal(str(price))
    assert order["status_id"] == 14  # Partially Refunded
    assert order["date_modified"] >= before
    assert fresh.store.lines_of(2)[0]["quantity_refunded"] == 1
    scopes = [scope for scope, data in fired if data["id"] == 2]
    assert scopes == [
        "store/order/statusUpdated",
        "store/order/refund/created",
        "store/order/updated",
    ]
    refund_event = next(data for scope, data in fired if scope == "store/order/refund/created")
    assert refund_event["refund"] == {"refund_id": created["id"]}


def test_refunding_everything_left_moves_the_order_to_refunded(fresh: Sandbox) -> None:
    store = fresh.store
    store.refund_order(3, amount=Decimal("1.00"))
    store.refund_order(3)  # the rest
    order = store.orders[3]
    assert order["refunded_amount"] == order["total_inc_tax"]
    assert order["status_id"] == 4
    assert sorted(r["id"] for r in store.refunds.values() if r["order_id"] == 3) == [1, 2]


def test_refunds_the_store_refuses_are_422(fresh: Sandbox) -> None:
    api = Api(fresh)
    total = float(fresh.store.orders[2]["total_inc_tax"])
    too_much = {
        "items": [{"item_type": "ORDER", "item_id": 2, "amount": total + 1}],
        "payments": [{"provider_id": "storecredit", "amount": total + 1}],
    }
    for body in (
        {"items": [], "payments": []},
        too_much,
        {
            "items": [{"item_type": "PRODUCT", "item_id": 999_999, "quantity": 1}],
            "payments": [{"provider_id": "storecredit", "amount": 1}],
        },
        {
            "items": [{"item_type": "ORDER", "item_id": 2, "amount": 1}],
            "payments": [{"provider_id": "storecredit", "amount": 2}],
        },
    ):
        response = api.request("POST", "v3/orders/2/payment_actions/refunds", body)
        assert response.status == 422, body
    assert fresh.store.refunds == {}
    missing = api.request("GET", "v3/orders/999999/payment_actions/refunds")
    assert missing.status == 404


def test_edits_bump_the_order_and_fire_updated(fresh: Sandbox) -> None:
    store = fresh.store
    fired = _events(fresh)
    line = store.lines_of(2)[0]
    quantity = line["quantity"]
    store.edit_order_line(2, line["id"], quantity + 2)
    store.edit_order_address(2, billing={"city": "Lyon"}, shipping={"zip": "69001"})
    store.cancel_order(3)
    assert store.lines_of(2)[0]["quantity"] == quantity + 2
    assert store.orders[2]["billing_address"]["city"] == "Lyon"
    assert store.addresses_of(2)[0]["zip"] == "69001"
    assert store.orders[3]["status_id"] == 5
    assert [scope for scope, _ in fired] == [
        "store/order/updated",
        "store/order/updated",
        "store/order/statusUpdated",
        "store/order/updated",
    ]
