"""Without the Store Inventory scope, stock goes through the catalog with one warning a run.

The sandbox's token lacks ``store_inventory``: the absolute adjustment answers 403, and the
push writes the variants' ``inventory_level`` (Products modify) instead of failing every cycle.
"""

from __future__ import annotations

from decimal import Decimal

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.export.inventory import INVENTORY_SCOPE_MISSING
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.ports import Binding, BindingEntity
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, SyncRunner, push_inventory
from support.sandboxes import StartSandbox

WITHOUT_INVENTORY = "store_v2_orders,store_v2_customers,store_v2_products"
ADJUST = "/v3/inventory/adjustments/absolute"


def stocked(erp: MemoryErp, sb: Sandbox) -> list[str]:
    """Three simple products' SKUs in the ERP with stock; the first bound to its variant."""
    with sb.store.locked() as store:
        simple = [p for p in store.products.values() if p["inventory_tracking"] != "variant"]
        rows = [(p["sku"], p["base_variant_id"]) for p in simple[:3]]
    for n, (sku, _variant) in enumerate(rows):
        erp.item_source.put(f"L{n}", ErpItem(item_code=sku, quantity_on_hand=Decimal(7 + n)))
    erp.bindings.bind(
        Binding(entity=BindingEntity.VARIANT, external_id=str(rows[0][1]), local_id="L0")
    )
    return [sku for sku, _ in rows]


def runner_for(sb: Sandbox, erp: MemoryErp) -> tuple[BigCommerceClient, SyncRunner]:
    settings = StoreSettings.from_dict(
        {"api_path": sb.api_path, "api_token": sb.access_token, "allow_insecure_host": True}
    )
    client = BigCommerceClient.from_settings(settings, sleep=lambda _s: None)
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=SystemClock())
    runner = SyncRunner(
        client, settings, ports, ImportOptions(), inventory=push_inventory(erp.stock)
    )
    return client, runner


def writes(sb: Sandbox, path: str) -> list[int]:
    return [r.status for r in sb.requests.records() if r.method != "GET" and path in r.path]


def test_stock_goes_through_the_catalog_with_one_warning_each_run(
    start_sandbox: StartSandbox,
) -> None:
    sb = start_sandbox(seed=8, orders=6, customers=3, products=9, scopes=WITHOUT_INVENTORY)
    erp = MemoryErp()
    skus = stocked(erp, sb)
    client, runner = runner_for(sb, erp)
    with client:
        first = runner.run_now()
        assert [sb.store.inventory_of(sku) for sku in skus] == [7, 8, 9]
        erp.item_source.set_quantity("L1", 2)  # a sale in the ERP
        second = runner.run_now()
    assert sb.store.inventory_of(skus[1]) == 2
    for report in (first, second):
        assert not report.failed, report.errors
    assert (first.inventory_pushed, second.inventory_pushed) == (3, 1)
    codes = [n.code for n in erp.notifier.notifications]
    assert codes.count(INVENTORY_SCOPE_MISSING) == 2  # one a run, not one an item
    assert "inventory.push.failed" not in codes
    warning = next(n for n in erp.notifier.notifications if n.code == INVENTORY_SCOPE_MISSING)
    assert "Store Inventory (modify)" in warning.message
    assert writes(sb, ADJUST) == [403, 403]  # asked once a run: the scope may be granted
    assert writes(sb, "/v3/catalog/variants") == [200, 200]


def test_with_the_scope_the_adjustment_is_used_and_nothing_is_warned(
    start_sandbox: StartSandbox,
) -> None:
    sb = start_sandbox(seed=8, orders=6, customers=3, products=9)
    erp = MemoryErp()
    skus = stocked(erp, sb)
    client, runner = runner_for(sb, erp)
    with client:
        report = runner.run_now()
    assert report.inventory_pushed == 3
    assert [sb.store.inventory_of(sku) for sku in skus] == [7, 8, 9]
    assert writes(sb, ADJUST) == [200]
    assert writes(sb, "/v3/catalog/variants") == []
    assert INVENTORY_SCOPE_MISSING not in [n.code for n in erp.notifier.notifications]
