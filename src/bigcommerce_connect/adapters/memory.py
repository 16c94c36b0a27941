"""In-memory implementations of every port, for the SDK's tests and for hosts' own tests.

All adapters made by one :class:`MemoryErp` share one state and one re-entrant lock; a
transaction snapshots the state and restores it if the block raises, so the unit of work is
as all-or-nothing as a database's.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from bigcommerce_connect.adapters.stock import stock_levels
from bigcommerce_connect.clock import FixedClock, SystemClock  # re-exported: their old home
from bigcommerce_connect.mapping import CompiledMapping
from bigcommerce_connect.notifications import Notification
from bigcommerce_connect.order_changes import OrderChange
from bigcommerce_connect.ports import (
    Binding,
    BindingConflictError,
    ItemRef,
    LevelPrice,
    LocalContact,
    LocalCustomer,
    LocalItem,
    QuarantineEntry,
    StockLevel,
)
from bigcommerce_connect.records import (
    ErpContact,
    ErpCustomer,
    ErpItem,
    ErpSalesOrder,
    item_sku,
)
from bigcommerce_connect.shipments import ErpShipment

__all__ = [
    "AllowListAccessPolicy",
    "FixedClock",
    "MemoryBindings",
    "MemoryContacts",
    "MemoryCustomers",
    "MemoryErp",
    "MemoryItemSource",
    "MemoryItems",
    "MemoryLock",
    "MemoryNotifier",
    "MemoryOrderChanges",
    "MemoryPriceLevels",
    "MemoryQuarantine",
    "MemorySalesOrders",
    "MemoryShipmentSource",
    "MemoryStockSource",
    "MemorySyncState",
    "MemoryUnitOfWork",
    "MemoryWebhookReceipts",
    "SystemClock",
]


@attrs.define
class _State:
    bindings: dict[tuple[str, str], Binding] = attrs.field(factory=dict)
    local_index: dict[tuple[str, str], str] = attrs.field(factory=dict)
    customers: dict[str, ErpCustomer] = attrs.field(factory=dict)
    orders: dict[str, tuple[ErpSalesOrder, str]] = attrs.field(factory=dict)
    cursors: dict[str, datetime] = attrs.field(factory=dict)
    quarantine: dict[tuple[str, str], QuarantineEntry] = attrs.field(factory=dict)
    receipts: dict[str, bool] = attrs.field(factory=dict)
    sequence: Any = attrs.field(factory=lambda: itertools.count(1))


_ABSENT = object()


class _Shared:
    """The state plus an undo log: a rollback costs what the transaction wrote, not the store."""

    def __init__(self) -> None:
        self.state = _State()
        self.lock = threading.RLock()
        self.undo: list[tuple[dict[Any, Any], Any, Any]] | None = None

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.state.sequence)}"

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        if self.undo is not None:
            self.undo.append((table, key, table.get(key, _ABSENT)))
        table[key] = value

    def pop(self, table: dict[Any, Any], key: Any) -> None:
        if key in table:
            if self.undo is not None:
                self.undo.append((table, key, table[key]))
            del table[key]

    def roll_back(self, log: list[tuple[dict[Any, Any], Any, Any]]) -> None:
        for table, key, previous in reversed(log):
            if previous is _ABSENT:
                table.pop(key, None)
            else:
                table[key] = previous


R = TypeVar("R")


def _merge(stored: R, incoming: R, fields: frozenset[str]) -> R:
    """``stored`` with the named fields taken from ``incoming``."""
    return attrs.evolve(stored, **{name: getattr(incoming, name) for name in fields})  # type: ignore[misc]


class MemoryUnitOfWork:
    """All-or-nothing blocks over the shared in-memory state."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the state lock; undo every write of the block if it raises."""
        shared = self._shared
        with shared.lock:
            if shared.undo is not None:  # nested: the outer transaction decides
                yield
                return
            shared.undo = []
            try:
                yield
            except BaseException:
                shared.roll_back(shared.undo)
                raise
            finally:
                shared.undo = None


class MemoryBindings:
    """Bindings, unique both ways per entity."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    def get(self, entity: str, external_id: str) -> Binding | None:
        """The binding of a store record, if any."""
        with self._shared.lock:
            return self._shared.state.bindings.get((entity, external_id))

    def get_by_local(self, entity: str, local_id: str) -> Binding | None:
        """The binding of an ERP record, if any."""
        with self._shared.lock:
            external_id = self._shared.state.local_index.get((entity, local_id))
            return (
                None if external_id is None else self._shared.state.bindings[(entity, external_id)]
            )

    def bind(self, binding: Binding) -> None:
        """Create or update a binding; a clash either way raises :class:`BindingConflictError`."""
        with self._shared.lock:
            state = self._shared.state
            key = (binding.entity, binding.external_id)
            existing = state.bindings.get(key)
            if existing is not None and existing.local_id != binding.local_id:
                raise BindingConflictError(
                    f"{binding.entity} {binding.external_id} is already bound"
                )
            owner = state.local_index.get((binding.entity, binding.local_id))
            if owner is not None and owner != binding.external_id:
                raise BindingConflictError(
                    f"local {binding.entity} {binding.local_id} is already bound"
                )
            if existing is not None:
                self._shared.pop(state.local_index, (binding.entity, existing.local_id))
            self._shared.put(state.bindings, key, binding)
            self._shared.put(
                state.local_index, (binding.entity, binding.local_id), binding.external_id
            )

    def all(self, entity: str) -> list[Binding]:
        """Every binding of one entity (for tests)."""
        with self._shared.lock:
            return [b for (e, _), b in self._shared.state.bindings.items() if e == entity]


class MemoryCustomers:
    """ERP customers keyed by generated local ids ``C1``, ``C2`` ..."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    def find_by_email(self, email: str) -> Sequence[LocalCustomer]:
        """Customers whose e-mail matches, ignoring case."""
        wanted = email.strip().casefold()
        if not wanted:
            return []
        with self._shared.lock:
            return [
                LocalCustomer(local_id=local_id, email=c.email, name=c.customer_listing)
                for local_id, c in self._shared.state.customers.items()
                if c.email.strip().casefold() == wanted
            ]

    def find_by_lookup(self, value: str) -> Sequence[LocalCustomer]:
        """Customers whose customer code is ``value``, ignoring case and surrounding spaces."""
        wanted = value.strip().casefold()
        if not wanted:
            return []
        with self._shared.lock:
            return [
                LocalCustomer(local_id=local_id, email=c.email, name=c.customer_listing)
                for local_id, c in self._shared.state.customers.items()
                if c.customer_code.strip().casefold() == wanted
            ]

    def create(self, customer: ErpCustomer) -> str:
        """Store a new customer; return its local id."""
        with self._shared.lock:
            local_id = self._shared.next_id("C")
            self._shared.put(self._shared.state.customers, local_id, customer)
            return local_id

    def update(self, local_id: str, customer: ErpCustomer, *, fields: frozenset[str]) -> None:
        """Change ``fields`` of a stored customer, keeping the others."""
        with self._shared.lock:
            if local_id not in self._shared.state.customers:
                raise KeyError(f"no customer {local_id}")
            merged = _merge(self._shared.state.customers[local_id], customer, fields)
            self._shared.put(self._shared.state.customers, local_id, merged)

    def get(self, local_id: str) -> ErpCustomer:
        """One customer (for tests)."""
        with self._shared.lock:
            return self._shared.state.customers[local_id]

    def all(self) -> dict[str, ErpCustomer]:
        """Every customer by local id (for tests)."""
        with self._shared.lock:
            return dict(self._shared.state.customers)


class MemorySalesOrders:
    """ERP sales orders keyed by generated local ids ``SO1``, ``SO2`` ..."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    def create(self, order: ErpSalesOrder, *, customer_id: str) -> str:
        """Store a new order for ``customer_id``; return its local id."""
        with self._shared.lock:
            local_id = self._shared.next_id("SO")
            self._shared.put(self._shared.state.orders, local_id, (order, customer_id))
            return local_id

    def update(
        self, local_id: str, order: ErpSalesOrder, *, customer_id: str, fields: frozenset[str]
    ) -> None:
        """Change ``fields`` of a stored order (and its customer), keeping the others."""
        with self._shared.lock:
            if local_id not in self._shared.state.orders:
                raise KeyError(f"no sales order {local_id}")
            merged = _merge(self._shared.state.orders[local_id][0], order, fields)
            self._shared.put(self._shared.state.orders, local_id, (merged, customer_id))

    def get(self, local_id: str) -> tuple[ErpSalesOrder, str]:
        """One order and its customer id (for tests)."""
        with self._shared.lock:
            return self._shared.state.orders[local_id]

    def all(self) -> dict[str, tuple[ErpSalesOrder, str]]:
        """Every order by local id (for tests)."""
        with self._shared.lock:
            return dict(self._shared.state.orders)


class MemoryItems:
    """An item catalogue the host fills by SKU; variants are returned first."""

    def __init__(self, items: Sequence[ItemRef] = ()) -> None:
        self._items = list(items)

    def add(self, item: ItemRef) -> None:
        """Add an item to the catalogue."""
        self._items.append(item)

    def find_by_sku(self, sku: str) -> Sequence[ItemRef]:
        """Every item with this SKU, variants first."""
        found = [item for item in self._items if item.sku == sku]
        return sorted(found, key=lambda item: not item.is_variant)


class MemorySyncState:
    """Cursors per stream."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    def get_cursor(self, stream: str) -> datetime | None:
        """The stream's cursor, or None."""
        with self._shared.lock:
            return self._shared.state.cursors.get(stream)

    def set_cursor(self, stream: str, value: datetime) -> None:
        """Move the stream's cursor (must be aware)."""
        if value.tzinfo is None:
            raise ValueError("a cursor must be timezone-aware")
        with self._shared.lock:
            self._shared.put(self._shared.state.cursors, stream, value.astimezone(timezone.utc))


class MemoryQuarantine:
    """Failed records, one per entity + external id."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    def put(self, entry: QuarantineEntry) -> None:
        """Add an entry, or refresh it and count one more attempt."""
        with self._shared.lock:
            key = (entry.entity, entry.external_id)
            previous = self._shared.state.quarantine.get(key)
            if previous is not None:
                entry = attrs.evolve(
                    entry,
                    attempts=previous.attempts + 1,
                    first_failed=previous.first_failed or entry.first_failed,
                )
            self._shared.put(self._shared.state.quarantine, key, entry)

    def entries(self, entity: str | None = None) -> Sequence[QuarantineEntry]:
        """The entries, oldest first."""
        with self._shared.lock:
            found = [
                e for e in self._shared.state.quarantine.values() if entity in (None, e.entity)
            ]
        return sorted(
            found, key=lambda e: e.first_failed or datetime.min.replace(tzinfo=timezone.utc)
        )

    def remove(self, entity: str, external_id: str) -> None:
        """Drop an entry (no error if absent)."""
        with self._shared.lock:
            self._shared.pop(self._shared.state.quarantine, (entity, external_id))


class MemoryLock:
    """Non-blocking named locks for threads of one process."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}
        self._lock = threading.Lock()

    def try_acquire(self, name: str, owner: str) -> bool:
        """Take ``name`` if free (or already ours)."""
        with self._lock:
            holder = self._owners.setdefault(name, owner)
            return holder == owner

    def release(self, name: str, owner: str) -> None:
        """Give ``name`` back if we hold it."""
        with self._lock:
            if self._owners.get(name) == owner:
                del self._owners[name]


class MemoryWebhookReceipts:
    """Keys of the webhook deliveries processed so far."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared

    def has_seen(self, payload_hash: str) -> bool:
        """Whether ``payload_hash`` was recorded."""
        with self._shared.lock:
            return payload_hash in self._shared.state.receipts

    def record(self, payload_hash: str) -> None:
        """Remember ``payload_hash``."""
        with self._shared.lock:
            self._shared.put(self._shared.state.receipts, payload_hash, True)


class MemoryOrderChanges:
    """Keeps every store-side order change applied, in order (for tests and hosts' tests).

    Written through the shared state, so a change applied in a unit of work that rolls back
    is gone with it, as in a database.
    """

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._applied: dict[int, tuple[str, OrderChange]] = {}

    def apply(self, local_id: str, change: OrderChange) -> None:
        """Record ``change`` against the ERP order ``local_id``."""
        with self._shared.lock:
            self._shared.put(self._applied, len(self._applied), (local_id, change))

    def applied(self) -> list[tuple[str, OrderChange]]:
        """Every ``(local id, change)`` applied so far, oldest first."""
        with self._shared.lock:
            return [self._applied[index] for index in sorted(self._applied)]


class MemoryNotifier:
    """Collects notifications in a list."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def notify(self, notification: Notification) -> None:
        """Keep ``notification``."""
        self.notifications.append(notification)


class AllowListAccessPolicy:
    """Employees granted access may do everything; nobody else may do anything."""

    def __init__(self, employees: Sequence[str] = ()) -> None:
        self.employees = set(employees)

    def may_use_store(self, employee: str, action: str) -> bool:
        """Whether ``employee`` was granted access."""
        return employee in self.employees


class MemoryErp:
    """Every in-memory adapter over one shared state: a whole fake ERP in one object."""

    def __init__(self, items: Sequence[ItemRef] = ()) -> None:
        shared = _Shared()
        self.unit_of_work = MemoryUnitOfWork(shared)
        self.bindings = MemoryBindings(shared)
        self.customers = MemoryCustomers(shared)
        self.sales_orders = MemorySalesOrders(shared)
        self.items = MemoryItems(items)
        self.sync_state = MemorySyncState(shared)
        self.quarantine = MemoryQuarantine(shared)
        self.lock = MemoryLock()
        self.webhook_receipts = MemoryWebhookReceipts(shared)
        self.order_changes = MemoryOrderChanges(shared)
        self.notifier = MemoryNotifier()
        self.item_source = MemoryItemSource(shared)
        self.item_repository = self.item_source  # the item import writes the same items
        self.stock = MemoryStockSource(shared, self.item_source)
        self.contacts = MemoryContacts(shared)
        self.price_levels = MemoryPriceLevels()
        self.shipment_source = MemoryShipmentSource(shared)


# -- export-side sources --------------------------------------------------------------------


class MemoryItemSource:
    """ERP items to export, each with the time it last changed."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._items: dict[str, tuple[ErpItem, datetime]] = {}
        self._variant_ids: dict[str, int | None] = {}

    def put(self, local_id: str, item: ErpItem, *, modified: datetime | None = None) -> None:
        """Add or replace an item (``modified`` defaults to now)."""
        when = modified or datetime.now(timezone.utc)
        with self._shared.lock:
            self._shared.put(self._items, local_id, (item, when))

    def changed_since(self, marker: datetime | None) -> Sequence[LocalItem]:
        """Items changed after ``marker`` (all when None), ordered by local id."""
        with self._shared.lock:
            return [
                LocalItem(local_id=local_id, item=item)
                for local_id, (item, when) in sorted(self._items.items())
                if marker is None or when > marker
            ]

    def get(self, local_ids: Sequence[str]) -> Sequence[LocalItem]:
        """The known items among ``local_ids``, in the order asked."""
        with self._shared.lock:
            return [
                LocalItem(local_id=local_id, item=self._items[local_id][0])
                for local_id in local_ids
                if local_id in self._items
            ]

    def set_quantity(self, local_id: str, quantity: int) -> None:
        """Change an item's stock on hand (as a sale or a receipt in the ERP would)."""
        with self._shared.lock:
            item, when = self._items[local_id]
            changed = attrs.evolve(item, quantity_on_hand=Decimal(quantity))
            self._shared.put(self._items, local_id, (changed, when))

    # -- ItemRepository (the item import) and ItemIdSink -------------------------------------

    def find_by_sku(self, sku: str) -> Sequence[LocalItem]:
        """Items whose SKU (item code, ``-variant code`` when set) is ``sku``, oldest first."""
        if not sku.strip():
            return []
        with self._shared.lock:
            found = [
                (when, local_id, item)
                for local_id, (item, when) in self._items.items()
                if item_sku(item) == sku
            ]
        return [LocalItem(local_id=local_id, item=item) for _, local_id, item in sorted(found)]

    def create(self, item: ErpItem) -> str:
        """Store a new item (changed now); return its local id ``I1``, ``I2`` ..."""
        with self._shared.lock:
            local_id = self._shared.next_id("I")
            self.put(local_id, item)
            return local_id

    def update(self, local_id: str, item: ErpItem, *, fields: frozenset[str]) -> None:
        """Change ``fields`` of a stored item, keeping the others (the item changed now)."""
        with self._shared.lock:
            if local_id not in self._items:
                raise KeyError(f"no item {local_id}")
            self.put(local_id, _merge(self._items[local_id][0], item, fields))

    def item_linked(self, local_id: str, product_id: int, variant_id: int | None) -> None:
        """Fill in the store ids: the product id on the item, the variant id beside it.

        The item's modified time stays: its own id is not a change to export.
        """
        with self._shared.lock:
            if local_id not in self._items:
                return  # an item the host handed the exporter directly
            item, when = self._items[local_id]
            linked = attrs.evolve(item, external_id=product_id)
            self._shared.put(self._items, local_id, (linked, when))
            self._shared.put(self._variant_ids, local_id, variant_id)

    def store_ids(self, local_id: str) -> tuple[int | None, int | None]:
        """The product and variant id written back on an item (for hosts and tests)."""
        with self._shared.lock:
            item = self._items.get(local_id)
            product_id = None if item is None else item[0].external_id
            return product_id, self._variant_ids.get(local_id)


class MemoryStockSource:
    """Stock read from the item source's ``quantity_on_hand``; pushed markers per location.

    Each item becomes a level through ``mapping`` (``automatic:inventory`` when None): it
    picks the SKU, whole quantity and location the push sends.
    """

    def __init__(
        self, shared: _Shared, items: MemoryItemSource, *, mapping: CompiledMapping | None = None
    ) -> None:
        self.mapping = mapping
        self._shared = shared
        self._items = items
        self._pushed: dict[tuple[str, int], tuple[int, datetime]] = {}

    def stock_snapshot(self, local_ids: Sequence[str] | None = None) -> Sequence[StockLevel]:
        """Every item with a known stock (or only ``local_ids``), read now."""
        found = self._items.changed_since(None) if local_ids is None else self._items.get(local_ids)
        return stock_levels(found, self.mapping)

    def stock_pushed(self, local_id: str, location_id: int) -> int | None:
        """The quantity last pushed, or None."""
        with self._shared.lock:
            pushed = self._pushed.get((local_id, location_id))
        return None if pushed is None else pushed[0]

    def mark_stock_pushed(self, levels: Sequence[StockLevel], at: datetime) -> None:
        """Remember the pushed quantities."""
        with self._shared.lock:
            for level in levels:
                key = (level.local_id, level.location_id)
                self._shared.put(self._pushed, key, (level.quantity, at))

    def pushed_at(self, local_id: str, location_id: int = 1) -> datetime | None:
        """When the item's stock was last pushed (for tests)."""
        with self._shared.lock:
            pushed = self._pushed.get((local_id, location_id))
        return None if pushed is None else pushed[1]


class MemoryContacts:
    """ERP contacts for the B2B export."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._contacts: dict[str, ErpContact] = {}

    def put(self, local_id: str, contact: ErpContact) -> None:
        """Add or replace a contact."""
        with self._shared.lock:
            self._shared.put(self._contacts, local_id, contact)

    def contacts(self, local_ids: Sequence[str] | None = None) -> Sequence[LocalContact]:
        """The contacts asked for (all, by local id, when None)."""
        with self._shared.lock:
            wanted = sorted(self._contacts) if local_ids is None else list(local_ids)
            return [
                LocalContact(local_id=local_id, contact=self._contacts[local_id])
                for local_id in wanted
                if local_id in self._contacts
            ]

    def contact_linked(self, local_id: str, customer_id: int) -> None:
        """Fill in the store customer id on the contact (the B2B button's "ID")."""
        with self._shared.lock:
            contact = self._contacts.get(local_id)
            if contact is not None:
                linked = attrs.evolve(contact, external_id=customer_id)
                self._shared.put(self._contacts, local_id, linked)


class MemoryPriceLevels:
    """Price levels and their prices, set by the host (or a test)."""

    def __init__(self) -> None:
        self._levels: dict[str, list[LevelPrice]] = {}

    def set_prices(self, level: str, prices: Sequence[LevelPrice]) -> None:
        """Replace a level's prices."""
        self._levels[level] = list(prices)

    def price_levels(self) -> Sequence[str]:
        """Every level name, sorted."""
        return sorted(self._levels)

    def prices(self, level: str) -> Sequence[LevelPrice]:
        """A level's prices (empty if unknown)."""
        return list(self._levels.get(level, []))


class MemoryShipmentSource:
    """The ERP's shipments, in the order first put, with the store ids they were given."""

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._shipments: dict[str, ErpShipment] = {}
        self._store_ids: dict[str, tuple[int, int]] = {}

    def put(self, shipment: ErpShipment) -> None:
        """Add or replace a shipment (a replaced one keeps its place)."""
        with self._shared.lock:
            self._shared.put(self._shipments, shipment.local_id, shipment)

    def shipments(self, local_ids: Sequence[str] | None = None) -> Sequence[ErpShipment]:
        """The shipments asked for (all, in the order first put, when None)."""
        with self._shared.lock:
            wanted = list(self._shipments) if local_ids is None else list(local_ids)
            return [self._shipments[key] for key in wanted if key in self._shipments]

    def shipment_linked(self, local_id: str, order_id: int, shipment_id: int) -> None:
        """Remember the store order and shipment made from the shipment (in the transaction)."""
        with self._shared.lock:
            self._shared.put(self._store_ids, local_id, (order_id, shipment_id))

    def store_ids(self, local_id: str) -> tuple[int, int] | None:
        """The store order id and shipment id of an exported shipment (for tests)."""
        with self._shared.lock:
            return self._store_ids.get(local_id)
