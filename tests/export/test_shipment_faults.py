"""Shipments exactly once when the POST's answer is lost: faults injected by the sandbox.

The store acts on ``cut_after_headers``, ``truncated_body`` and ``empty_200`` (the answer is
lost after the shipment was made) and does not on ``timeout`` and ``500`` (no answer, nothing
made). Either way the client never resends the POST by itself; the exporter reads the
order's shipments, binds the one it finds, and sends again only when none is there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bigcommerce_connect.export.shipments import ShipmentAction, ShipmentExporter
from bigcommerce_connect.sandbox import Sandbox
from support.sandboxes import StartSandbox
from support.shipments import (
    COMPLETED,
    ShipRig,
    make_rig,
    new_order,
    posts,
    status_of,
    store_shipments,
    whole,
)

#: Fault kind -> whether the store made the shipment before the answer was lost.
POST_FAULTS = {
    "cut_after_headers": True,
    "truncated_body": True,
    "empty_200": True,
    "timeout": False,
    "500": False,
}


@pytest.fixture
def ship_sb(start_sandbox: StartSandbox) -> Sandbox:
    sb = start_sandbox(seed=11, orders=20, customers=4, products=8)
    sb.knobs.timeout_seconds = 0.2  # a stalled answer: the connection closes unanswered
    return sb


@pytest.fixture
def rig(ship_sb: Sandbox) -> Iterator[ShipRig]:
    made = make_rig(ship_sb)
    yield made
    made.client.close()


def fault_after_first_read(rig: ShipRig, order_id: int, *schedule: tuple[str, int]) -> None:
    """Schedule faults on the order's shipment path once the exporter's first read is done.

    The first read (before any POST) goes through clean; the next requests on the path (the
    POST, then any re-read) get ``schedule``'s faults in order.
    """
    resource = rig.client.shipments
    real: Callable[..., Any] = resource.list
    armed = {"done": False}

    def list_then_arm(*args: Any, **kwargs: Any) -> Any:
        found = list(real(*args, **kwargs))
        if not armed["done"]:
            armed["done"] = True
            for kind, n in schedule:
                rig.sb.knobs.fail_next(kind, n=n, path_prefix=f"/v2/orders/{order_id}/shipments")
        return iter(found)

    resource.list = list_then_arm  # type: ignore[method-assign]


@pytest.mark.parametrize("kind", sorted(POST_FAULTS))
def test_a_lost_post_answer_makes_one_shipment(rig: ShipRig, kind: str) -> None:
    order = new_order(rig.sb, lines=2)
    rig.put(whole(order, "S1"))
    fault_after_first_read(rig, order.id, (kind, 1))
    report = rig.exporter(final_status="Completed").export()
    made = store_shipments(rig.sb, order.id)
    assert len(made) == 1, report.to_dict()
    result = report.result("S1")
    acted = POST_FAULTS[kind]
    assert result.action is (ShipmentAction.FOUND if acted else ShipmentAction.CREATED)
    assert rig.bound() == {"S1": str(made[0]["id"])}
    assert posts(rig.sb) == (1 if acted else 2)  # resent only when provably not made
    assert status_of(rig.sb, order.id) == COMPLETED
    rerun = make_rig(rig.sb, rig.erp)
    try:
        again = rerun.exporter(final_status="Completed").export()
    finally:
        rerun.client.close()
    assert again.counts["already_exported"] == 1
    assert len(store_shipments(rig.sb, order.id)) == 1
    assert posts(rig.sb) == (1 if acted else 2)


def test_an_unknown_outcome_that_cannot_be_read_waits_for_the_next_run(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    rig.put(whole(order, "S1"))
    # The POST is made but its answer lost, then every re-read fails (the client's 4 tries).
    fault_after_first_read(rig, order.id, ("empty_200", 1), ("503", 4))
    report = rig.exporter().export()
    result = report.result("S1")
    assert result.action is ShipmentAction.FAILED
    assert "could not be read" in result.error
    assert "the next run reads them before sending it again" in result.error
    codes = [n.code for n in rig.erp.notifier.notifications]
    assert codes == ["shipment.unresolved"]
    assert rig.bound() == {}
    rerun = make_rig(rig.sb, rig.erp)
    try:
        again = rerun.exporter().export()
    finally:
        rerun.client.close()
    assert again.result("S1").action is ShipmentAction.FOUND
    assert len(store_shipments(rig.sb, order.id)) == 1
    assert posts(rig.sb) == 1


def test_resends_are_bounded(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    rig.put(whole(order, "S1"))
    # Every POST and its re-read: the POST fails (nothing made), the read works.
    exporter: ShipmentExporter = rig.exporter(max_resends=2)
    real = rig.client.shipments.create
    calls = {"n": 0}

    def always_500(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        rig.sb.knobs.fail_next("500", path_prefix=f"/v2/orders/{order.id}/shipments")
        return real(*args, **kwargs)

    rig.client.shipments.create = always_500  # type: ignore[method-assign]
    report = exporter.export()
    assert calls["n"] == 3  # the first POST and two resends
    assert posts(rig.sb) == 3
    result = report.result("S1")
    assert result.action is ShipmentAction.FAILED
    assert "none of them made the shipment" in result.error
    assert store_shipments(rig.sb, order.id) == []


@pytest.mark.parametrize("kind", ["reset_zero", "status_509", "retry_after_only"])
def test_a_rate_limited_post_is_sent_again_by_the_client(rig: ShipRig, kind: str) -> None:
    # A 429 (or the older API's 509) means the store did nothing: the client's quota
    # governor waits and sends the same POST again; the exporter sees one success.
    order = new_order(rig.sb, lines=1)
    rig.put(whole(order, "S1"))
    fault_after_first_read(rig, order.id, (kind, 1))
    report = rig.exporter().export()
    assert report.result("S1").action is ShipmentAction.CREATED
    assert posts(rig.sb) == 2
    assert rig.sb.requests.count(method="POST", status=201) == 1
    assert len(store_shipments(rig.sb, order.id)) == 1
