"""The export engine: ERP items, stock, contacts and prices to the store.

* :class:`ProductExporter` — the seed's "Update Products": create, link by SKU, batch update,
  custom fields, categories, upload on demand; idempotent through binding fingerprints.
* :class:`InventoryPusher` — changed stock only, absolute adjustments from a fresh snapshot.
* :class:`B2BExporter` — customers from contacts, price levels as customer groups, price
  lists; every action checked against the host's access policy first.
* :class:`ShipmentExporter` — the ERP's shipments to store shipments, each exactly once.

Each run returns an :class:`ExportReport` with one result per record. The exporters talk to
the store only through the client's resources and to storage only through the ports; every
batch write goes through the one sender in :mod:`bigcommerce_connect.export.batching`.
"""

from bigcommerce_connect.export.access import (
    ITEM_CARD_ACTION,
    AccessDeniedError,
    EmployeeListPolicy,
    check_access,
)
from bigcommerce_connect.export.b2b import B2BExporter
from bigcommerce_connect.export.inventory import InventoryPusher
from bigcommerce_connect.export.products import (
    PRODUCT_EXPORT_STREAM,
    CategoryRequiredError,
    DuplicateSkuError,
    ProductExporter,
    item_export_mapping,
)
from bigcommerce_connect.export.report import (
    Action,
    ContactResult,
    ExportReport,
    ItemResult,
    LevelResult,
)
from bigcommerce_connect.export.shipments import ShipmentExporter, ShipmentOptions

__all__ = [
    "ITEM_CARD_ACTION",
    "PRODUCT_EXPORT_STREAM",
    "AccessDeniedError",
    "Action",
    "B2BExporter",
    "CategoryRequiredError",
    "ContactResult",
    "DuplicateSkuError",
    "EmployeeListPolicy",
    "ExportReport",
    "InventoryPusher",
    "ItemResult",
    "LevelResult",
    "ProductExporter",
    "ShipmentExporter",
    "ShipmentOptions",
    "check_access",
    "item_export_mapping",
]
