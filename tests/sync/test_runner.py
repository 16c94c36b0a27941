"""The runner: one cycle as the settings say; the cursor lives in the ERP's sync state only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.sync import CUSTOMER_STREAM, ORDER_STREAM, SyncContext, SyncRunner
from bigcommerce_connect.sync.window import window_for

from .conftest import MakeRig


def test_scheduled_cycle_does_nothing_while_auto_import_is_off(make_rig: MakeRig) -> None:
    rig = make_rig(auto_import=False)
    runner = SyncRunner(rig.client, rig.settings, rig.ports)
    report = runner.run_cycle()
    assert report.orders_imported == 0
    assert "auto import is off" in report.errors[0]
    assert rig.sb.requests.count() == 0


def test_cycle_imports_moves_and_keeps_the_cursor_in_sync_state(make_rig: MakeRig) -> None:
    rig = make_rig(auto_import=True)
    pushed: list[int] = []

    def inventory(ctx: SyncContext) -> int:
        pushed.append(ctx.report.orders_imported)
        return 3

    runner = SyncRunner(rig.client, rig.settings, rig.ports, inventory=inventory)
    to_import = rig.store_orders_in(OrderStatus.AWAITING_FULFILLMENT)
    report = runner.run_cycle()
    assert report.orders_imported == len(to_import)
    assert report.customers_created > 0
    assert report.inventory_pushed == 3
    assert pushed == [len(to_import)]  # inventory runs after the orders, in the same cycle
    assert report.cursor is not None
    assert rig.erp.sync_state.get_cursor(ORDER_STREAM) == report.cursor
    assert rig.settings.last_update is None  # the settings are never written back


def test_progress_is_reported_after_each_stage(make_rig: MakeRig) -> None:
    rig = make_rig()
    stages: list[str] = []
    runner = SyncRunner(
        rig.client, rig.settings, rig.ports, progress=lambda stage, _report: stages.append(stage)
    )
    runner.run_now()
    assert stages[0] == "customers"
    assert "orders" in stages


def test_a_failed_cycle_keeps_the_orders_cursor(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.sb.knobs.fail_next("503", n=50, path_prefix="/v2/orders/count")
    report = SyncRunner(rig.client, rig.settings, rig.ports).run_now()
    rig.sb.knobs.clear_faults()
    assert report.failed
    assert rig.erp.sync_state.get_cursor(ORDER_STREAM) is None
    assert rig.settings.last_update is None


def test_last_update_is_only_where_a_stream_without_a_cursor_starts(make_rig: MakeRig) -> None:
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)
    rig = make_rig(last_update=start.isoformat())
    overlap = rig.importer.options.overlap
    assert window_for(rig.importer.context(), CUSTOMER_STREAM).start == start - overlap
    report = SyncRunner(rig.client, rig.settings, rig.ports).run_now()
    assert not report.failed
    assert rig.settings.last_update == start  # an initial value: never written back
    cursor = rig.erp.sync_state.get_cursor(CUSTOMER_STREAM)
    assert cursor is not None
    assert cursor > start
    rig.later()
    # Once the stream has a cursor, the settings' value is no longer read.
    assert window_for(rig.importer.context(), CUSTOMER_STREAM).start == cursor - overlap


def test_cycle_pushes_changed_stock_after_the_orders(make_rig: MakeRig) -> None:
    from decimal import Decimal

    from bigcommerce_connect.records import ErpItem
    from bigcommerce_connect.sync import push_inventory

    rig = make_rig(auto_import=True)
    with rig.sb.store.locked() as store:
        skus = [v["sku"] for v in list(store.variants.values())[:3]]
    for index, sku in enumerate(skus):
        item = ErpItem(item_code=sku, quantity_on_hand=Decimal(40 + index))
        rig.erp.item_source.put(f"I-{index}", item)
    runner = SyncRunner(
        rig.client, rig.settings, rig.ports, inventory=push_inventory(rig.erp.stock)
    )
    report = runner.run_cycle()
    assert report.inventory_pushed == 3
    assert [rig.sb.store.inventory_of(sku) for sku in skus] == [40, 41, 42]
    rig.later()
    again = runner.run_cycle()
    assert again.inventory_pushed == 0


def test_a_customer_list_that_keeps_failing_does_not_hold_back_the_orders(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    waiting = rig.store_orders_in(OrderStatus.AWAITING_FULFILLMENT)
    # Every customer read fails beyond the client's retries for the whole cycle.
    rig.sb.knobs.fail_next("503", n=1000, path_prefix="/v3/customers")
    report = SyncRunner(rig.client, rig.settings, rig.ports).run_now()
    rig.sb.knobs.clear_faults()
    assert report.failed  # the customers stage failed, and says so
    assert any(error.startswith("customers:") for error in report.errors)
    assert rig.erp.sync_state.get_cursor(CUSTOMER_STREAM) is None
    assert report.orders_imported == len(waiting)  # the orders stage ran all the same
    assert rig.store_orders_in(OrderStatus.AWAITING_FULFILLMENT) == []
