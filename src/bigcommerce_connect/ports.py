"""The protocols a host implements to plug its storage into the SDK.

The SDK never touches storage directly. :mod:`bigcommerce_connect.adapters.memory` implements
every port for tests; :mod:`bigcommerce_connect.adapters.sqlite` for small real users. A host's
own adapters prove themselves with :mod:`bigcommerce_connect.testing.contract`.

Ids: external ids (the store's) are strings; local ids (the ERP's) are strings too.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from bigcommerce_connect.clock import Clock  # re-exported: hosts type their clocks here
from bigcommerce_connect.errors import ConnectError
from bigcommerce_connect.notifications import Notifier
from bigcommerce_connect.order_changes import OrderChange
from bigcommerce_connect.records import ErpContact, ErpCustomer, ErpItem, ErpSalesOrder
from bigcommerce_connect.shipments import ErpShipment

__all__ = [
    "AccessPolicy",
    "Binding",
    "BindingConflictError",
    "BindingEntity",
    "BindingRepository",
    "Clock",
    "ContactIdSink",
    "ContactSource",
    "CreditLimits",
    "CustomerLookup",
    "CustomerRepository",
    "ErpAdapters",
    "ItemIdSink",
    "ItemLookup",
    "ItemRef",
    "ItemRepository",
    "ItemSource",
    "LevelPrice",
    "LocalContact",
    "LocalCustomer",
    "LocalItem",
    "Notifier",
    "OrderChanges",
    "PriceLevelSource",
    "QuarantineEntry",
    "QuarantineRepository",
    "SalesOrderRepository",
    "ShipmentIdSink",
    "ShipmentSource",
    "StockLevel",
    "StockSource",
    "StoreIdSink",
    "StoreLock",
    "SyncStateRepository",
    "UnitOfWork",
    "WebhookReceipts",
]


class BindingConflictError(ConnectError):
    """A binding would make an external or a local id point at two records."""


class BindingEntity(str, enum.Enum):
    """What a binding (or a quarantine entry) links: one kind of store record.

    A ``str`` enum, so the ports keep taking and storing plain text ("order", "product" ...)
    and a host's adapter needs no change.
    """

    ORDER = "order"
    CUSTOMER = "customer"
    PRODUCT = "product"
    VARIANT = "variant"
    ITEM = "item"
    CONTACT = "contact"
    CUSTOMER_GROUP = "customer_group"
    PRICE_LIST = "price_list"
    SHIPMENT = "shipment"  # an ERP shipment and the store shipment made from it

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


@attrs.frozen(kw_only=True)
class Binding:
    """Links one store record to one ERP record (unique in both directions per entity)."""

    entity: str  # a BindingEntity value: "customer", "order", "product", "variant", ...
    external_id: str
    local_id: str
    external_modified: datetime | None = None  # the store's date_modified when last synced
    synced_at: datetime | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)  # small extras, e.g. status moved


class BindingRepository(Protocol):
    """External id ⇄ local id, per entity."""

    def get(self, entity: str, external_id: str) -> Binding | None:
        """The binding of a store record, if any."""
        ...

    def get_by_local(self, entity: str, local_id: str) -> Binding | None:
        """The binding of an ERP record, if any."""
        ...

    def bind(self, binding: Binding) -> None:
        """Create or update a binding; raise :class:`BindingConflictError` if it would clash."""
        ...


@attrs.frozen(kw_only=True)
class LocalCustomer:
    """An ERP customer as the importer needs to see it."""

    local_id: str
    email: str = ""
    name: str = ""
    price_level: str = ""


class CustomerRepository(Protocol):
    """The ERP's customer accounts."""

    def find_by_email(self, email: str) -> Sequence[LocalCustomer]:
        """Customers with this e-mail (case-insensitive), best match first."""
        ...

    def create(self, customer: ErpCustomer) -> str:
        """Create a customer; return its local id."""
        ...

    def update(self, local_id: str, customer: ErpCustomer, *, fields: frozenset[str]) -> None:
        """Update a customer from a newer store record.

        Only ``fields`` carry values from the store (an update skips create-only rules): keep
        every other field as the ERP has it.
        """
        ...


@runtime_checkable
class CustomerLookup(Protocol):
    """Optional on a :class:`CustomerRepository`: find customers by an order's lookup value.

    The order import builds ``ErpSalesOrder.customer_lookup`` with *Add Customer Lookup* and,
    for an order whose store customer is not bound, asks for it before the e-mail match. A
    repository without ``find_by_lookup`` is simply not asked (detected with ``isinstance``).
    """

    def find_by_lookup(self, value: str) -> Sequence[LocalCustomer]:
        """Customers the ERP finds under ``value``, best match first (empty for blank text).

        The SDK's adapters match the customer code, ignoring case and surrounding spaces.
        """
        ...


class SalesOrderRepository(Protocol):
    """The ERP's sales orders."""

    def create(self, order: ErpSalesOrder, *, customer_id: str) -> str:
        """Create a sales order for the ERP customer ``customer_id``; return its local id."""
        ...

    def update(
        self, local_id: str, order: ErpSalesOrder, *, customer_id: str, fields: frozenset[str]
    ) -> None:
        """Update a sales order from a newer store record; only ``fields`` change."""
        ...


@attrs.frozen(kw_only=True)
class ItemRef:
    """An ERP item found by SKU."""

    local_id: str
    sku: str
    is_variant: bool = False
    available: Decimal | None = None  # stock the ERP can promise; None: not tracked


class ItemLookup(Protocol):
    """Finds ERP items by SKU: variant SKUs before product SKUs."""

    def find_by_sku(self, sku: str) -> Sequence[ItemRef]:
        """Every item with this SKU, variants first."""
        ...


class SyncStateRepository(Protocol):
    """One cursor per stream ("orders", "customers" ...), kept in UTC."""

    def get_cursor(self, stream: str) -> datetime | None:
        """The stream's cursor, or None before the first run."""
        ...

    def set_cursor(self, stream: str, value: datetime) -> None:
        """Move the stream's cursor (never backwards: the importer checks)."""
        ...


@attrs.frozen(kw_only=True)
class QuarantineEntry:
    """A record that failed to import, kept with its reason and raw payload for replay."""

    entity: str
    external_id: str
    code: str
    reason: str
    payload: Mapping[str, Any] = attrs.field(factory=dict)
    attempts: int = 1
    first_failed: datetime | None = None
    last_failed: datetime | None = None


class QuarantineRepository(Protocol):
    """Failed records waiting for a retry."""

    def put(self, entry: QuarantineEntry) -> None:
        """Add or refresh an entry (one per entity + external id; attempts add up)."""
        ...

    def entries(self, entity: str | None = None) -> Sequence[QuarantineEntry]:
        """The entries, oldest first."""
        ...

    def remove(self, entity: str, external_id: str) -> None:
        """Drop an entry once its record imported."""
        ...


class UnitOfWork(Protocol):
    """A transaction over every repository: the ERP record and its binding commit together."""

    def transaction(self) -> AbstractContextManager[None]:
        """Commit on normal exit, roll everything back if the block raises."""
        ...


class StoreLock(Protocol):
    """One runner per store and stream, across threads (and processes where storage allows)."""

    def try_acquire(self, name: str, owner: str) -> bool:
        """Take the lock without waiting; False if someone else holds it."""
        ...

    def release(self, name: str, owner: str) -> None:
        """Give the lock back (only its owner can)."""
        ...


class WebhookReceipts(Protocol):
    """Remembers processed webhook deliveries by key, so a redelivery is processed once.

    The key is an opaque string of at most a few hundred characters naming one delivery (the
    handler builds it from the scope, the payload hash and the creation time): store and
    compare it exactly. A key is recorded only after its delivery was processed: one that
    failed half-way is processed again when the store redelivers it (processing is idempotent
    through bindings).
    """

    def has_seen(self, payload_hash: str) -> bool:
        """Whether the delivery with this key was already processed."""
        ...

    def record(self, payload_hash: str) -> None:
        """Remember that the delivery with this key was processed."""
        ...


class OrderChanges(Protocol):
    """Optional: receives the store's changes to orders the ERP already imported.

    ``apply`` runs inside the SDK's unit of work, together with the record that the change
    was delivered, so a change is applied exactly once even across crashes and both paths
    (webhooks and polling): write the change through the same storage the unit of work
    covers. Raising rolls the delivery back; the change comes again on the next run. A host
    without this port gets the changes as notifications only.
    """

    def apply(self, local_id: str, change: OrderChange) -> None:
        """Apply ``change`` to the ERP sales order ``local_id`` (cancel, refund, re-address...)."""
        ...


class CreditLimits(Protocol):
    """Optional: what an ERP customer may still buy on credit (for credit-limit warnings)."""

    def available_credit(self, local_id: str) -> Decimal | None:
        """Credit left for the customer; None when the customer has no limit."""
        ...


class AccessPolicy(Protocol):
    """Decides which employees may act on the store with its credentials (B2B access).

    Only the bool ``True`` grants. Any other answer, truthy or not (``"no"``, ``1``, a
    non-empty list, ``None``), and any exception raised is a refusal: the SDK raises
    ``AccessDeniedError`` before anything is sent to the store.
    """

    def may_use_store(self, employee: str, action: str) -> bool:
        """Whether ``employee`` may perform ``action`` ("create_customer", "price_levels"...).

        Return exactly ``True`` to grant; anything else refuses.
        """
        ...


class ErpAdapters(Protocol):
    """One object holding the host's import adapters as attributes, one per port.

    What :meth:`ErpPorts.from_erp <bigcommerce_connect.sync.ErpPorts.from_erp>` and the
    adapter contract suite (:mod:`bigcommerce_connect.testing.contract`) take, e.g.
    :class:`~bigcommerce_connect.adapters.memory.MemoryErp` or
    :class:`~bigcommerce_connect.adapters.sqlite.SqliteErp`. Optional ports are read only when
    the object has them: ``webhook_receipts``, ``credit_limits``, ``order_changes`` and
    ``item_repository`` (imports), ``item_source``, ``stock``, ``contacts``, ``price_levels``
    and ``shipment_source`` (exports). The contract suite fails on a missing one unless the
    test declares it absent (``AdapterContract.absent_ports``).
    """

    @property
    def bindings(self) -> BindingRepository:
        """External id ⇄ local id, per entity."""
        ...

    @property
    def customers(self) -> CustomerRepository:
        """The ERP's customer accounts."""
        ...

    @property
    def sales_orders(self) -> SalesOrderRepository:
        """The ERP's sales orders."""
        ...

    @property
    def items(self) -> ItemLookup:
        """ERP items by SKU."""
        ...

    @property
    def sync_state(self) -> SyncStateRepository:
        """The streams' cursors: the only place a run keeps where it got to."""
        ...

    @property
    def quarantine(self) -> QuarantineRepository:
        """Records that failed to import."""
        ...

    @property
    def unit_of_work(self) -> UnitOfWork:
        """Transactions over every repository."""
        ...

    @property
    def lock(self) -> StoreLock:
        """One runner per store."""
        ...

    @property
    def notifier(self) -> Notifier:
        """Where notifications go."""
        ...


# -- export side: what the ERP hands the exporters ------------------------------------------


@attrs.frozen(kw_only=True)
class LocalItem:
    """An ERP item to export, with the ERP's own id for it (the binding's local id)."""

    local_id: str
    item: ErpItem


class ItemSource(Protocol):
    """The ERP items the product export reads."""

    def changed_since(self, marker: datetime | None) -> Sequence[LocalItem]:
        """Items created or changed after ``marker`` (every item when it is None), by id."""
        ...

    def get(self, local_ids: Sequence[str]) -> Sequence[LocalItem]:
        """The items with these ids, in the order asked; unknown ids are left out."""
        ...


class ItemRepository(Protocol):
    """Optional: the ERP's items as the item import writes them ("Update Item Import").

    An item's SKU is what the automatic mappings build from it (``records.item_sku``: the item
    code, ``-variant code`` when set). The SDK's memory and SQLite adapters implement it on
    their ``item_source`` (also exposed as ``item_repository``).
    """

    def find_by_sku(self, sku: str) -> Sequence[LocalItem]:
        """The items whose SKU is ``sku`` (exactly), oldest first; empty for blank text."""
        ...

    def get(self, local_ids: Sequence[str]) -> Sequence[LocalItem]:
        """The items with these ids, in the order asked; unknown ids are left out."""
        ...

    def create(self, item: ErpItem) -> str:
        """Create an item; return its local id."""
        ...

    def update(self, local_id: str, item: ErpItem, *, fields: frozenset[str]) -> None:
        """Change only ``fields`` of an item (create-only rules did not run); keep the rest."""
        ...


@runtime_checkable
class ItemIdSink(Protocol):
    """Optional hook: the host's item record receives its store ids ("fills in the ID").

    Found with ``isinstance`` on the exporter's :class:`ItemSource` (and on the item import's
    :class:`ItemRepository`). Called after the ``product``/``variant`` binding is written.
    """

    def item_linked(self, local_id: str, product_id: int, variant_id: int | None) -> None:
        """Write the store's product id (and variant id) on the ERP item ``local_id``.

        Must not mark the item as changed for the export (it is the store's own id).
        """
        ...


@runtime_checkable
class ContactIdSink(Protocol):
    """Optional hook: the host's contact record receives its store customer id.

    Found with ``isinstance`` on the B2B exporter's :class:`ContactSource`; called after the
    ``contact`` binding is written.
    """

    def contact_linked(self, local_id: str, customer_id: int) -> None:
        """Write the store's customer id on the ERP contact ``local_id``."""
        ...


@runtime_checkable
class StoreIdSink(ItemIdSink, ContactIdSink, Protocol):
    """Both hooks on one object (a host whose items and contacts share one store)."""


@attrs.frozen(kw_only=True)
class StockLevel:
    """The ERP's stock of one item at one store location, read at push time."""

    local_id: str
    sku: str
    quantity: int
    location_id: int = 1


class StockSource(Protocol):
    """Fresh ERP stock, and the per-item marker of what was last pushed to the store."""

    def stock_snapshot(self, local_ids: Sequence[str] | None = None) -> Sequence[StockLevel]:
        """Stock now (every stocked item when ``local_ids`` is None), read fresh at each call."""
        ...

    def stock_pushed(self, local_id: str, location_id: int) -> int | None:
        """The quantity last pushed for the item at the location; None if never pushed."""
        ...

    def mark_stock_pushed(self, levels: Sequence[StockLevel], at: datetime) -> None:
        """Remember that ``levels`` reached the store at ``at`` (called only after success)."""
        ...


@attrs.frozen(kw_only=True)
class LocalContact:
    """An ERP contact to export as a store customer, with the ERP's own id for it."""

    local_id: str
    contact: ErpContact


class ContactSource(Protocol):
    """The ERP contacts the B2B export reads."""

    def contacts(self, local_ids: Sequence[str] | None = None) -> Sequence[LocalContact]:
        """The contacts with these ids (every B2B contact when None); unknown ids left out."""
        ...


@attrs.frozen(kw_only=True)
class LevelPrice:
    """The price of one SKU at one ERP price level (one price-list record)."""

    sku: str
    price: Decimal
    currency: str = "USD"
    sale_price: Decimal | None = None


class PriceLevelSource(Protocol):
    """The ERP's price levels and their item prices (customer-specific pricing)."""

    def price_levels(self) -> Sequence[str]:
        """Every price level name, e.g. "Wholesale"."""
        ...

    def prices(self, level: str) -> Sequence[LevelPrice]:
        """The item prices of one level (empty for an unknown level)."""
        ...


# -- fulfilment: the ERP's shipments, exported to the store ----------------------------------


class ShipmentSource(Protocol):
    """The ERP's shipments the shipment export reads (see :mod:`bigcommerce_connect.shipments`).

    Return every shipment the store may still lack: the export skips those already bound
    (entity ``shipment``), so handing a shipment in again is harmless, and a host may leave
    out shipments it knows were exported long ago to keep a run short.
    """

    def shipments(self, local_ids: Sequence[str] | None = None) -> Sequence[ErpShipment]:
        """The shipments with these local ids (every one when None), in the order first put.

        Unknown ids are left out.
        """
        ...


@runtime_checkable
class ShipmentIdSink(Protocol):
    """Optional hook: the host's shipment record receives its store shipment id.

    Found with ``isinstance`` on the exporter's :class:`ShipmentSource`; called inside the
    unit of work that writes the ``shipment`` binding, so both commit together.
    """

    def shipment_linked(self, local_id: str, order_id: int, shipment_id: int) -> None:
        """Write the store's order id and shipment id on the ERP shipment ``local_id``."""
        ...
