"""Crash at each step then rerun: exactly once. Webhooks: verified, de-duplicated, re-fetched."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.sync import WebhookOutcome
from bigcommerce_connect.sync.webhooks import SECRET_HEADER

from .conftest import MakeRig, Rig

AF = OrderStatus.AWAITING_FULFILLMENT


class Crash(BaseException):
    """Stands for the process dying: nothing catches it."""


def crash_on_call(n: int, real: Callable[..., Any]) -> Callable[..., Any]:
    calls = {"count": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n:
            raise Crash
        return real(*args, **kwargs)

    return wrapper


def patch_step(rig: Rig, step: str) -> None:
    erp = rig.erp
    if step == "create":
        erp.sales_orders.create = crash_on_call(3, erp.sales_orders.create)  # type: ignore[method-assign]
    elif step == "bind":
        erp.bindings.bind = crash_on_call(3, erp.bindings.bind)  # type: ignore[method-assign]
    elif step == "status_move":
        orders = rig.client.orders
        orders.move = crash_on_call(3, orders.move)  # type: ignore[method-assign]
    elif step == "cursor":
        erp.sync_state.set_cursor = crash_on_call(1, erp.sync_state.set_cursor)  # type: ignore[method-assign]


@pytest.mark.parametrize("step", ["create", "bind", "status_move", "cursor"])
def test_crash_at_each_step_then_rerun_imports_exactly_once(make_rig: MakeRig, step: str) -> None:
    crashed = make_rig()
    to_import = crashed.store_orders_in(AF)
    patch_step(crashed, step)
    with pytest.raises(Crash):
        crashed.importer.import_orders()
    rerun = make_rig(erp=crashed.erp)  # a new process: same ERP storage, fresh client
    rerun.later()
    report = rerun.importer.import_orders()
    assert not report.failed, report.errors
    assert rerun.erp_order_refs() == sorted(f"BC{i}" for i in to_import)
    assert rerun.store_orders_in(AF) == []


def test_lock_is_released_after_a_crash(make_rig: MakeRig) -> None:
    rig = make_rig()
    patch_step(rig, "create")
    with pytest.raises(Crash):
        rig.importer.import_orders()
    assert rig.erp.lock.try_acquire("probe", "x")
    report = make_rig(erp=rig.erp).importer.import_orders()
    assert "another import" not in " ".join(report.errors)


def delivery(
    order_id: int, payload_hash: str, scope: str = "store/order/created", store: str = "abc"
) -> bytes:
    return json.dumps(
        {
            "scope": scope,
            "store_id": "1001",
            "producer": f"stores/{store}",
            "data": {"type": "order", "id": order_id},
            "hash": payload_hash,
            "created_at": 1767225600,
        }
    ).encode()


def test_webhook_delivered_twice_imports_once(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = rig.importer.webhook_handler("s3cret")
    order_id = rig.sb.store.add_order(line_count=2)
    headers = {SECRET_HEADER: "s3cret"}
    store = rig.sb.store_hash
    first = handler.handle(headers, delivery(order_id, "h1", store=store))
    second = handler.handle(headers, delivery(order_id, "h1", store=store))
    assert first.outcome is WebhookOutcome.PROCESSED
    assert second.outcome is WebhookOutcome.DUPLICATE
    assert rig.erp_order_refs() == [f"BC{order_id}"]
    assert rig.store_orders_in(AF).count(order_id) == 0


def test_webhook_with_a_new_hash_for_a_known_order_does_not_double(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = rig.importer.webhook_handler("s3cret")
    order_id = rig.sb.store.add_order(line_count=1)
    headers = {SECRET_HEADER: "s3cret"}
    store = rig.sb.store_hash
    handler.handle(headers, delivery(order_id, "a", "store/order/statusUpdated", store))
    result = handler.handle(headers, delivery(order_id, "b", "store/order/updated", store))
    assert result.outcome is WebhookOutcome.IGNORED  # moved out of the import status already
    assert rig.erp_order_refs() == [f"BC{order_id}"]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, delivery(1, "x"), 401),
        ({SECRET_HEADER: "wrong"}, delivery(1, "x"), 401),
        ({SECRET_HEADER: "s3cret"}, b"{not json", 400),
        ({SECRET_HEADER: "s3cret"}, b'{"scope": 5}', 400),
    ],
)
def test_webhook_rejects_bad_deliveries(
    make_rig: MakeRig, headers: dict[str, str], body: bytes, status: int
) -> None:
    rig = make_rig()
    result = rig.importer.webhook_handler("s3cret").handle(headers, body)
    assert result.outcome is WebhookOutcome.REJECTED
    assert result.http_status == status
    assert rig.erp.sales_orders.all() == {}


def test_webhook_never_trusts_the_payload_it_refetches(make_rig: MakeRig) -> None:
    rig = make_rig()
    handler = rig.importer.webhook_handler("s3cret")
    rig.sb.requests.clear()
    body = delivery(999_999, "zz", store=rig.sb.store_hash)
    result = handler.handle({SECRET_HEADER: "s3cret"}, body)
    assert result.outcome is WebhookOutcome.IGNORED
    assert (
        rig.sb.requests.count(
            method="GET", path_prefix=f"/stores/{rig.sb.store_hash}/v2/orders/999999"
        )
        == 1
    )
