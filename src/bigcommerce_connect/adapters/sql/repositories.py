"""The import-side repositories of the SQL adapters (SQLite, PostgreSQL), one per port.

Every class works on the ERP's shared
:class:`~bigcommerce_connect.adapters.sql.database.SqlDatabase`; a method that reads before it
writes runs in a transaction (joining the caller's, if any), so it is atomic even outside the
importer's unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

import attrs

from bigcommerce_connect.adapters.sql.codec import (
    dump_json,
    dump_record,
    load_mapping,
    load_money,
    load_record,
    money_text,
    parse_time,
    text_key,
    time_text,
    utc_text,
)
from bigcommerce_connect.adapters.sql.database import Row, SqlDatabase
from bigcommerce_connect.notifications import Notification, NotificationKind
from bigcommerce_connect.ports import (
    Binding,
    BindingConflictError,
    ItemRef,
    LocalCustomer,
    QuarantineEntry,
)
from bigcommerce_connect.records import ErpCustomer, ErpSalesOrder

__all__ = [
    "SqlBindings",
    "SqlCustomers",
    "SqlItems",
    "SqlNotifier",
    "SqlQuarantine",
    "SqlSalesOrders",
    "SqlSyncState",
    "SqlUnitOfWork",
    "SqlWebhookReceipts",
]

R = TypeVar("R")
Now = Callable[[], datetime]


def _merge(stored: R, incoming: R, fields: frozenset[str]) -> R:
    """``stored`` with the named fields taken from ``incoming``."""
    return attrs.evolve(stored, **{name: getattr(incoming, name) for name in fields})  # type: ignore[misc]


def _email_key(email: str) -> str:
    return text_key(email)


class SqlUnitOfWork:
    """A transaction over every repository of one SQL ERP."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def transaction(self) -> AbstractContextManager[None]:
        """The database's transaction, rolled back if the block raises; nests."""
        return self._db.transaction()


class SqlBindings:
    """Bindings, unique both ways per entity (enforced by the table's keys)."""

    _COLUMNS = "entity, external_id, local_id, external_modified, synced_at, data"

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def get(self, entity: str, external_id: str) -> Binding | None:
        """The binding of a store record, if any."""
        row = self._db.one(
            f"SELECT {self._COLUMNS} FROM bindings WHERE entity = ? AND external_id = ?",  # noqa: S608
            (entity, external_id),
        )
        return None if row is None else self._binding(row)

    def get_by_local(self, entity: str, local_id: str) -> Binding | None:
        """The binding of an ERP record, if any."""
        row = self._db.one(
            f"SELECT {self._COLUMNS} FROM bindings WHERE entity = ? AND local_id = ?",  # noqa: S608
            (entity, local_id),
        )
        return None if row is None else self._binding(row)

    def bind(self, binding: Binding) -> None:
        """Create a binding, or update the same pair; a clash raises BindingConflictError."""
        try:
            with self._db.savepoint():
                changed = self._db.execute(
                    f"INSERT INTO bindings ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "  # noqa: S608
                    "ON CONFLICT (entity, external_id) DO UPDATE SET "
                    "external_modified = excluded.external_modified, "
                    "synced_at = excluded.synced_at, data = excluded.data "
                    "WHERE bindings.local_id = excluded.local_id",
                    (
                        binding.entity,
                        binding.external_id,
                        binding.local_id,
                        time_text(binding.external_modified),
                        time_text(binding.synced_at),
                        dump_json(dict(binding.data)),
                    ),
                )
        except self._db.integrity_errors as error:  # UNIQUE (entity, local_id)
            raise BindingConflictError(
                f"local {binding.entity} {binding.local_id} is already bound"
            ) from error
        if changed == 0:  # the external id is bound to another local id
            raise BindingConflictError(f"{binding.entity} {binding.external_id} is already bound")

    def all(self, entity: str) -> list[Binding]:
        """Every binding of one entity (for tests and tools)."""
        rows = self._db.all(
            f"SELECT {self._COLUMNS} FROM bindings WHERE entity = ? ORDER BY rowid",  # noqa: S608
            (entity,),
        )
        return [self._binding(row) for row in rows]

    @staticmethod
    def _binding(row: Row) -> Binding:
        entity, external_id, local_id, modified, synced, data = row
        return Binding(
            entity=entity,
            external_id=external_id,
            local_id=local_id,
            external_modified=parse_time(modified),
            synced_at=parse_time(synced),
            data=load_mapping(data),
        )


def _row_id(local_id: str, prefix: str) -> int | None:
    """The table id inside a local id like ``C12``; None if it is not one of ours."""
    digits = local_id[len(prefix) :]
    if not local_id.startswith(prefix) or not digits.isdigit():
        return None
    return int(digits)


class SqlCustomers:
    """ERP customers as JSON documents, local ids ``C1``, ``C2`` ... from the row id."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def find_by_email(self, email: str) -> Sequence[LocalCustomer]:
        """Customers whose e-mail matches, ignoring case; oldest first."""
        return self._find("email_key", _email_key(email))

    def find_by_lookup(self, value: str) -> Sequence[LocalCustomer]:
        """Customers whose customer code is ``value``, ignoring case and spaces; oldest first."""
        return self._find("code_key", text_key(value))

    def _find(self, column: str, wanted: str) -> Sequence[LocalCustomer]:
        if not wanted:
            return []
        rows = self._db.all(
            f"SELECT id, record FROM customers WHERE {column} = ? ORDER BY id",  # noqa: S608
            (wanted,),
        )
        found = []
        for row_id, text in rows:
            customer = load_record(text, ErpCustomer)
            found.append(
                LocalCustomer(
                    local_id=f"C{row_id}",
                    email=customer.email,
                    name=customer.customer_listing,
                    price_level=customer.price_level,
                )
            )
        return found

    def create(self, customer: ErpCustomer) -> str:
        """Store a new customer; return its local id."""
        row_id = self._db.insert(
            "INSERT INTO customers (email_key, code_key, record) VALUES (?, ?, ?)",
            (_email_key(customer.email), text_key(customer.customer_code), dump_record(customer)),
        )
        return f"C{row_id}"

    def update(self, local_id: str, customer: ErpCustomer, *, fields: frozenset[str]) -> None:
        """Change ``fields`` of a stored customer, keeping the others (read, merge, write)."""
        with self._db.transaction():
            merged = _merge(self.get(local_id), customer, fields)
            self._db.execute(
                "UPDATE customers SET email_key = ?, code_key = ?, record = ? WHERE id = ?",
                (
                    _email_key(merged.email),
                    text_key(merged.customer_code),
                    dump_record(merged),
                    _row_id(local_id, "C"),
                ),
            )

    def get(self, local_id: str) -> ErpCustomer:
        """One customer; KeyError if there is none."""
        row = self._db.one("SELECT record FROM customers WHERE id = ?", (_row_id(local_id, "C"),))
        if row is None:
            raise KeyError(f"no customer {local_id}")
        return load_record(row[0], ErpCustomer)

    def all(self) -> dict[str, ErpCustomer]:
        """Every customer by local id."""
        rows = self._db.all("SELECT id, record FROM customers ORDER BY id")
        return {f"C{row_id}": load_record(text, ErpCustomer) for row_id, text in rows}


class SqlSalesOrders:
    """ERP sales orders as JSON documents, local ids ``SO1``, ``SO2`` ... from the row id."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def create(self, order: ErpSalesOrder, *, customer_id: str) -> str:
        """Store a new order for ``customer_id``; return its local id."""
        row_id = self._db.insert(
            "INSERT INTO sales_orders (customer_id, external_ref, record) VALUES (?, ?, ?)",
            (customer_id, order.external_ref, dump_record(order)),
        )
        return f"SO{row_id}"

    def update(
        self, local_id: str, order: ErpSalesOrder, *, customer_id: str, fields: frozenset[str]
    ) -> None:
        """Change ``fields`` of a stored order (and its customer), keeping the others."""
        with self._db.transaction():
            stored, _ = self.get(local_id)
            merged = _merge(stored, order, fields)
            self._db.execute(
                "UPDATE sales_orders SET customer_id = ?, external_ref = ?, record = ? "
                "WHERE id = ?",
                (customer_id, merged.external_ref, dump_record(merged), _row_id(local_id, "SO")),
            )

    def get(self, local_id: str) -> tuple[ErpSalesOrder, str]:
        """One order and its customer id; KeyError if there is none."""
        row = self._db.one(
            "SELECT record, customer_id FROM sales_orders WHERE id = ?",
            (_row_id(local_id, "SO"),),
        )
        if row is None:
            raise KeyError(f"no sales order {local_id}")
        return load_record(row[0], ErpSalesOrder), row[1]

    def all(self) -> dict[str, tuple[ErpSalesOrder, str]]:
        """Every order and its customer id, by local id."""
        rows = self._db.all("SELECT id, record, customer_id FROM sales_orders ORDER BY id")
        return {
            f"SO{row_id}": (load_record(text, ErpSalesOrder), customer_id)
            for row_id, text, customer_id in rows
        }


class SqlItems:
    """The item catalogue the host fills; one row per local id, found by SKU variants first."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def add(self, item: ItemRef) -> None:
        """Add an item, or replace the one with the same local id."""
        self._db.execute(
            "INSERT INTO items (local_id, sku, is_variant, available) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (local_id) DO UPDATE SET sku = excluded.sku, "
            "is_variant = excluded.is_variant, available = excluded.available",
            (
                item.local_id,
                item.sku,
                int(item.is_variant),
                money_text(item.available),
            ),
        )

    def add_all(self, items: Sequence[ItemRef]) -> None:
        """Add many items in one transaction."""
        with self._db.transaction():
            for item in items:
                self.add(item)

    def find_by_sku(self, sku: str) -> Sequence[ItemRef]:
        """Every item with this SKU, variants first, then in the order they were added."""
        rows = self._db.all(
            "SELECT local_id, sku, is_variant, available FROM items WHERE sku = ? "
            "ORDER BY is_variant DESC, rowid",
            (sku,),
        )
        return [
            ItemRef(
                local_id=local_id,
                sku=found_sku,
                is_variant=bool(is_variant),
                available=load_money(available),
            )
            for local_id, found_sku, is_variant, available in rows
        ]


class SqlSyncState:
    """Cursors per stream, stored as ISO 8601 UTC text."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def get_cursor(self, stream: str) -> datetime | None:
        """The stream's cursor as an aware UTC datetime, or None."""
        row = self._db.one("SELECT value FROM cursors WHERE stream = ?", (stream,))
        return None if row is None else parse_time(row[0])

    def set_cursor(self, stream: str, value: datetime) -> None:
        """Move the stream's cursor (must be timezone-aware)."""
        if value.tzinfo is None:
            raise ValueError("a cursor must be timezone-aware")
        self._db.execute(
            "INSERT INTO cursors (stream, value) VALUES (?, ?) "
            "ON CONFLICT (stream) DO UPDATE SET value = excluded.value",
            (stream, utc_text(value)),
        )


class SqlQuarantine:
    """Failed records, one row per entity + external id; a re-put counts one more attempt."""

    _COLUMNS = "entity, external_id, code, reason, payload, attempts, first_failed, last_failed"

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def put(self, entry: QuarantineEntry) -> None:
        """Add an entry, or refresh it (keeping when it first failed) and count an attempt."""
        self._db.execute(
            f"INSERT INTO quarantine ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT (entity, external_id) DO UPDATE SET code = excluded.code, "
            "reason = excluded.reason, payload = excluded.payload, "
            "attempts = quarantine.attempts + 1, "
            "first_failed = coalesce(quarantine.first_failed, excluded.first_failed), "
            "last_failed = excluded.last_failed",
            (
                entry.entity,
                entry.external_id,
                entry.code,
                entry.reason,
                # ASCII-escaped: a quarantined payload may hold the very text that failed.
                dump_json(dict(entry.payload), ascii_only=True),
                entry.attempts,
                None if entry.first_failed is None else utc_text(entry.first_failed),
                None if entry.last_failed is None else utc_text(entry.last_failed),
            ),
        )

    def entries(self, entity: str | None = None) -> Sequence[QuarantineEntry]:
        """The entries, oldest first (entries without a time first)."""
        # Fixed-width UTC text sorts in time order; entries without a time first, said
        # explicitly (SQLite sorts NULL first, PostgreSQL last).
        where, parameters = ("", ()) if entity is None else ("WHERE entity = ? ", (entity,))
        rows = self._db.all(
            f"SELECT {self._COLUMNS} FROM quarantine {where}"  # noqa: S608
            "ORDER BY first_failed IS NOT NULL, first_failed, rowid",
            parameters,
        )
        return [self._entry(row) for row in rows]

    def remove(self, entity: str, external_id: str) -> None:
        """Drop an entry (no error if absent)."""
        self._db.execute(
            "DELETE FROM quarantine WHERE entity = ? AND external_id = ?", (entity, external_id)
        )

    @staticmethod
    def _entry(row: Row) -> QuarantineEntry:
        entity, external_id, code, reason, payload, attempts, first, last = row
        return QuarantineEntry(
            entity=entity,
            external_id=external_id,
            code=code,
            reason=reason,
            payload=load_mapping(payload),
            attempts=attempts,
            first_failed=parse_time(first),
            last_failed=parse_time(last),
        )


class SqlWebhookReceipts:
    """Keys of processed webhook deliveries (the ``payload_hash`` column holds the key)."""

    def __init__(self, db: SqlDatabase, now: Now) -> None:
        self._db = db
        self._now = now

    def has_seen(self, payload_hash: str) -> bool:
        """Whether ``payload_hash`` was recorded."""
        row = self._db.one("SELECT 1 FROM webhook_receipts WHERE payload_hash = ?", (payload_hash,))
        return row is not None

    def record(self, payload_hash: str) -> None:
        """Remember ``payload_hash`` (recording it twice is harmless)."""
        self._db.execute(
            "INSERT INTO webhook_receipts (payload_hash, recorded_at) VALUES (?, ?) "
            "ON CONFLICT (payload_hash) DO NOTHING",
            (payload_hash, utc_text(self._now())),
        )


class SqlNotifier:
    """Keeps notifications in a table, for the host (or a demo) to read and forward.

    A notification raised inside a unit of work is part of its transaction: if the import
    rolls back, so does the notification about it (the retry raises it again).
    """

    _COLUMNS = (
        "kind, code, message, recipient, store, entity, external_id, request_id, details, "
        "created_at"
    )

    def __init__(self, db: SqlDatabase, now: Now) -> None:
        self._db = db
        self._now = now

    def notify(self, notification: Notification) -> None:
        """Store ``notification``."""
        n = notification
        self._db.execute(
            f"INSERT INTO notifications ({self._COLUMNS}) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                n.kind.value,
                n.code,
                n.message,
                n.recipient,
                n.store,
                n.entity,
                n.external_id,
                n.request_id,
                dump_json(dict(n.details)),
                utc_text(self._now()),
            ),
        )

    def notifications(self) -> list[Notification]:
        """Every stored notification, oldest first.

        Details come back as JSON gives them: a ``Decimal`` or datetime reads back as text.
        """
        rows = self._db.all(
            f"SELECT {self._COLUMNS} FROM notifications ORDER BY id"  # noqa: S608
        )
        return list(self._notifications(rows))

    @staticmethod
    def _notifications(rows: list[Row]) -> Iterator[Notification]:
        for kind, code, message, recipient, store, entity, external_id, request, details, _ in rows:
            yield Notification(
                kind=NotificationKind(kind),
                code=code,
                message=message,
                recipient=recipient,
                store=store,
                entity=entity,
                external_id=external_id,
                request_id=request,
                details=load_mapping(details),
            )
