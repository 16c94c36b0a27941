"""automatic:inventory picks the SKU, whole quantity and location the inventory push sends.

The memory and SQLite stock sources make each ERP item a stock level through the mapping
(the built-in by default, or the host's), pushed to a sandbox store over loopback HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.export import InventoryPusher
from bigcommerce_connect.mapping import (
    AUTOMATIC_INVENTORY,
    CompiledMapping,
    InMemoryMappingStore,
    MappingValueError,
    compile_mapping,
    load_definition,
)
from bigcommerce_connect.mapping.defaults import builtin_data
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import Sandbox
from support.sandboxes import StartSandbox

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def sandbox(start_sandbox: StartSandbox) -> Sandbox:
    # Seeded SKU-00001 is a simple product; SKU-00003-S a variant of a product with options.
    return start_sandbox(seed=7, orders=5, customers=8, products=12)


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(
        sandbox.api_path, sandbox.access_token, allow_insecure_host=True, sleep=lambda _s: None
    ) as opened:
        yield opened


def pusher(client: BigCommerceClient, erp: MemoryErp | SqliteErp) -> InventoryPusher:
    return InventoryPusher(client, stock=erp.stock, bindings=erp.bindings, clock=FixedClock(T0))


def upc_mapping() -> CompiledMapping:
    """A Save As of the built-in whose SKU is the item's UPC (a host's own SKU rule)."""
    data = builtin_data(AUTOMATIC_INVENTORY)
    data["name"] = "ByUpc"
    data["rules"] = [
        {"source": "upc", "target": "sku"},
        *[r for r in data["rules"] if r["target"] != "sku"],
    ]
    store = InMemoryMappingStore()
    store.save(load_definition(data))
    return compile_mapping(store.load("ByUpc"))


def test_the_builtin_sends_the_sku_add_item_code_builds(
    sandbox: Sandbox, client: BigCommerceClient
) -> None:
    erp = MemoryErp()
    erp.item_source.put(
        "V3", ErpItem(item_code="SKU-00003", variant_code="S", quantity_on_hand=Decimal("4.7"))
    )
    erp.item_source.put("P1", ErpItem(item_code="SKU-00001", quantity_on_hand=Decimal(6)))
    report = pusher(client, erp).push()
    assert report.counts["updated"] == 2
    assert sandbox.store.inventory_of("SKU-00003-S") == 4  # whole units, rounded down
    assert sandbox.store.inventory_of("SKU-00001") == 6
    assert [(level.sku, level.quantity) for level in erp.stock.stock_snapshot()] == [
        ("SKU-00001", 6),
        ("SKU-00003-S", 4),
    ]


def test_a_host_mapping_picks_another_sku(sandbox: Sandbox, client: BigCommerceClient) -> None:
    erp = MemoryErp()
    erp.stock.mapping = upc_mapping()
    erp.item_source.put(
        "E1", ErpItem(item_code="ERP-1", upc="SKU-00001", quantity_on_hand=Decimal(3))
    )
    report = pusher(client, erp).push()
    assert [(r.sku, r.action.value) for r in report.items] == [("SKU-00001", "updated")]
    assert sandbox.store.inventory_of("SKU-00001") == 3


def test_the_sqlite_stock_source_uses_the_mapping_too(
    sandbox: Sandbox, client: BigCommerceClient, tmp_path: Path
) -> None:
    with SqliteErp(tmp_path / "erp.db") as erp:
        erp.stock.mapping = upc_mapping()
        for local_id, upc, quantity in (("V3", "SKU-00003-S", 2), ("E1", "SKU-00001", 5)):
            item = ErpItem(item_code=f"ERP-{local_id}", upc=upc, quantity_on_hand=Decimal(quantity))
            erp.item_source.put(local_id, item, modified=T0)
        assert pusher(client, erp).push().counts["updated"] == 2
        assert sandbox.store.inventory_of("SKU-00003-S") == 2
        assert sandbox.store.inventory_of("SKU-00001") == 5
        erp.stock.mapping = None  # the built-in: the item code, which the store does not have
        assert {level.sku for level in erp.stock.stock_snapshot()} == {"ERP-V3", "ERP-E1"}


def test_a_mapping_that_gives_no_whole_quantity_is_refused() -> None:
    data = builtin_data(AUTOMATIC_INVENTORY)
    data["name"] = "Text"
    data["rules"] = [
        *[r for r in data["rules"] if r["target"] != "quantity"],
        {"source": "quantity_on_hand", "target": "quantity", "transform": ["text"]},
    ]
    erp = MemoryErp()
    erp.stock.mapping = compile_mapping(load_definition(data))
    erp.item_source.put("P1", ErpItem(item_code="A", quantity_on_hand=Decimal(1)))
    with pytest.raises(MappingValueError, match="item P1"):
        erp.stock.stock_snapshot()
