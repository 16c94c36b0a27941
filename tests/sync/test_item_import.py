"""Item import ("Update Item Import"): store products and variants into ERP items, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from bigcommerce_connect import (
    BigCommerceClient,
    ItemImportReport,
    StoreSettings,
)
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.export import ProductExporter
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.ports import ErpAdapters
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter
from support.sandboxes import StartSandbox

PRODUCTS = 9  # the seed gives every third product three size variants


@attrs.define
class ItemRig:
    sb: Sandbox
    erp: Any  # MemoryErp or SqliteErp
    client: BigCommerceClient
    mappings: InMemoryMappingStore
    importer: StoreImporter

    def catalog(self) -> list[tuple[str, str, str]]:
        """Every store record that becomes an item: (entity, store id, SKU)."""
        with self.sb.store.locked() as store:
            found = []
            for pid, product in sorted(store.products.items()):
                variants = [v for v in store.variants.values() if v["product_id"] == pid]
                optioned = [v for v in variants if v.get("option_values")]
                if not optioned:
                    found.append(("product", str(pid), product["sku"]))
                found.extend(("variant", str(v["id"]), v["sku"]) for v in optioned)
            return found

    def items(self) -> dict[str, ErpItem]:
        return {e.local_id: e.item for e in self.erp.item_source.changed_since(None)}

    def product_gets(self) -> int:
        return self.sb.requests.count("GET", "/v3/catalog/products")

    def writes(self) -> int:
        return sum(1 for r in self.sb.requests.records() if r.method != "GET")


@pytest.fixture
def sandbox(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=11, orders=3, customers=3, products=PRODUCTS)


def _rig(sb: Sandbox, erp: ErpAdapters, options: ImportOptions | None = None) -> ItemRig:
    settings = StoreSettings.from_dict(
        {
            "api_path": sb.api_path,
            "api_token": sb.access_token,
            "allow_insecure_host": True,
            "description": "sandbox",
        }
    )
    client = BigCommerceClient.from_settings(settings, sleep=lambda _s: None)
    mappings = InMemoryMappingStore()
    clock = FixedClock(datetime.now(timezone.utc))
    ports = ErpPorts.from_erp(erp, mappings=mappings, clock=clock)
    importer = StoreImporter(client, settings, ports, options or ImportOptions())
    return ItemRig(sb, erp, client, mappings, importer)


@pytest.fixture
def rig(sandbox: Sandbox) -> Iterator[ItemRig]:
    made = _rig(sandbox, MemoryErp())
    yield made
    made.client.close()


def test_item_import_creates_an_item_per_product_and_variant_with_bindings(rig: ItemRig) -> None:
    catalog = rig.catalog()
    report = rig.importer.import_items()
    assert isinstance(report, ItemImportReport)
    assert not report.failed, report.errors
    assert (report.items_created, report.items_updated, report.items_quarantined) == (
        len(catalog),
        0,
        0,
    )
    items = rig.items()
    assert sorted(item.item_code for item in items.values()) == sorted(sku for *_, sku in catalog)
    for entity, store_id, sku in catalog:
        binding = rig.erp.bindings.get(entity, store_id)
        assert binding is not None, (entity, store_id)
        item = items[binding.local_id]
        assert item.item_code == sku
        assert binding.data["sku"] == sku
        # The bindings are the export's: a product's base variant is bound too.
        variant_id = binding.data["variant_id"]
        assert rig.erp.bindings.get("variant", str(variant_id)).local_id == binding.local_id
    # A variant's option label is added to its name (Add Description 1).
    entity, store_id, sku = next(c for c in catalog if c[0] == "variant")
    with rig.sb.store.locked() as store:
        variant = store.variants[int(store_id)]
        name = store.products[variant["product_id"]]["name"]
        label = variant["option_values"][0]["label"]
    variant_item = items[rig.erp.bindings.get("variant", store_id).local_id]
    assert variant_item.description_1 == f"{name} {label}"
    assert variant_item.external_id == variant["product_id"]
    assert rig.importer.ports.quarantine.entries() == []


def test_item_import_preview_writes_nothing_and_plans_each_item(rig: ItemRig) -> None:
    catalog = rig.catalog()
    writes = rig.writes()
    preview = rig.importer.import_items(preview=True)
    assert preview.preview
    assert rig.items() == {}
    assert all(not rig.erp.bindings.all(entity) for entity in ("product", "variant"))
    assert rig.writes() == writes
    planned = sorted((p.entity, p.external_id) for p in preview.planned if p.action == "create")
    assert planned == sorted((entity, store_id) for entity, store_id, _ in catalog)
    real = rig.importer.import_items()
    assert (real.items_created, real.items_updated) == (preview.items_created, 0)
    assert len(rig.items()) == preview.items_created


def test_item_import_rerun_creates_nothing_and_a_changed_product_updates_its_item(
    rig: ItemRig,
) -> None:
    first = rig.importer.import_items()
    items_before = rig.items()
    writes = rig.writes()
    again = rig.importer.import_items()
    assert (again.items_created, again.items_updated) == (0, 0)
    assert again.items_skipped == first.items_created
    assert rig.items() == items_before
    assert rig.writes() == writes  # an import never writes to the store
    # The store changes one product (a second later, as a person would).
    product_id = int(next(sid for entity, sid, _ in rig.catalog() if entity == "product"))
    rig.sb.store.shift_clock(timedelta(seconds=5))
    rig.client.products.update(product_id, {"price": 99.5, "name": "Renamed widget"})
    third = rig.importer.import_items()
    assert (third.items_created, third.items_updated) == (0, 1)
    local_id = rig.erp.bindings.get("product", str(product_id)).local_id
    item = rig.items()[local_id]
    assert (item.price, item.description_1) == (Decimal("99.5"), "Renamed widget")
    assert len(rig.items()) == len(items_before)


def test_item_import_finds_an_existing_erp_item_by_sku_and_keeps_its_code(rig: ItemRig) -> None:
    # The ERP item already exists: its code and variant code build the store's SKU.
    entity, store_id, sku = next(c for c in rig.catalog() if c[0] == "product")
    code, _, suffix = sku.rpartition("-")
    existing = ErpItem(item_code=code, variant_code=suffix, description_2="Old line 2", upc="U1")
    local_id = rig.erp.item_repository.create(existing)
    report = rig.importer.import_items()
    assert report.items_updated == 1
    assert report.items_created == len(rig.catalog()) - 1
    assert rig.erp.bindings.get(entity, store_id).local_id == local_id
    item = rig.items()[local_id]
    # An existing item keeps its code; Description 2 is cleared so the export's Add
    # Description 1/2 build the store's name and description back.
    assert (item.item_code, item.variant_code, item.description_2) == (code, suffix, "")
    with rig.sb.store.locked() as store:
        product = dict(store.products[int(store_id)])
    assert item.description_1 == product["name"]
    assert item.external_id == int(store_id)


def test_add_item_code_and_descriptions_append_to_the_existing_erp_values(rig: ItemRig) -> None:
    # A vendor's list: Save As a mapping whose Add fields append to what the ERP holds.
    _, store_id, sku = next(c for c in rig.catalog() if c[0] == "product")
    rig.mappings.save(_vendor_mapping())
    local_id = rig.erp.item_repository.create(
        ErpItem(item_code=sku, description_1="Widget", description_2="Steel")
    )
    report = rig.importer.import_items(mapping="VendorItems")
    assert report.items_updated == 1, report.errors
    item = rig.items()[local_id]
    with rig.sb.store.locked() as store:
        product = dict(store.products[int(store_id)])
    assert item.item_code == f"{sku}/V-{store_id}"  # Add Item Code: the vendor's code
    assert item.description_1 == f"Widget {product['name']}"  # Add Description 1
    assert item.description_2 == "Steel; vendor"  # Add Description 2
    # A new item has no stored values (``existing`` is absent): the Add parts alone.
    created = {i.external_id: i for lid, i in rig.items().items() if lid != local_id}
    assert created
    assert all(i.item_code == str(pid) for pid, i in created.items())
    assert all(i.description_2 == "vendor" for i in created.values())


def _vendor_mapping() -> Any:
    from bigcommerce_connect.mapping import load_definition

    return load_definition(
        {
            "format": 1,
            "name": "VendorItems",
            "kind": "item_import",
            "target": "ErpItem",
            "rules": [
                {"source": "existing.item_code", "target": "item_code"},
                {
                    "label": "Add Item Code",
                    "source": "product_id",
                    "target": "item_code",
                    "op": "add",
                    "separator": "/V-",
                },
                {"source": "existing.description_1", "target": "description_1"},
                {
                    "label": "Add Description 1",
                    "source": "name",
                    "target": "description_1",
                    "op": "add",
                },
                {"source": "existing.description_2", "target": "description_2"},
                {
                    "label": "Add Description 2",
                    "constant": "vendor",
                    "target": "description_2",
                    "op": "add",
                    "separator": "; ",
                },
            ],
        }
    )


def test_add_item_code_keeps_working_on_the_product_export_after_an_import(
    rig: ItemRig,
) -> None:
    # An ERP item whose code + variant code (Add Item Code) is a store SKU: the import links
    # it, and the export then updates the same product, under the same SKU, creating nothing.
    _, store_id, sku = next(c for c in rig.catalog() if c[0] == "product")
    code, _, suffix = sku.rpartition("-")
    local_id = rig.erp.item_repository.create(ErpItem(item_code=code, variant_code=suffix))
    rig.importer.import_items()
    exporter = ProductExporter(
        rig.client,
        items=rig.erp.item_source,
        bindings=rig.erp.bindings,
        clock=FixedClock(datetime.now(timezone.utc)),
    )
    creates = rig.sb.requests.count("POST", "/v3/catalog/products")
    report = exporter.upload([local_id])
    (result,) = report.items
    assert result.action.value == "updated", result.error
    assert (result.sku, result.product_id) == (sku, int(store_id))
    assert rig.sb.requests.count("POST", "/v3/catalog/products") == creates
    with rig.sb.store.locked() as store:
        assert store.products[int(store_id)]["sku"] == sku


def test_one_bad_product_is_quarantined_and_the_others_import(rig: ItemRig) -> None:
    catalog = rig.catalog()
    bad_id = int(next(sid for entity, sid, _ in catalog if entity == "product"))
    with rig.sb.store.locked() as store:
        store.products[bad_id]["categories"] = "not-a-list"  # the SDK cannot read it
    report = rig.importer.import_items()
    assert not report.failed
    assert report.items_quarantined == 1
    assert report.items_created == len(catalog) - 1
    (entry,) = rig.importer.ports.quarantine.entries("product")
    assert entry.external_id == str(bad_id)
    assert [n.code for n in report.notifications if n.kind.value == "alert"] == [
        f"product.import.{entry.code}"
    ]


def test_item_import_pages_through_the_catalog(sandbox: Sandbox) -> None:
    # Bounded memory: the catalog is read a page at a time (2 products a request here).
    made = _rig(sandbox, MemoryErp(), ImportOptions(page_size=2))
    try:
        report = made.importer.import_items()
        assert report.items_created == len(made.catalog())
        assert made.product_gets() == -(-PRODUCTS // 2)
    finally:
        made.client.close()


def test_item_import_into_sqlite_is_exactly_once(sandbox: Sandbox, tmp_path: Path) -> None:
    with SqliteErp(tmp_path / "erp.db") as erp:
        made = _rig(sandbox, erp)
        try:
            first = made.importer.import_items()
            again = made.importer.import_items()
        finally:
            made.client.close()
        assert first.items_created == len(made.catalog())
        assert (again.items_created, again.items_updated) == (0, 0)
        assert len(erp.item_source.changed_since(None)) == first.items_created
        product_id = int(next(sid for entity, sid, _ in made.catalog() if entity == "product"))
        local_id = erp.bindings.get("product", str(product_id)).local_id
        # The store id is filled in on the SQLite item, too.
        assert erp.item_source.store_ids(local_id)[0] == product_id


def test_item_import_without_a_repository_is_refused(sandbox: Sandbox) -> None:
    made = _rig(sandbox, MemoryErp())
    try:
        made.importer.ports = attrs.evolve(made.importer.ports, item_repository=None)
        with pytest.raises(ValueError, match="item_repository"):
            made.importer.import_items()
    finally:
        made.client.close()


def test_a_sku_on_two_store_products_is_planned_and_imported_once(rig: ItemRig) -> None:
    # Two store products share a SKU (edited behind the API's back): the first makes the item,
    # the second is quarantined as a duplicate, in the preview exactly as in the real run.
    simple = [sid for entity, sid, _ in rig.catalog() if entity == "product"]
    first_id, second_id = int(simple[0]), int(simple[1])
    with rig.sb.store.locked() as store:
        sku = store.products[first_id]["sku"]
        store.products[second_id]["sku"] = sku
        store.variants[store.products[second_id]["base_variant_id"]]["sku"] = sku
    preview = rig.importer.import_items(preview=True)
    real = rig.importer.import_items()
    for report in (preview, real):
        assert report.items_created == len(rig.catalog()) - 1
        assert report.items_quarantined == 1
    assert [
        (p.external_id, p.action) for p in preview.planned if p.external_id == str(second_id)
    ] == [(str(second_id), "quarantine")]
    (entry,) = rig.importer.ports.quarantine.entries("product")
    assert (entry.external_id, entry.code) == (str(second_id), "duplicate_sku")
    assert rig.erp.bindings.get("product", str(second_id)) is None
