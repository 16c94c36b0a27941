"""Guarded moves: an order another app changed after our list read is never put back.

A move goes out on a reading of the order's status younger than ``move_guard_age``: the page's
listing, or one list call (status filter + the rest of the page's id range) re-reading which
orders still wait in the "get" status; the others are left alone with a warning.
"""

from __future__ import annotations

import math
from datetime import timedelta

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import ImportOptions
from support.reliability import all_awaiting_fulfillment

from .conftest import MakeRig

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)
SHIPPED = int(OrderStatus.SHIPPED)


def statuses(sb: Sandbox, ids: list[int]) -> dict[int, int]:
    with sb.store.locked() as store:
        return {i: store.orders[i]["status_id"] for i in ids}


def test_orders_shipped_by_another_app_after_the_list_are_not_moved_back(
    make_rig: MakeRig,
) -> None:
    # A reading is never fresh enough: every move re-reads the status first.
    rig = make_rig(options=ImportOptions(settle=timedelta(0), move_guard_age=timedelta(0)))
    waiting = rig.store_orders_in(AF)
    # Another app ships every second order of each of the next two order lists, right after
    # the store answered them: the run's page of orders, then the first re-read.
    rig.sb.knobs.fail_next("concurrent_change", n=2, path_prefix="/v2/orders")
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    now = statuses(rig.sb, waiting)
    assert set(now.values()) == {AS, SHIPPED}
    imported = {int(ref.removeprefix("BC")) for ref in rig.erp_order_refs()}
    assert len(imported) == len(rig.erp_order_refs())  # once each
    shipped_after_read = sorted(i for i in imported if now[i] == SHIPPED)
    assert shipped_after_read, "the other app shipped orders the run had read"
    assert report.orders_changed_elsewhere == len(shipped_after_read)
    assert report.statuses_moved == len(imported) - len(shipped_after_read)
    warned = [
        n
        for n in report.notifications
        if n.code == "order.status.changed" and n.kind is NotificationKind.WARNING
    ]
    assert sorted(int(str(n.external_id)) for n in warned) == shipped_after_read
    assert all(str(n.external_id) in n.message for n in warned)
    # Nothing waits any more; the next run imports and moves nothing.
    rig.later()
    again = rig.importer.import_orders()
    assert (again.orders_imported, again.statuses_moved) == (0, 0)
    assert statuses(rig.sb, shipped_after_read) == dict.fromkeys(shipped_after_read, SHIPPED)


def _order_lists(sb: Sandbox) -> int:
    """List calls on ``/v2/orders`` (not the count, not one order)."""
    return sb.requests.count(method="GET", path_prefix="/v2/orders") - sb.requests.count(
        method="GET", path_prefix="/v2/orders/"
    )


def test_moves_on_a_fresh_listing_need_no_re_read(make_rig: MakeRig) -> None:
    options = ImportOptions(page_size=3, settle=timedelta(0), move_guard_age=timedelta(hours=1))
    rig = make_rig(options=options)
    waiting = rig.store_orders_in(AF)
    rig.sb.requests.clear()
    report = rig.importer.import_orders()
    assert report.statuses_moved == len(waiting)
    # One count (the statuses and the queue's length), then the pages: no empty page after
    # the last one, since the count says when the queue is read, and no re-read.
    assert rig.sb.requests.count(method="GET", path_prefix="/v2/orders/count") == 1
    assert _order_lists(rig.sb) == math.ceil(len(waiting) / 3)


def test_a_stale_reading_is_re_read_before_the_move(make_rig: MakeRig) -> None:
    options = ImportOptions(page_size=3, settle=timedelta(0), move_guard_age=timedelta(0))
    rig = make_rig(options=options)
    waiting = rig.store_orders_in(AF)
    rig.sb.requests.clear()
    report = rig.importer.import_orders()
    assert report.statuses_moved == len(waiting)
    # Every move waits for a reading of its own: one re-read per order, besides the pages.
    assert _order_lists(rig.sb) == math.ceil(len(waiting) / 3) + len(waiting)


def test_calls_per_imported_order_stay_within_budget_on_a_large_import() -> None:
    from support.reliability import catalogue, fast_client, runner_for, settings_for

    config = SandboxConfig(seed=7, orders=1600, customers=200, products=40)
    with run_sandbox(config) as sb:
        ids = all_awaiting_fulfillment(sb)
        settings = settings_for(sb)
        with fast_client(sb, settings) as client:
            importer = runner_for(client, settings, MemoryErp(catalogue(sb))).importer
            report = importer.import_orders()
    assert not report.failed, report.errors
    assert report.orders_imported == report.statuses_moved == len(ids) > 1400
    # The list, the guard's re-read and the customers each cost one call per 250 orders.
    assert report.api_calls / len(ids) <= 1.015, report.api_calls
