"""The store's ids are filled in on the host's item and contact records ("fills in the ID").

Besides the bindings, the optional ``ItemIdSink`` / ``ContactIdSink`` hooks of the item and
contact sources receive the product, variant and customer ids, after the binding is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import AllowListAccessPolicy, FixedClock, MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.export import Action, B2BExporter, ProductExporter
from bigcommerce_connect.ports import ContactIdSink, ItemIdSink, LocalContact, LocalItem
from bigcommerce_connect.records import ErpContact
from bigcommerce_connect.sandbox import Sandbox

from .conftest import T0, ExportRig, item, later


def test_product_export_fills_in_the_product_and_variant_ids(rig: ExportRig) -> None:
    source = rig.erp.item_source
    assert isinstance(source, ItemIdSink)
    source.put("NEW", item("IDS-NEW"), modified=T0)  # created in the store
    source.put("OLD", item("SKU-00001"), modified=T0)  # linked to a seeded product by SKU
    later(rig)
    report = rig.products.export_changed()
    assert report.ok, report.items
    for local_id, action in (("NEW", Action.CREATED), ("OLD", Action.LINKED)):
        result = report.item(local_id)
        assert result.action is action
        (found,) = source.get([local_id])
        assert found.item.external_id == result.product_id
        assert source.store_ids(local_id) == (result.product_id, result.variant_id)
        assert result.variant_id is not None
    # The ids written back are not a change: the next run has nothing to export.
    later(rig)
    assert rig.products.export_changed().items == []


def test_b2b_contacts_receive_their_store_customer_id(rig: ExportRig) -> None:
    contacts = rig.erp.contacts
    assert isinstance(contacts, ContactIdSink)
    contacts.put(
        "K1", ErpContact(email="ids.buyer@example.com", first_name="Ida", last_name="Lund")
    )
    report = rig.b2b.sync_contacts("pat")
    result = report.contact("K1")
    assert result.action is Action.CREATED
    (found,) = contacts.contacts(["K1"])
    assert found.contact.external_id == result.customer_id
    assert found.contact.first_name == "Ida"


def test_sqlite_items_and_contacts_receive_the_store_ids(
    sandbox: Sandbox, rig: ExportRig, tmp_path: Path
) -> None:
    clock = FixedClock(T0)
    with SqliteErp(tmp_path / "erp.db", clock=clock) as erp:
        erp.item_source.put("NEW", item("IDS-SQL"))
        erp.contacts.put(
            "K1", ErpContact(email="ids.sqlite@example.com", first_name="Sol", last_name="Ek")
        )
        products = ProductExporter(
            rig.client, items=erp.item_source, bindings=erp.bindings, clock=clock
        )
        b2b = B2BExporter(
            rig.client,
            access=AllowListAccessPolicy(["pat"]),
            bindings=erp.bindings,
            clock=clock,
            contacts=erp.contacts,
        )
        created = products.upload(["NEW"]).item("NEW")
        customer = b2b.sync_contacts("pat").contact("K1")
        assert erp.item_source.store_ids("NEW") == (created.product_id, created.variant_id)
        (found,) = erp.item_source.get(["NEW"])
        assert found.item.external_id == created.product_id
        (contact,) = erp.contacts.contacts(["K1"])
        assert contact.contact.external_id == customer.customer_id is not None


class _Refusing:
    """An item source whose host storage refuses the store id once for one item."""

    def __init__(self, erp: MemoryErp, refuse: str) -> None:
        self.inner = erp.item_source
        self.refuse = refuse
        self.calls: list[tuple[str, int, int | None]] = []

    def changed_since(self, marker: datetime | None) -> Sequence[LocalItem]:
        return self.inner.changed_since(marker)

    def get(self, local_ids: Sequence[str]) -> Sequence[LocalItem]:
        return self.inner.get(local_ids)

    def item_linked(self, local_id: str, product_id: int, variant_id: int | None) -> None:
        self.calls.append((local_id, product_id, variant_id))
        if local_id == self.refuse:
            self.refuse = ""
            raise OSError("the ERP's item table is locked")
        self.inner.item_linked(local_id, product_id, variant_id)


def test_a_refused_id_fails_that_item_only_and_the_next_run_writes_it(rig: ExportRig) -> None:
    source = _Refusing(rig.erp, refuse="B")
    rig.erp.item_source.put("A", item("IDS-A"), modified=T0)
    rig.erp.item_source.put("B", item("IDS-B"), modified=T0)
    exporter = ProductExporter(
        rig.client,
        items=source,
        bindings=rig.erp.bindings,
        clock=rig.clock,
        sync_state=rig.erp.sync_state,
    )
    first = exporter.export_changed()
    assert first.item("A").action is Action.CREATED
    failed = first.item("B")
    assert failed.action is Action.FAILED
    assert "did not take the store id" in (failed.error or "")
    # The product exists and stays bound (never created twice), without a fingerprint.
    binding = rig.erp.bindings.get_by_local("product", "B")
    assert binding is not None
    assert binding.data["fingerprint"] == ""
    assert rig.erp.item_source.store_ids("B") == (None, None)
    creates = rig.sb.requests.count("POST", "/v3/catalog/products")
    later(rig)
    second = exporter.export_changed()
    assert second.ok
    assert second.item("B").action is Action.UPDATED
    assert rig.sb.requests.count("POST", "/v3/catalog/products") == creates
    assert rig.erp.item_source.store_ids("B")[0] == int(binding.external_id)
    assert [call[0] for call in source.calls] == ["A", "B", "B"]


def test_item_import_fills_in_the_ids_on_the_items_it_writes(rig: ExportRig) -> None:
    from bigcommerce_connect import StoreSettings
    from bigcommerce_connect.mapping import InMemoryMappingStore
    from bigcommerce_connect.sync import ErpPorts, StoreImporter

    settings = StoreSettings.from_dict(
        {"api_path": rig.sb.api_path, "api_token": rig.sb.access_token, "allow_insecure_host": True}
    )
    with BigCommerceClient.from_settings(settings, sleep=lambda _s: None) as client:
        ports = ErpPorts.from_erp(
            rig.erp,
            mappings=InMemoryMappingStore(),
            clock=FixedClock(datetime.now(timezone.utc)),
        )
        report = StoreImporter(client, settings, ports).import_items()
    assert report.items_created > 0
    for binding in rig.erp.bindings.all("variant"):
        product_id, variant_id = rig.erp.item_source.store_ids(binding.local_id)
        assert (product_id, variant_id) == (binding.data["product_id"], int(binding.external_id))


class _RefusingContacts:
    """A contact source whose host storage refuses the customer id once."""

    def __init__(self, erp: MemoryErp) -> None:
        self.inner = erp.contacts
        self.refused = False

    def contacts(self, local_ids: Sequence[str] | None = None) -> Sequence[LocalContact]:
        return self.inner.contacts(local_ids)

    def contact_linked(self, local_id: str, customer_id: int) -> None:
        if not self.refused:
            self.refused = True
            raise OSError("the ERP's contact table is locked")
        self.inner.contact_linked(local_id, customer_id)


def test_a_refused_customer_id_fails_that_contact_and_the_next_run_writes_it(
    rig: ExportRig,
) -> None:
    source = _RefusingContacts(rig.erp)
    rig.erp.contacts.put(
        "K1", ErpContact(email="ids.k1@example.com", first_name="A", last_name="B")
    )
    b2b = B2BExporter(
        rig.client,
        access=AllowListAccessPolicy(["pat"]),
        bindings=rig.erp.bindings,
        clock=rig.clock,
        contacts=source,
    )
    first = b2b.sync_contacts("pat").contact("K1")
    assert first.action is Action.FAILED
    assert "did not take the store id" in (first.error or "")
    binding = rig.erp.bindings.get_by_local("contact", "K1")
    assert binding is not None
    assert binding.data["fingerprint"] == ""
    second = b2b.sync_contacts("pat").contact("K1")
    assert second.action is Action.UPDATED
    assert second.customer_id == int(binding.external_id)
    (found,) = rig.erp.contacts.contacts(["K1"])
    assert found.contact.external_id == second.customer_id
