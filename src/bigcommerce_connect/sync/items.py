"""Item import: store products and variants into ERP items (the seed's "Update Item Import").

Each store record becomes one ERP item through a named mapping (``automatic:item_import`` by
default, "Save As" to change it): a product without option variants is one item, a product
with option variants gives one item per variant. The mapping's source is the product's wire
fields with, for a variant, the variant's own ``sku``, prices, weight, UPC and stock laid over
them, plus:

* ``product_id`` and ``variant_id``: the store ids;
* ``options``: the variant's option labels joined by spaces ("Blue L"; empty for a product);
* ``existing``: the ERP item as stored, on an update only (absent on create), so an *Add*
  can append to what the ERP holds: ``existing.item_code`` + *Add Item Code* ``sku``.

An item is found by its binding (``variant``, then ``product``: the bindings the product export
writes, so both directions agree on one link), then by SKU through the host's
:class:`~bigcommerce_connect.ports.ItemRepository`, else created. An update changes only the
fields the mapping wrote. A record not changed since it was imported (its ``date_modified`` is
not after the binding's) is skipped, so a re-run creates and changes nothing.

The catalog is read a page at a time (memory does not grow with the store). A record that
cannot be read, mapped or written is quarantined with an alert and the run goes on. A preview
writes nothing anywhere and plans each create or update; a SKU it plans to create is found
again by the next record with that SKU, as the real run finds the created item.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.mapping import AUTOMATIC_ITEM_IMPORT, CompiledMapping, compile_mapping
from bigcommerce_connect.models import Product, structure
from bigcommerce_connect.ports import (
    Binding,
    BindingEntity,
    ItemIdSink,
    ItemRepository,
    LocalItem,
)
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sync.context import SyncContext, map_record
from bigcommerce_connect.sync.quarantine import quarantine_key
from bigcommerce_connect.sync.report import RunReport
from bigcommerce_connect.sync.window import is_newer
from bigcommerce_connect.sync.wire_ids import wire_id

__all__ = ["CatalogItem", "ItemImportError", "ItemImportReport", "ItemImporter"]

PRODUCT: Final = BindingEntity.PRODUCT
VARIANT: Final = BindingEntity.VARIANT
#: A variant's own values that replace the product's in the mapping's source (when set).
_VARIANT_OVERLAY: Final = (
    *("sku", "price", "sale_price", "retail_price", "map_price", "cost_price"),
    *("calculated_price", "weight", "width", "height", "depth", "upc", "mpn", "gtin"),
    *("inventory_level", "bin_picking_number"),
)
_PRODUCT_INCLUDE: Final = "variants,custom_fields"


class ItemImportError(BigCommerceError):
    """A store record cannot become an ERP item as it is; it is quarantined."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@attrs.define
class ItemImportReport(RunReport):
    """A run report with the item import's counts."""

    items_created: int = 0
    items_updated: int = 0
    items_skipped: int = 0
    items_quarantined: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The run report's data plus the item counts (the CLI's ``--json``)."""
        data = super().to_dict()
        data.update(
            items_created=self.items_created,
            items_updated=self.items_updated,
            items_skipped=self.items_skipped,
            items_quarantined=self.items_quarantined,
        )
        return data


@attrs.frozen
class CatalogItem:
    """One store record that becomes one ERP item: a product, or a variant with options."""

    entity: str  # "product" or "variant": the binding that names it
    product: Product
    variant_id: int | None
    sku: str
    source: Mapping[str, Any]  # what the mapping reads (``existing`` is added on update)

    @property
    def external_id(self) -> str:
        """The store id its binding and quarantine entry use."""
        return str(self.product.id if self.entity == PRODUCT else self.variant_id)


class ItemImporter:
    """Imports the store's catalog into ERP items through the item import mapping.

    ``items`` is the host's :class:`~bigcommerce_connect.ports.ItemRepository`; ``mapping``
    names a stored mapping (``automatic:item_import`` by default). When ``items`` also has the
    :class:`~bigcommerce_connect.ports.ItemIdSink` hook, each imported item gets its store ids.
    """

    def __init__(
        self, context: SyncContext, items: ItemRepository, *, mapping: str | None = None
    ) -> None:
        self.ctx = context
        self.items = items
        self.mapping_name = mapping or AUTOMATIC_ITEM_IMPORT
        self._planned: dict[str, str] = {}  # preview: SKU -> placeholder of a planned create

    @functools.cached_property
    def mapping(self) -> CompiledMapping:
        """The item import mapping, loaded from the host's mapping store once."""
        return compile_mapping(self.ctx.ports.mappings.load(self.mapping_name))

    @property
    def report(self) -> ItemImportReport:
        """The run's report (an :class:`ItemImportReport`)."""
        report = self.ctx.report
        if not isinstance(report, ItemImportReport):
            raise TypeError("the item import needs a context made with an ItemImportReport")
        return report

    # -- the catalog -----------------------------------------------------------------------

    def run(self) -> None:
        """Read the catalog a page at a time and import every product and variant."""
        _ = self.mapping  # loaded first: a missing mapping fails before any store call
        params = {"include": _PRODUCT_INCLUDE, "sort": "id"}
        limit = self.ctx.options.page_size
        for page in self.ctx.client.pages_v3("catalog/products", params, limit=limit):
            for raw in page:
                self.import_product(raw)
            self.ctx.tick("items")

    def import_product(self, raw: object) -> None:
        """Import one product as the store sent it; one that cannot be read is quarantined."""
        try:
            product = structure(raw, Product)
            records = catalog_items(product, raw)
        except Exception as error:  # a ModelError or any reading failure: this product only
            payload = raw if isinstance(raw, dict) else {"value": raw}
            self._quarantine(PRODUCT, quarantine_key(payload, wire_id(raw) or None), error, payload)
            return
        for record in records:
            self.import_safely(record)

    def import_safely(self, record: CatalogItem) -> str | None:
        """:meth:`import_item`, quarantining the record instead of raising."""
        try:
            return self.import_item(record)
        except Exception as error:  # mapping, the ERP's writes, a binding clash: this record
            self._quarantine(record.entity, record.external_id, error, dict(record.source))
            return None

    # -- one item --------------------------------------------------------------------------

    def import_item(self, record: CatalogItem) -> str:
        """Create or update the ERP item of one store record; return its local id."""
        ctx = self.ctx
        binding = self._binding(record)
        modified = record.product.date_modified
        if binding is not None and not is_newer(modified, binding.external_modified):
            self.report.items_skipped += 1
            ctx.report.plan(record.entity, record.external_id, "skip", "not changed since")
            ctx.quarantine.release(record.entity, record.external_id)
            return binding.local_id
        with ctx.transaction():
            local_id = binding.local_id if binding is not None else self._by_sku(record)
            existing = None if local_id is None else self._existing(local_id)
            source = dict(record.source)
            if existing is not None:
                source["existing"] = existing.item
            item, fields = map_record(self.mapping, source, ErpItem, create=local_id is None)
            local_id = self._write(record, local_id, item, fields)
            if not ctx.preview:
                self._bind(record, local_id, binding)
        ctx.quarantine.release(record.entity, record.external_id)
        return local_id

    def _binding(self, record: CatalogItem) -> Binding | None:
        bindings = self.ctx.ports.bindings
        found = None
        if record.variant_id is not None:
            found = bindings.get(VARIANT, str(record.variant_id))
        if found is None and record.entity == PRODUCT:
            found = bindings.get(PRODUCT, str(record.product.id))
        return found

    def _by_sku(self, record: CatalogItem) -> str | None:
        """The one ERP item with the record's SKU that no other store record holds, or None."""
        if not record.sku.strip():
            raise ItemImportError("sku_missing", f"{record.entity} {record.external_id} has no SKU")
        planned = self._planned.get(record.sku)
        found = [entry.local_id for entry in self.items.find_by_sku(record.sku)]
        if planned is not None:
            found.append(planned)
        if len(found) > 1:
            raise ItemImportError(
                "duplicate_sku",
                f"SKU {record.sku!r} matches {len(found)} ERP items ({', '.join(found)}); "
                "make it unique before importing this record",
            )
        if found and self._held_elsewhere(found[0], record):
            raise ItemImportError(
                "duplicate_sku",
                f"SKU {record.sku!r} is on another store record already imported as "
                f"{found[0]}; make it unique in the store",
            )
        return found[0] if found else None

    def _held_elsewhere(self, local_id: str, record: CatalogItem) -> bool:
        if local_id in self._planned.values():
            return True  # planned for an earlier record of this preview
        bindings = self.ctx.ports.bindings
        for entity in (PRODUCT, VARIANT):
            held = bindings.get_by_local(entity, local_id)
            if held is not None and held.external_id != _own_id(record, entity):
                return True
        return False

    def _existing(self, local_id: str) -> LocalItem | None:
        if local_id in self._planned.values():
            return None  # a placeholder of this preview: nothing stored yet
        found = list(self.items.get([local_id]))
        if not found:
            raise ItemImportError(
                "item_missing", f"the ERP item {local_id} bound to this record no longer exists"
            )
        return found[0]

    def _write(
        self, record: CatalogItem, local_id: str | None, item: ErpItem, fields: frozenset[str]
    ) -> str:
        ctx, report = self.ctx, self.report
        if local_id is None:
            report.items_created += 1
            ctx.report.plan(record.entity, record.external_id, "create", record.sku)
            if ctx.preview:
                placeholder = f"(new item {len(self._planned) + 1})"
                self._planned[record.sku] = placeholder
                return placeholder
            return self.items.create(item)
        report.items_updated += 1
        ctx.report.plan(record.entity, record.external_id, "update", local_id)
        if not ctx.preview:
            self.items.update(local_id, item, fields=fields)
        return local_id

    def _bind(self, record: CatalogItem, local_id: str, previous: Binding | None) -> None:
        """Bind as the product export does, then give the host's item its store ids."""
        product_id, variant_id = record.product.id, record.variant_id
        data = {
            **(previous.data if previous is not None else {}),  # the export's fingerprint
            "product_id": product_id,
            "variant_id": variant_id,
            "sku": record.sku,
        }
        link = Binding(
            entity=PRODUCT,
            external_id=str(product_id),
            local_id=local_id,
            external_modified=record.product.date_modified,
            synced_at=self.ctx.now(),
            data=data,
        )
        bindings = self.ctx.ports.bindings
        if record.entity == PRODUCT:
            bindings.bind(link)
        if variant_id is not None:
            bindings.bind(attrs.evolve(link, entity=VARIANT, external_id=str(variant_id)))
        if isinstance(self.items, ItemIdSink):
            self.items.item_linked(local_id, product_id, variant_id)

    def _quarantine(
        self, entity: str, key: str, error: Exception, payload: Mapping[str, Any]
    ) -> None:
        self.report.items_quarantined += 1
        self.ctx.quarantine.keep(entity, key, error, payload)


def catalog_items(product: Product, raw: object) -> list[CatalogItem]:
    """The ERP items one store product gives: itself, or each variant with options."""
    wire = dict(raw) if isinstance(raw, Mapping) else {}
    wire.pop("existing", None)  # the name is the ERP's: the store cannot set it
    raw_variants = [v for v in wire.pop("variants", None) or [] if isinstance(v, Mapping)]
    by_id = {v.get("id"): v for v in raw_variants}
    base = {**wire, "product_id": product.id, "options": ""}
    optioned = [v for v in product.variants if v.option_values]
    if not optioned:
        variant_id = product.base_variant_id
        if variant_id is None and len(product.variants) == 1:
            variant_id = product.variants[0].id
        source = {**base, "variant_id": variant_id}
        return [CatalogItem(PRODUCT, product, variant_id, _text(wire.get("sku")), source)]
    items = []
    for variant in optioned:
        own = by_id.get(variant.id, {})
        overlay = {key: own[key] for key in _VARIANT_OVERLAY if own.get(key) is not None}
        source = {
            **base,
            **overlay,
            "variant_id": variant.id,
            "options": " ".join(_labels(variant.option_values)),
        }
        items.append(CatalogItem(VARIANT, product, variant.id, _text(own.get("sku")), source))
    return items


def _labels(option_values: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(value.get("label") or "").strip() for value in option_values if value]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _own_id(record: CatalogItem, entity: str) -> str:
    """The store id a binding of ``entity`` would hold for this record."""
    if entity == PRODUCT:
        return str(record.product.id)
    return str(record.variant_id)
