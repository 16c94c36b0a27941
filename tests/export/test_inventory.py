"""Inventory push against the sandbox: changed items only, absolute, by location, fallback."""

from __future__ import annotations

from decimal import Decimal

from bigcommerce_connect.export import Action

from .conftest import ExportRig, item


def adjustments(rig: ExportRig) -> list[list[dict[str, object]]]:
    return [w.body["items"] for w in rig.transport.writes("/v3/inventory/adjustments/absolute")]


def test_stock_is_pushed_and_visible_on_products_and_variants(rig: ExportRig) -> None:
    # Seeded SKU-00001 is a simple product; SKU-00003-S a variant of a product with options.
    rig.erp.item_source.put("P1", item("SKU-00001", quantity_on_hand=Decimal(4)))
    rig.erp.item_source.put("V3", item("SKU-00003", variant_code="S", quantity_on_hand=Decimal(0)))
    rig.erp.item_source.put("NEW", item("INV-NEW", quantity_on_hand=Decimal(9)))
    rig.products.export_changed()  # binds NEW (created); the others are linked by SKU
    rig.transport.sent.clear()

    report = rig.inventory.push()

    assert report.counts["updated"] == 3
    assert report.api_calls == 1
    assert rig.sb.store.inventory_of("SKU-00001") == 4
    assert rig.sb.store.product_inventory(1) == 4
    assert rig.sb.store.inventory_of("SKU-00003-S") == 0
    created = report.item("NEW")
    assert rig.sb.store.product_inventory(created.product_id or 0) == 9
    assert rig.client.products.get(1, include=()).inventory_level == 4  # as the store shows it
    sent = adjustments(rig)[0]
    assert all("variant_id" in entry for entry in sent)  # bound items go by variant id


def test_only_items_changed_since_their_last_push_are_sent(rig: ExportRig) -> None:
    for n, pid in enumerate((1, 2, 4, 5, 7)):  # simple products (every third has options)
        rig.erp.item_source.put(f"I{n}", item(f"SKU-0000{pid}", quantity_on_hand=Decimal(10)))
    first = rig.inventory.push()
    assert first.counts["updated"] == 5
    rig.sb.requests.clear()

    nothing = rig.inventory.push()
    assert nothing.items == []
    assert len(rig.sb.requests) == 0

    rig.erp.item_source.set_quantity("I2", 3)  # a sale in the ERP
    rig.transport.sent.clear()
    report = rig.inventory.push()

    assert [(r.local_id, r.action) for r in report.items] == [("I2", Action.UPDATED)]
    assert adjustments(rig) == [[{"location_id": 1, "sku": "SKU-00004", "quantity": 3}]]
    assert rig.sb.store.inventory_of("SKU-00004") == 3
    assert rig.erp.stock.stock_pushed("I2", 1) == 3


def test_store_sale_on_an_untouched_item_is_not_overwritten(rig: ExportRig) -> None:
    rig.erp.item_source.put("A", item("SKU-00001", quantity_on_hand=Decimal(10)))
    rig.erp.item_source.put("B", item("SKU-00002", quantity_on_hand=Decimal(10)))
    rig.inventory.push()
    variant = rig.sb.store.variant_by_sku("SKU-00001")
    assert variant is not None
    rig.sb.store.set_inventory(variant["id"], 8)  # two sold in the store
    rig.erp.item_source.set_quantity("B", 6)

    rig.inventory.push()

    assert rig.sb.store.inventory_of("SKU-00001") == 8  # the ERP did not change A
    assert rig.sb.store.inventory_of("SKU-00002") == 6


def test_items_are_grouped_by_location(rig: ExportRig) -> None:
    with rig.sb.store.locked() as store:
        store.locations[2] = "Warehouse"
    rig.erp.item_source.put("A", item("SKU-00001", quantity_on_hand=Decimal(1)))
    rig.erp.item_source.put("B", item("SKU-00002", quantity_on_hand=Decimal(2), location_id=2))
    rig.erp.item_source.put("C", item("SKU-00004", quantity_on_hand=Decimal(3)))

    report = rig.inventory.push()

    assert report.ok
    locations = [{entry["location_id"] for entry in batch} for batch in adjustments(rig)]
    assert locations == [{1}, {2}]
    assert rig.sb.store.inventory_of("SKU-00002", location_id=2) == 2


def test_refused_item_fails_alone_and_is_retried_next_time(rig: ExportRig) -> None:
    rig.erp.item_source.put("A", item("SKU-00001", quantity_on_hand=Decimal(5)))
    rig.erp.item_source.put("X", item("NOT-IN-STORE", quantity_on_hand=Decimal(5)))
    rig.erp.item_source.put("B", item("SKU-00002", quantity_on_hand=Decimal(-2)))

    report = rig.inventory.push()

    assert report.item("A").action is Action.UPDATED
    assert report.item("B").action is Action.UPDATED
    failed = report.item("X")
    assert failed.action is Action.FAILED
    assert "NOT-IN-STORE" in failed.error
    assert rig.sb.store.inventory_of("SKU-00002") == 0  # oversold in the ERP shows as 0
    assert rig.erp.stock.stock_pushed("X", 1) is None
    assert [r.local_id for r in rig.inventory.push().items] == ["X"]


def test_product_level_item_falls_back_to_catalog_inventory_level(rig: ExportRig) -> None:
    rig.erp.item_source.put("A", item("FB-1", quantity_on_hand=Decimal(1)))
    created = rig.products.export_changed().item("A")
    product_id = created.product_id or 0
    # The store's base variant changed since the binding was written (the product was
    # rebuilt in the control panel): the bound variant id is now refused by the Inventory API.
    with rig.sb.store.locked() as store:
        fresh = store.next_id("variant")
        store.variants[fresh] = {**store.variants[created.variant_id or 0], "id": fresh}
        store.variants[created.variant_id or 0]["option_values"] = [{"label": "Old"}]
        store.products[product_id]["base_variant_id"] = fresh
        store.inventory[(fresh, 1)] = 0
    rig.erp.item_source.set_quantity("A", 7)

    report = rig.inventory.push(["A"])

    assert report.item("A").action is Action.UPDATED, report.item("A").error
    fallback = rig.transport.writes("/v3/catalog/products")
    assert fallback[-1].body == [{"id": product_id, "inventory_level": 7}]
    assert rig.sb.store.inventory.get((fresh, 1)) == 7
    assert rig.erp.stock.stock_pushed("A", 1) == 7
