"""The dashboard counts the statuses the settings configure, renamed or not, in one call."""

from __future__ import annotations

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.sync import dashboard

from .conftest import MakeRig


def test_renamed_configured_statuses_are_counted(make_rig: MakeRig) -> None:
    rig = make_rig(get_order_status="Ready to pick", set_order_status="Packed")
    rig.sb.store.rename_status(OrderStatus.AWAITING_FULFILLMENT, "Ready to pick")
    rig.sb.store.rename_status(OrderStatus.AWAITING_SHIPMENT, "Packed")
    rig.sb.requests.clear()
    board = dashboard(rig.client, rig.settings)
    assert len(rig.sb.requests) == 1
    assert board.get_status == OrderStatus.AWAITING_FULFILLMENT
    assert board.set_status == OrderStatus.AWAITING_SHIPMENT
    assert board.to_fulfill == len(rig.store_orders_in(OrderStatus.AWAITING_FULFILLMENT))
    assert board.to_ship == len(rig.store_orders_in(OrderStatus.AWAITING_SHIPMENT))


def test_other_configured_statuses_are_counted_not_fixed_ones(make_rig: MakeRig) -> None:
    rig = make_rig(get_order_status="Pending", set_order_status="Completed")
    rig.sb.store.rename_status(OrderStatus.PENDING, "New web order")
    rig.sb.store.rename_status(OrderStatus.COMPLETED, "Done")
    rig.sb.store.add_order(status_id=OrderStatus.PENDING)
    # The settings name the statuses by their default names; the store shows its own labels.
    board = dashboard(rig.client, rig.settings)
    assert (board.get_status, board.set_status) == (OrderStatus.PENDING, OrderStatus.COMPLETED)
    assert board.to_fulfill == len(rig.store_orders_in(OrderStatus.PENDING)) > 0
    assert board.to_ship == len(rig.store_orders_in(OrderStatus.COMPLETED))
    assert board.to_fulfill != len(rig.store_orders_in(OrderStatus.AWAITING_FULFILLMENT))
    rig.importer.import_orders()
    after = dashboard(rig.client, rig.settings)
    assert after.to_fulfill == 0
    assert after.to_ship == board.to_ship + board.to_fulfill


def test_without_settings_the_default_statuses_are_counted(make_rig: MakeRig) -> None:
    rig = make_rig()
    board = dashboard(rig.client)
    assert board.to_fulfill == len(rig.store_orders_in(OrderStatus.AWAITING_FULFILLMENT))
    assert board.to_ship == len(rig.store_orders_in(OrderStatus.AWAITING_SHIPMENT))
