"""The shipment export against the sandbox over HTTP: partial and full, once each, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from bigcommerce_connect.errors import BadRequestError
from bigcommerce_connect.export.shipments import ShipmentAction
from bigcommerce_connect.models import NewShipment
from bigcommerce_connect.ports import Binding
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.shipments import ErpShipment, ErpShipmentLine
from support.sandboxes import StartSandbox
from support.shipments import (
    COMPLETED,
    PARTIALLY_SHIPPED,
    SHIPPED,
    ShipRig,
    make_rig,
    new_order,
    posts,
    status_of,
    store_shipments,
    whole,
    writes,
)


@pytest.fixture
def ship_sb(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=9, orders=20, customers=4, products=8)


@pytest.fixture
def rig(ship_sb: Sandbox) -> Iterator[ShipRig]:
    made = make_rig(ship_sb)
    yield made
    made.client.close()


def test_partial_then_full_shipments_are_each_sent_once(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=2)
    first, second = order.lines
    rig.put(
        ErpShipment(
            local_id="S1",
            store_order_id=order.id,
            lines=[ErpShipmentLine(order_product_id=first["id"], quantity=first["quantity"])],
            order_address_id=order.address_id,
            tracking_number="1Z001",
            shipping_provider="ups",
        )
    )
    report = rig.exporter().export()
    assert report.counts["created"] == 1, report.to_dict()
    assert status_of(rig.sb, order.id) == PARTIALLY_SHIPPED
    # The rest by SKU, with no address: the order's lines say both.
    rig.put(
        ErpShipment(
            local_id="S2",
            store_order_id=order.id,
            lines=[ErpShipmentLine(sku=second["sku"], quantity=second["quantity"])],
            tracking_number="1Z002",
            tracking_carrier="dhl",
        )
    )
    report = rig.exporter().export()
    assert (report.counts["already_exported"], report.counts["created"]) == (1, 1)
    assert status_of(rig.sb, order.id) == SHIPPED
    made = store_shipments(rig.sb, order.id)
    assert sorted(s["tracking_number"] for s in made) == ["1Z001", "1Z002"]
    assert rig.bound() == {"S1": str(made[0]["id"]), "S2": str(made[1]["id"])}
    assert rig.erp.shipment_source.store_ids("S2") == (order.id, made[1]["id"])
    assert posts(rig.sb) == 2  # one POST per shipment
    again = rig.exporter().export()
    assert again.counts["already_exported"] == 2
    assert posts(rig.sb) == 2
    assert len(store_shipments(rig.sb, order.id)) == 2


def test_one_post_per_shipment_across_orders(rig: ShipRig) -> None:
    orders = [new_order(rig.sb, lines=1) for _ in range(4)]
    rig.put(*(whole(order, f"S{n}") for n, order in enumerate(orders)))
    report = rig.exporter().export()
    assert report.ok, report.to_dict()
    assert report.counts["created"] == 4
    assert posts(rig.sb) == 4
    assert all(status_of(rig.sb, order.id) == SHIPPED for order in orders)
    # Per order: one read of its shipments, one POST; no line read (ids and address given).
    lines_read = sum(1 for r in rig.sb.requests.records() if r.api_path.endswith("/products"))
    assert lines_read == 0
    assert report.api_calls == 8


def test_final_move_once_everything_shipped(rig: ShipRig) -> None:
    shipped = new_order(rig.sb, lines=1)
    partial = new_order(rig.sb, lines=2)
    rig.put(whole(shipped, "A1"))
    line = partial.lines[0]
    rig.put(
        ErpShipment(
            local_id="B1",
            store_order_id=partial.id,
            lines=[ErpShipmentLine(order_product_id=line["id"], quantity=line["quantity"])],
            order_address_id=partial.address_id,
        )
    )
    report = rig.exporter(final_status="Completed").export()
    assert report.final_moves == [shipped.id]
    assert report.counts["final_moves"] == 1
    assert status_of(rig.sb, shipped.id) == COMPLETED
    assert status_of(rig.sb, partial.id) == PARTIALLY_SHIPPED  # waits for the rest
    puts = rig.sb.requests.count(method="PUT")
    again = rig.exporter(final_status="Completed").export()
    assert again.final_moves == []
    assert rig.sb.requests.count(method="PUT") == puts  # moved once, never again
    assert status_of(rig.sb, shipped.id) == COMPLETED


def test_final_status_follows_the_stores_renamed_label(rig: ShipRig) -> None:
    rig.sb.store.rename_status(COMPLETED, "Done and dusted")
    order = new_order(rig.sb, lines=1)
    rig.put(whole(order, "A1"))
    report = rig.exporter(final_status="Done and dusted").export()
    assert report.final_moves == [order.id]
    assert status_of(rig.sb, order.id) == COMPLETED


def test_over_shipping_is_refused_with_a_clear_error_and_the_others_go_on(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    other = new_order(rig.sb, lines=1)
    line = order.lines[0]
    too_many = ErpShipment(
        local_id="BAD",
        store_order_id=order.id,
        lines=[ErpShipmentLine(order_product_id=line["id"], quantity=line["quantity"] + 1)],
        order_address_id=order.address_id,
    )
    rig.put(too_many, whole(other, "GOOD"))
    report = rig.exporter().export()
    bad = report.result("BAD")
    assert bad.action is ShipmentAction.REFUSED
    assert f"shipment BAD for order {order.id} was refused" in bad.error
    assert "more than the quantity left to ship" in bad.error
    assert report.result("GOOD").action is ShipmentAction.CREATED
    assert (report.counts["refused"], report.counts["created"]) == (1, 1)
    assert store_shipments(rig.sb, order.id) == []
    notes = [n for n in rig.erp.notifier.notifications if n.code == "shipment.refused"]
    assert [(n.external_id, n.recipient) for n in notes] == [("BAD", "pat")]
    assert "more than the quantity left to ship" in notes[0].message
    # Refused, not bound: the host fixes it, and the next run sends the fixed shipment.
    fixed = attrs.evolve(
        too_many,
        lines=[ErpShipmentLine(order_product_id=line["id"], quantity=line["quantity"])],
    )
    rig.put(fixed)
    assert rig.exporter().export().result("BAD").action is ShipmentAction.CREATED


def test_unknown_sku_or_address_is_refused_before_any_post(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    rig.put(
        ErpShipment(
            local_id="NOSKU",
            store_order_id=order.id,
            lines=[ErpShipmentLine(sku="NO-SUCH-SKU", quantity=1)],
        ),
        ErpShipment(
            local_id="NOADDR",
            store_order_id=order.id,
            lines=[ErpShipmentLine(order_product_id=order.lines[0]["id"], quantity=1)],
            order_address_id=99_999,
        ),
    )
    report = rig.exporter().export()
    assert report.result("NOSKU").action is ShipmentAction.REFUSED
    assert "has no line with SKU 'NO-SUCH-SKU'" in report.result("NOSKU").error
    assert report.result("NOADDR").action is ShipmentAction.REFUSED
    assert "has no address 99999" in report.result("NOADDR").error
    assert posts(rig.sb) == 1  # only the address one reached the store, which refused it


def test_a_dry_run_sends_no_write(rig: ShipRig) -> None:
    orders = [new_order(rig.sb, lines=1) for _ in range(2)]
    rig.put(*(whole(order, f"S{n}") for n, order in enumerate(orders)))
    report = rig.exporter(final_status="Completed").export(dry_run=True)
    assert report.dry_run
    assert [r.action for r in report.results] == [ShipmentAction.PLANNED] * 2
    assert writes(rig.sb) == 0
    assert rig.bound() == {}
    assert rig.erp.notifier.notifications == []
    assert rig.exporter().export().counts["created"] == 2


def test_order_named_by_the_erp_order_binding(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    rig.erp.bindings.bind(Binding(entity="order", external_id=str(order.id), local_id="SO-7"))
    shipment = attrs.evolve(whole(order, "S1"), store_order_id=None, order_local_id="SO-7")
    orphan = attrs.evolve(whole(order, "S2"), store_order_id=None, order_local_id="SO-404")
    rig.put(shipment, orphan)
    report = rig.exporter().export()
    assert report.result("S1").action is ShipmentAction.CREATED
    assert report.result("S1").order_id == order.id
    assert report.result("S2").action is ShipmentAction.FAILED
    assert "'SO-404' is not bound to a store order" in report.result("S2").error


def test_a_shipment_already_in_the_store_is_bound_not_sent_again(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    shipment = whole(order, "S1")
    line = order.lines[0]
    body = NewShipment(
        order_address_id=order.address_id,
        items={line["id"]: line["quantity"]},
        tracking_number=shipment.tracking_number,
        shipping_provider="ups",
    )
    made = rig.client.shipments.create(order.id, body)  # as a lost answer would leave it
    rig.put(shipment)
    report = rig.exporter().export()
    assert report.result("S1").action is ShipmentAction.FOUND
    assert rig.bound() == {"S1": str(made.id)}
    assert posts(rig.sb) == 1
    with pytest.raises(BadRequestError):  # the store itself refuses a second one
        rig.client.shipments.create(order.id, body)


def test_two_exporters_never_run_at_once(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    rig.put(whole(order, "S1"))
    assert rig.erp.lock.try_acquire("shipments_export", "someone-else")
    report = rig.exporter().export()
    assert report.results == []
    assert "another shipment export" in report.errors[0]
    assert posts(rig.sb) == 0


def test_report_to_dict_is_plain(rig: ShipRig) -> None:
    order = new_order(rig.sb, lines=1)
    rig.put(whole(order, "S1"))
    data: dict[str, Any] = rig.exporter().export().to_dict()
    assert data["counts"]["created"] == 1
    assert data["shipments"][0]["action"] == "created"
    assert data["shipments"][0]["order_id"] == order.id
