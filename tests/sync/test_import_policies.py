"""Policies around the import: bad payloads, failed runs, credit, marketplaces, dashboard, hooks."""

from __future__ import annotations

from decimal import Decimal

import attrs

from bigcommerce_connect import OrderStatus, ServerError
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sync import ORDER_STREAM, dashboard, ensure_webhooks

from .conftest import MakeRig

AF = OrderStatus.AWAITING_FULFILLMENT


def test_an_unreadable_order_is_quarantined_with_its_raw_payload(make_rig: MakeRig) -> None:
    rig = make_rig()
    to_import = rig.store_orders_in(AF)
    bad_id = to_import[0]
    with rig.sb.store.locked() as store:
        store.orders[bad_id]["total_inc_tax"] = "twelve dollars"
    report = rig.importer.import_orders()
    assert report.orders_quarantined == 1
    assert report.orders_imported == len(to_import) - 1
    entry = rig.erp.quarantine.entries("order")[0]
    assert entry.external_id == str(bad_id)
    assert entry.payload["total_inc_tax"] == "twelve dollars"
    assert rig.store_orders_in(AF) == [bad_id]  # not moved: it was not imported


def test_a_failed_run_does_not_move_the_cursor(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.sb.knobs.fail_next("503", n=50, path_prefix="/v2/orders")
    report = rig.importer.import_orders()
    rig.sb.knobs.clear_faults()
    assert report.failed
    assert any("503" in error for error in report.errors)
    assert any(n.kind is NotificationKind.ERROR for n in report.notifications)
    assert rig.erp.sync_state.get_cursor(ORDER_STREAM) is None


def test_a_failed_status_move_keeps_the_order_for_the_next_run(make_rig: MakeRig) -> None:
    rig = make_rig()
    to_import = rig.store_orders_in(AF)
    real_move = rig.client.orders.move

    def failing_for_first(order_id: int, status_id: int) -> None:
        if order_id == to_import[0]:
            raise ServerError(method="PUT", path=f"v2/orders/{order_id}", status=503)
        return real_move(order_id, status_id)

    rig.client.orders.move = failing_for_first  # type: ignore[method-assign,assignment]
    first = rig.importer.import_orders()
    rig.client.orders.move = real_move  # type: ignore[method-assign]
    assert first.status_moves_failed == 1
    assert first.orders_imported == len(to_import)
    cursor = rig.erp.sync_state.get_cursor(ORDER_STREAM)
    with rig.sb.store.locked() as store:
        stuck_modified = store.orders[to_import[0]]["date_modified"]
    assert cursor is not None
    assert cursor <= stuck_modified
    rig.later()
    second = rig.importer.import_orders()
    assert second.statuses_moved == 1
    assert second.orders_imported == 0
    assert rig.store_orders_in(AF) == []


def test_credit_limit_warning(make_rig: MakeRig) -> None:
    @attrs.define
    class NoCredit:
        def available_credit(self, local_id: str) -> Decimal | None:
            return Decimal("1.00")

    rig = make_rig()
    rig.importer.ports = attrs.evolve(rig.ports, credit_limits=NoCredit())
    report = rig.importer.import_orders()
    warnings = [n for n in report.notifications if n.code == "customer.credit.exceeded"]
    assert len(warnings) == report.orders_imported
    assert all(n.kind is NotificationKind.WARNING for n in warnings)


def test_marketplace_orders_keep_their_source_and_ids(make_rig: MakeRig) -> None:
    rig = make_rig()
    with rig.sb.store.locked() as store:
        marketplace = [
            o for o in store.orders.values() if o.get("external_source") and o["status_id"] == AF
        ]
    assert marketplace, "the seed has eBay orders awaiting fulfillment"
    rig.importer.import_orders()
    orders = {o.external_ref: o for o, _ in rig.erp.sales_orders.all().values()}
    for raw in marketplace:
        imported = orders[f"BC{raw['id']}"]
        assert imported.external_source == raw["external_source"]
        assert imported.ebay_order_id == str(raw.get("ebay_order_id") or "")


def test_dashboard_counts_to_fulfill_and_to_ship(make_rig: MakeRig) -> None:
    rig = make_rig()
    board = dashboard(rig.client)
    assert board.to_fulfill == len(rig.store_orders_in(AF))
    assert board.to_ship == len(rig.store_orders_in(OrderStatus.AWAITING_SHIPMENT))
    rig.importer.import_orders()
    after = dashboard(rig.client)
    assert after.to_fulfill == 0
    assert after.to_ship == board.to_ship + board.to_fulfill


def test_ensure_webhooks_creates_missing_and_reactivates(make_rig: MakeRig) -> None:
    rig = make_rig()
    destination = "http://127.0.0.1:9/hooks"
    ids = ensure_webhooks(rig.client, destination, secret="s3cret")
    hooks = {h.id: h for h in rig.client.webhooks.iter()}
    assert all(hooks[i].is_active for i in ids)
    assert all(hooks[i].headers.get("X-Connect-Secret") == "s3cret" for i in ids)
    rig.client.webhooks.update(ids[0], is_active=False)
    again = ensure_webhooks(rig.client, destination, secret="s3cret")
    assert again == ids
    assert rig.client.webhooks.get(ids[0]).is_active


def test_a_one_cent_difference_is_a_warning_not_a_failure(make_rig: MakeRig) -> None:
    rig = make_rig()
    order_id = rig.sb.store.add_order(line_count=2)
    lines = rig.sb.store.lines_of(order_id)
    with rig.sb.store.locked() as store:
        order = store.orders[order_id]
        for field in ("shipping_cost_inc_tax", "handling_cost_inc_tax"):
            order[field] = Decimal(0)
        order["discount_amount"] = order["coupon_discount"] = Decimal(0)
        order["total_inc_tax"] = sum(Decimal(str(line["total_inc_tax"])) for line in lines)
        order["total_inc_tax"] += Decimal("0.01")
    report = rig.importer.import_orders()
    rounding = [n for n in report.notifications if n.code == "order.rounding"]
    assert [n.external_id for n in rounding] == [str(order_id)]
    assert rounding[0].kind is NotificationKind.WARNING
    assert f"BC{order_id}" in rig.erp_order_refs()
