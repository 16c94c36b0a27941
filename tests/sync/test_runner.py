"""The runner: one cycle as the settings say, last_update following the cursor."""

from __future__ import annotations

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.sync import ORDER_STREAM, SyncContext, SyncRunner

from .conftest import MakeRig


def test_scheduled_cycle_does_nothing_while_auto_import_is_off(make_rig: MakeRig) -> None:
    rig = make_rig(auto_import=False)
    runner = SyncRunner(rig.client, rig.settings, rig.ports)
    report = runner.run_cycle()
    assert report.orders_imported == 0
    assert "auto import is off" in report.errors[0]
    assert rig.sb.requests.count() == 0


def test_cycle_imports_moves_and_records_last_update(make_rig: MakeRig) -> None:
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
    assert rig.settings.last_update == rig.erp.sync_state.get_cursor(ORDER_STREAM)


def test_progress_is_reported_after_each_stage(make_rig: MakeRig) -> None:
    rig = make_rig()
    stages: list[str] = []
    runner = SyncRunner(
        rig.client, rig.settings, rig.ports, progress=lambda stage, _report: stages.append(stage)
    )
    runner.run_now()
    assert stages[0] == "customers"
    assert "orders" in stages


def test_a_failed_cycle_keeps_last_update(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.sb.knobs.fail_next("503", n=50, path_prefix="/v2/order_statuses")
    report = SyncRunner(rig.client, rig.settings, rig.ports).run_now()
    rig.sb.knobs.clear_faults()
    assert report.failed
    assert rig.settings.last_update is None


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
