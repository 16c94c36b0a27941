"""Update Products against the sandbox: create, link by SKU, update, custom fields, batches."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.export import Action
from bigcommerce_connect.sandbox.rows import new_product, new_variant

from .conftest import T0, ExportRig, fields, item

UNICODE_NAME = "Café Crème – 東京 O'Brien 🍵"


def bound(rig: ExportRig, entity: str, local_id: str) -> dict[str, Any]:
    binding = rig.erp.bindings.get_by_local(entity, local_id)
    assert binding is not None, f"no {entity} binding for {local_id}"
    return {"external_id": binding.external_id, **binding.data}


def test_new_item_is_created_with_ids_written_back(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("NEW-1", "Garden Hose", categories=(2, 3)))

    report = rig.products.export_changed()

    result = report.item("I1")
    assert result.action is Action.CREATED, result.error
    product = rig.store_product(result.product_id or 0)
    assert (product["name"], product["sku"], product["categories"]) == (
        "Garden Hose",
        "NEW-1",
        [2, 3],
    )
    assert product["base_variant_id"] == result.variant_id is not None
    assert bound(rig, "product", "I1")["external_id"] == str(result.product_id)
    assert bound(rig, "variant", "I1")["external_id"] == str(result.variant_id)
    assert result.admin_url == (
        f"https://store-{rig.client.endpoint.store_hash}.mybigcommerce.com"
        f"/manage/products/{result.product_id}/edit"
    )
    assert report.counts["created"] == 1
    assert report.api_calls == 3  # variant SKU lookup, product SKU lookup, one POST


def test_existing_products_are_linked_by_sku_not_duplicated(rig: ExportRig) -> None:
    # Seeded product 1 is simple (SKU-00001); product 3 has options (SKU-00003-M is a variant).
    before = len(rig.sb.store.products)
    rig.erp.item_source.put("P1", item("SKU-00001", "Renamed in the ERP", price=Decimal("9.99")))
    rig.erp.item_source.put("V3M", item("SKU-00003", variant_code="M", price=Decimal("7.25")))

    report = rig.products.export_changed()

    assert [r.action for r in report.items] == [Action.LINKED, Action.LINKED], report.failed
    assert len(rig.sb.store.products) == before
    assert [w.method for w in rig.transport.writes()] == ["PUT", "PUT"]  # no POST: linked
    simple = rig.store_product(1)
    assert (simple["name"], simple["price"]) == ("Renamed in the ERP", Decimal("9.99"))
    assert bound(rig, "product", "P1")["variant_id"] == simple["base_variant_id"]
    variant = rig.sb.store.variant_by_sku("SKU-00003-M")
    assert variant is not None
    assert variant["price"] == Decimal("7.25")
    assert bound(rig, "variant", "V3M") | {"fingerprint": ""} == {
        "external_id": str(variant["id"]),
        "product_id": 3,
        "variant_id": variant["id"],
        "sku": "SKU-00003-M",
        "fingerprint": "",
    }
    assert rig.erp.bindings.get_by_local("product", "V3M") is None  # the product is shared


def test_update_never_sends_write_once_fields_and_batches_by_ten(rig: ExportRig) -> None:
    for n in range(12):
        rig.erp.item_source.put(f"I{n}", item(f"B-{n}"))
    rig.products.export_changed()
    rig.transport.sent.clear()
    for n in range(12):
        rig.erp.item_source.put(f"I{n}", item(f"B-{n}", price=Decimal("20.00")))

    report = rig.products.export_changed()

    assert report.counts["updated"] == 12
    puts = rig.transport.writes("/v3/catalog/products")
    assert [len(p.body) for p in puts] == [10, 2]
    sent_keys = {key for put in puts for product in put.body for key in product}
    assert not sent_keys & {"type", "inventory_tracking", "inventory_level", "custom_fields"}
    assert all(rig.store_product(r.product_id or 0)["price"] == 20 for r in report.items)
    assert all(r.variant_id for r in report.items)  # written back on every update, too


def test_item_without_category_fails_before_any_call(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("NOCAT-1", categories=()))

    report = rig.products.upload(["I1"])

    failed = report.item("I1")
    assert failed.action is Action.FAILED
    assert "I1" in failed.error
    assert "NOCAT-1" in failed.error
    assert "category" in failed.error
    assert rig.calls() == 0


def test_categories_listed_for_the_host(rig: ExportRig) -> None:
    tree = rig.products.category_tree()
    choices = rig.products.category_choices()

    assert {node.id for root in tree for node in root.walk()} == {c[0] for c in choices}
    assert len(choices) == len(rig.sb.store.categories)
    child = next(c for c in rig.sb.store.categories.values() if c["parent_id"])
    label = dict(choices)[child["id"]]
    assert label.endswith(f" / {child['name']}")


def test_custom_fields_updated_by_id_never_duplicated(rig: ExportRig) -> None:
    seed_fields = [(f"Field {n:02d}", f"value {n}") for n in range(66)]
    rig.erp.item_source.put("I1", item("CF-1", custom_fields=fields(*seed_fields)))
    created = rig.products.export_changed().item("I1")
    product_id = created.product_id or 0
    assert rig.store_fields(product_id) == sorted(seed_fields)
    changed = [("Field 07", "ändert 7"), *seed_fields[:7], *seed_fields[8:], ("New", "neu")]
    rig.erp.item_source.put("I1", item("CF-1", custom_fields=fields(*changed)))
    rig.transport.sent.clear()

    report = rig.products.export_changed()

    assert report.item("I1").action is Action.UPDATED, report.item("I1").error
    assert rig.store_fields(product_id) == sorted(changed)
    field_writes = rig.transport.writes(f"/v3/catalog/products/{product_id}/custom-fields")
    assert [(w.method, w.body) for w in field_writes] == [
        ("PUT", {"name": "Field 07", "value": "ändert 7"}),
        ("POST", {"name": "New", "value": "neu"}),
    ]
    assert field_writes[0].path.rsplit("/", 1)[1].isdigit()  # updated by its id


def test_linked_product_custom_fields_matched_by_name(rig: ExportRig) -> None:
    # Seeded product 2 has "Material" and "Origin" custom fields.
    wanted = [("Material", "Leinen"), ("Origin", "Côte d'Ivoire"), ("Care", "30 °C")]
    rig.erp.item_source.put("P2", item("SKU-00002", custom_fields=fields(*wanted)))

    report = rig.products.export_changed()

    assert report.item("P2").action is Action.LINKED, report.item("P2").error
    assert rig.store_fields(2) == sorted(wanted)


def test_partial_batch_failure_is_reported_per_item(rig: ExportRig) -> None:
    for n in range(3):
        rig.erp.item_source.put(f"I{n}", item(f"PB-{n}"))
    first = rig.products.export_changed()
    gone = first.item("I1").product_id
    with rig.sb.store.locked() as store:
        del store.products[gone]  # deleted in the store behind the ERP's back
    for n in range(3):
        rig.erp.item_source.put(f"I{n}", item(f"PB-{n}", price=Decimal("3.00")))

    report = rig.products.export_changed()

    assert [r.action for r in report.items] == [Action.UPDATED, Action.FAILED, Action.UPDATED]
    assert str(gone) in report.item("I1").error
    assert report.counts == {
        "created": 0,
        "updated": 2,
        "linked": 0,
        "unchanged": 0,
        "failed": 1,
    }
    assert rig.erp.sync_state.get_cursor("products_export") == T0  # not moved: a failure
    # The failed item is retried next run; the others are unchanged and cost nothing.
    again = rig.products.export_changed()
    assert [r.action for r in again.items] == [Action.UNCHANGED, Action.FAILED, Action.UNCHANGED]


def test_rejected_variant_batch_fails_its_items(rig: ExportRig) -> None:
    rig.erp.item_source.put("S", item("SKU-00003", variant_code="S", price=Decimal("1.00")))
    rig.erp.item_source.put("L", item("SKU-00003", variant_code="L", upc="x" * 3))
    rig.products.export_changed()
    variant = rig.sb.store.variant_by_sku("SKU-00003-L")
    assert variant is not None
    with rig.sb.store.locked() as store:
        del store.variants[variant["id"]]
    rig.erp.item_source.put("L", item("SKU-00003", variant_code="L", upc="y"))
    rig.erp.item_source.put("S", item("SKU-00003", variant_code="S", price=Decimal("2.00")))

    report = rig.products.export_changed()

    assert report.item("S").action is Action.FAILED  # the store refused the whole batch
    assert report.item("L").action is Action.FAILED
    assert str(variant["id"]) in report.item("L").error


def test_duplicate_sku_is_an_error_naming_it(rig: ExportRig) -> None:
    with rig.sb.store.locked() as store:
        pid = store.next_id("product")
        vid = store.next_id("variant")
        store.products[pid] = new_product(
            pid, name="Twin", sku="SKU-00001", price=Decimal(1), categories=[1], when=T0
        )
        store.products[pid]["base_variant_id"] = vid
        store.variants[vid] = new_variant(vid, pid, "SKU-00001", sku_id=None)
    rig.erp.item_source.put("P1", item("SKU-00001"))
    rig.erp.item_source.put("OK", item("FINE-1"))

    report = rig.products.export_changed()

    failed = report.item("P1")
    assert failed.action is Action.FAILED
    assert "SKU-00001" in failed.error
    assert "2 store records" in failed.error
    assert report.item("OK").action is Action.CREATED
    assert all(w.body.get("sku") != "SKU-00001" for w in rig.transport.writes())
    assert rig.erp.bindings.get_by_local("product", "P1") is None


def test_unicode_names_and_values_round_trip(rig: ExportRig) -> None:
    rig.erp.item_source.put(
        "U", item("UNI-1", UNICODE_NAME, custom_fields=fields(("Größe", "ß – ü 🍵")))
    )

    result = rig.products.export_changed().item("U")

    product = rig.client.products.get(result.product_id or 0)
    assert product.name == UNICODE_NAME
    assert [(f.name, f.value) for f in product.custom_fields] == [("Größe", "ß – ü 🍵")]


def test_rerun_with_nothing_changed_sends_nothing(rig: ExportRig) -> None:
    rig.erp.item_source.put("A", item("IDEM-1", custom_fields=fields(("k", "v"))))
    rig.erp.item_source.put("B", item("SKU-00001"))
    rig.erp.item_source.put("C", item("SKU-00003", variant_code="S"))
    first = rig.products.export(rig.erp.item_source.changed_since(None))
    assert first.ok, first.failed
    rig.sb.requests.clear()

    again = rig.products.export(rig.erp.item_source.changed_since(None))

    assert [r.action for r in again.items] == [Action.UNCHANGED] * 3
    assert [r.product_id for r in again.items] == [r.product_id for r in first.items]
    assert len(rig.sb.requests) == 0
    assert again.api_calls == 0


def test_upload_on_demand_reports_each_chosen_item(rig: ExportRig) -> None:
    rig.erp.item_source.put("A", item("UP-1"))
    rig.erp.item_source.put("B", item("UP-2"))
    rig.products.upload(["A"])
    rig.transport.sent.clear()

    report = rig.products.upload(["A", "B", "nope"])

    assert [(r.local_id, r.action) for r in report.items] == [
        ("A", Action.UPDATED),
        ("B", Action.CREATED),
        ("nope", Action.FAILED),
    ]
    assert len(rig.transport.writes("/v3/catalog/products")) == 2  # forced: A is sent again


def test_changed_since_cursor_reads_only_newer_items(rig: ExportRig) -> None:
    rig.erp.item_source.put("OLD", item("CUR-1"), modified=T0 - timedelta(hours=1))
    assert rig.products.export_changed().counts["created"] == 1
    rig.clock.current = T0 + timedelta(hours=1)
    rig.erp.item_source.put("NEW", item("CUR-2"), modified=T0 + timedelta(minutes=30))

    report = rig.products.export_changed()

    assert [r.local_id for r in report.items] == ["NEW"]
    assert rig.erp.sync_state.get_cursor("products_export") == T0 + timedelta(hours=1)


def test_report_is_plain_data(rig: ExportRig) -> None:
    rig.erp.item_source.put("A", item("RD-1"))
    data = rig.products.export_changed().to_dict()
    assert data["counts"]["created"] == 1
    assert data["items"][0]["action"] == "created"
    assert attrs.has(type(rig.products.export([])))
    assert data["api_calls"] == 3


def test_a_first_sync_links_many_items_with_a_few_catalog_reads(rig: ExportRig) -> None:
    with rig.sb.store.locked() as store:
        seeded = sorted(p["sku"] for p in store.products.values())[:8]
        # A twin makes one SKU ambiguous: the catalog read must still catch it.
        pid, vid = store.next_id("product"), store.next_id("variant")
        store.products[pid] = new_product(
            pid, name="Twin", sku=seeded[0], price=Decimal(1), categories=[1], when=T0
        )
        store.products[pid]["base_variant_id"] = vid
        store.variants[vid] = new_variant(vid, pid, seeded[0], sku_id=None)
    for n, sku in enumerate(seeded):
        rig.erp.item_source.put(f"L{n}", item(sku, f"Linked {n}"))

    report = rig.products.export_changed()

    linked = [r for r in report.items if r.action is Action.LINKED]
    assert len(linked) + len(report.failed) == len(seeded)
    assert [r.local_id for r in report.failed] == ["L0"]
    assert seeded[0] in report.failed[0].error
    reads = [c for c in rig.transport.sent if c.method == "GET"]
    assert len(reads) < 2 * len(seeded)  # not two lookups per item
    assert len(rig.sb.store.products) == 13  # 12 seeded + the twin: nothing created
