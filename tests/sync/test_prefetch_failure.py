"""A listed page is imported even when its customers cannot be read right now.

Another app may take the page's orders out of the "get" status before the next run, so a
failed customer prefetch must not end the run between the list and the import.
"""

from __future__ import annotations

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.notifications import NotificationKind

from .conftest import MakeRig

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)


def test_orders_import_and_move_when_the_customer_prefetch_fails(make_rig: MakeRig) -> None:
    rig = make_rig()
    waiting = rig.store_orders_in(AF)
    registered = {
        order_id
        for order_id in waiting
        if rig.sb.store.orders[order_id]["customer_id"]  # not a guest order
    }
    assert registered, "the seed has registered customers' orders waiting"
    # Every customer read fails (beyond the client's retries) for the whole run.
    rig.sb.knobs.fail_next("503", n=1000, path_prefix="/v3/customers")
    report = rig.importer.import_orders()
    rig.sb.knobs.clear_faults()

    assert not report.failed, report.errors
    assert report.orders_imported == len(waiting)
    assert set(waiting) <= set(rig.store_orders_in(AS))
    assert rig.store_orders_in(AF) == []
    assert rig.erp_order_refs() == sorted(f"BC{i}" for i in waiting)
    warned = [n for n in report.notifications if n.code == "customer.prefetch.failed"]
    assert warned
    assert all(n.kind is NotificationKind.WARNING for n in warned)
    # Each registered customer is bound to the ERP customer made from the billing address,
    # so the customer stream completes it later instead of making a second one.
    for order_id in registered:
        store_customer = rig.sb.store.orders[order_id]["customer_id"]
        assert rig.erp.bindings.get("customer", str(store_customer)) is not None
