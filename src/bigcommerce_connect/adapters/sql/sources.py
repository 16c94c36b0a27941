"""The export-side ports of the SQL adapters (SQLite, PostgreSQL).

What the exporters read (items, stock, contacts, price levels) and the stock markers the
inventory push writes, over the same
:class:`~bigcommerce_connect.adapters.sql.database.SqlDatabase` as the import-side
repositories. Each class has the host-side fill methods of its in-memory
twin in :mod:`~bigcommerce_connect.adapters.memory` (``put``, ``set_quantity``,
``set_prices``...), with the same meaning, so a host or a test can switch between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

import attrs

from bigcommerce_connect.adapters.sql.codec import (
    dump_record,
    load_money,
    load_record,
    money_text,
    parse_time,
    utc_text,
)
from bigcommerce_connect.adapters.sql.database import Row, SqlDatabase
from bigcommerce_connect.adapters.stock import stock_levels
from bigcommerce_connect.mapping import CompiledMapping
from bigcommerce_connect.ports import LevelPrice, LocalContact, LocalItem, StockLevel
from bigcommerce_connect.records import ErpContact, ErpItem, item_sku
from bigcommerce_connect.values import parse_money

__all__ = ["SqlContacts", "SqlItemSource", "SqlPriceLevels", "SqlStockSource"]

Now = Callable[[], datetime]

# Older SQLite builds allow 999 parameters a statement; stay well below.
_IDS_PER_QUERY = 500


def by_ids(db: SqlDatabase, sql: str, local_ids: Sequence[str]) -> dict[str, Row]:
    """Rows whose first column is one of ``local_ids``, keyed by it.

    ``sql`` ends with ``IN ({})``, filled with one placeholder per id of a chunk.
    """
    found: dict[str, Row] = {}
    unique = list(dict.fromkeys(local_ids))
    for start in range(0, len(unique), _IDS_PER_QUERY):
        chunk = unique[start : start + _IDS_PER_QUERY]
        placeholders = ", ".join("?" * len(chunk))
        for row in db.all(sql.format(placeholders), chunk):
            found[row[0]] = row
    return found


class SqlItemSource:
    """ERP items to export as JSON documents, each with the UTC time it last changed."""

    def __init__(self, db: SqlDatabase, now: Now) -> None:
        self._db = db
        self._now = now

    def put(self, local_id: str, item: ErpItem, *, modified: datetime | None = None) -> None:
        """Add or replace an item (``modified``, timezone-aware, defaults to now)."""
        when = modified if modified is not None else self._now()
        self._db.execute(
            "INSERT INTO export_items (local_id, record, modified, sku) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (local_id) DO UPDATE SET record = excluded.record, "
            "modified = excluded.modified, sku = excluded.sku",
            (local_id, dump_record(item), utc_text(when), item_sku(item)),
        )

    def changed_since(self, marker: datetime | None) -> Sequence[LocalItem]:
        """Items changed after ``marker`` (all when None), ordered by local id."""
        if marker is None:
            rows = self._db.all("SELECT local_id, record FROM export_items ORDER BY local_id")
        else:
            # Both sides are fixed-width UTC text: text order is time order.
            rows = self._db.all(
                "SELECT local_id, record FROM export_items WHERE modified > ? ORDER BY local_id",
                (utc_text(marker),),
            )
        return [
            LocalItem(local_id=local_id, item=load_record(text, ErpItem)) for local_id, text in rows
        ]

    def get(self, local_ids: Sequence[str]) -> Sequence[LocalItem]:
        """The known items among ``local_ids``, in the order asked."""
        found = by_ids(
            self._db, "SELECT local_id, record FROM export_items WHERE local_id IN ({})", local_ids
        )
        return [
            LocalItem(local_id=local_id, item=load_record(found[local_id][1], ErpItem))
            for local_id in local_ids
            if local_id in found
        ]

    def set_quantity(self, local_id: str, quantity: int) -> None:
        """Change an item's stock on hand (as a sale or a receipt in the ERP would).

        The item's modified time stays: a stock change is not a product change, and the
        inventory push finds it through its per-item markers. KeyError for an unknown item.
        """
        with self._db.transaction():
            row = self._db.one("SELECT record FROM export_items WHERE local_id = ?", (local_id,))
            if row is None:
                raise KeyError(f"no export item {local_id}")
            item = attrs.evolve(load_record(row[0], ErpItem), quantity_on_hand=Decimal(quantity))
            self._db.execute(
                "UPDATE export_items SET record = ? WHERE local_id = ?",
                (dump_record(item), local_id),
            )

    # -- ItemRepository (the item import) and ItemIdSink -------------------------------------

    def find_by_sku(self, sku: str) -> Sequence[LocalItem]:
        """Items whose SKU (item code, ``-variant code`` when set) is ``sku``, oldest first."""
        if not sku.strip():
            return []
        rows = self._db.all(
            "SELECT local_id, record FROM export_items WHERE sku = ? ORDER BY rowid", (sku,)
        )
        return [
            LocalItem(local_id=local_id, item=load_record(text, ErpItem)) for local_id, text in rows
        ]

    def create(self, item: ErpItem) -> str:
        """Store a new item (changed now); return its local id ``I<n>``."""
        with self._db.transaction():
            row = self._db.one("SELECT COALESCE(MAX(rowid), 0) FROM export_items")
            number = int(row[0]) + 1 if row is not None else 1
            # A host's own ids may look like ours: step past any taken one.
            while self._db.one("SELECT 1 FROM export_items WHERE local_id = ?", (f"I{number}",)):
                number += 1
            self.put(f"I{number}", item)
        return f"I{number}"

    def update(self, local_id: str, item: ErpItem, *, fields: frozenset[str]) -> None:
        """Change ``fields`` of a stored item, keeping the others (the item changed now)."""
        with self._db.transaction():
            row = self._db.one("SELECT record FROM export_items WHERE local_id = ?", (local_id,))
            if row is None:
                raise KeyError(f"no item {local_id}")
            stored = load_record(row[0], ErpItem)
            merged = attrs.evolve(stored, **{name: getattr(item, name) for name in fields})
            self.put(local_id, merged)

    def item_linked(self, local_id: str, product_id: int, variant_id: int | None) -> None:
        """Fill in the store ids: the product id on the record, the variant id beside it.

        The item's modified time stays: its own id is not a change to export.
        """
        with self._db.transaction():
            row = self._db.one("SELECT record FROM export_items WHERE local_id = ?", (local_id,))
            if row is None:
                return  # an item the host handed the exporter directly
            linked = attrs.evolve(load_record(row[0], ErpItem), external_id=product_id)
            self._db.execute(
                "UPDATE export_items SET record = ?, variant_id = ? WHERE local_id = ?",
                (dump_record(linked), variant_id, local_id),
            )

    def store_ids(self, local_id: str) -> tuple[int | None, int | None]:
        """The product and variant id written back on an item (for hosts and tests)."""
        row = self._db.one(
            "SELECT record, variant_id FROM export_items WHERE local_id = ?", (local_id,)
        )
        if row is None:
            return None, None
        return load_record(row[0], ErpItem).external_id, row[1]


class SqlStockSource:
    """Stock read from the item source's ``quantity_on_hand``; pushed markers per location.

    Each item becomes a level through ``mapping`` (``automatic:inventory`` when None): it
    picks the SKU, whole quantity and location the push sends.
    """

    def __init__(
        self, db: SqlDatabase, items: SqlItemSource, *, mapping: CompiledMapping | None = None
    ) -> None:
        self.mapping = mapping
        self._db = db
        self._items = items

    def stock_snapshot(self, local_ids: Sequence[str] | None = None) -> Sequence[StockLevel]:
        """Every item with a known stock (or only ``local_ids``), read now."""
        found = self._items.changed_since(None) if local_ids is None else self._items.get(local_ids)
        return stock_levels(found, self.mapping)

    def stock_pushed(self, local_id: str, location_id: int) -> int | None:
        """The quantity last pushed, or None."""
        row = self._db.one(
            "SELECT quantity FROM stock_pushes WHERE local_id = ? AND location_id = ?",
            (local_id, location_id),
        )
        return None if row is None else int(row[0])

    def mark_stock_pushed(self, levels: Sequence[StockLevel], at: datetime) -> None:
        """Remember the pushed quantities, all or none."""
        pushed_at = utc_text(at)
        with self._db.transaction():
            for level in levels:
                self._db.execute(
                    "INSERT INTO stock_pushes (local_id, location_id, quantity, pushed_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (local_id, location_id) DO UPDATE SET "
                    "quantity = excluded.quantity, pushed_at = excluded.pushed_at",
                    (level.local_id, level.location_id, level.quantity, pushed_at),
                )

    def pushed_at(self, local_id: str, location_id: int = 1) -> datetime | None:
        """When the item's stock was last pushed (for tests), in UTC."""
        row = self._db.one(
            "SELECT pushed_at FROM stock_pushes WHERE local_id = ? AND location_id = ?",
            (local_id, location_id),
        )
        return None if row is None else parse_time(row[0])


class SqlContacts:
    """ERP contacts for the B2B export, as JSON documents."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def put(self, local_id: str, contact: ErpContact) -> None:
        """Add or replace a contact."""
        self._db.execute(
            "INSERT INTO contacts (local_id, record) VALUES (?, ?) "
            "ON CONFLICT (local_id) DO UPDATE SET record = excluded.record",
            (local_id, dump_record(contact)),
        )

    def contacts(self, local_ids: Sequence[str] | None = None) -> Sequence[LocalContact]:
        """The contacts asked for (all, by local id, when None); unknown ids are left out."""
        if local_ids is None:
            rows = self._db.all("SELECT local_id, record FROM contacts ORDER BY local_id")
            return list(self._contacts(rows))
        found = by_ids(
            self._db, "SELECT local_id, record FROM contacts WHERE local_id IN ({})", local_ids
        )
        return list(self._contacts(found[i] for i in local_ids if i in found))

    def contact_linked(self, local_id: str, customer_id: int) -> None:
        """Fill in the store customer id on the contact (the B2B button's "ID")."""
        with self._db.transaction():
            row = self._db.one("SELECT record FROM contacts WHERE local_id = ?", (local_id,))
            if row is not None:
                linked = attrs.evolve(load_record(row[0], ErpContact), external_id=customer_id)
                self._db.execute(
                    "UPDATE contacts SET record = ? WHERE local_id = ?",
                    (dump_record(linked), local_id),
                )

    @staticmethod
    def _contacts(rows: Iterable[Row]) -> Iterator[LocalContact]:
        for local_id, text in rows:
            yield LocalContact(local_id=local_id, contact=load_record(text, ErpContact))


class SqlPriceLevels:
    """Price levels and their prices, set by the host (or a test); prices keep their order."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def set_prices(self, level: str, prices: Sequence[LevelPrice]) -> None:
        """Replace a level's prices (creating the level; an empty list keeps it, priceless)."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO price_levels (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                (level,),
            )
            self._db.execute("DELETE FROM level_prices WHERE level = ?", (level,))
            for position, price in enumerate(prices):
                self._db.execute(
                    "INSERT INTO level_prices "
                    "(level, position, sku, price, currency, sale_price) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        level,
                        position,
                        price.sku,
                        money_text(price.price),
                        price.currency,
                        money_text(price.sale_price),
                    ),
                )

    def price_levels(self) -> Sequence[str]:
        """Every level name, sorted."""
        return [name for (name,) in self._db.all("SELECT name FROM price_levels ORDER BY name")]

    def prices(self, level: str) -> Sequence[LevelPrice]:
        """A level's prices in the order they were set (empty if unknown)."""
        rows = self._db.all(
            "SELECT sku, price, currency, sale_price FROM level_prices WHERE level = ? "
            "ORDER BY position",
            (level,),
        )
        return [
            LevelPrice(
                sku=sku,
                price=parse_money(price),
                currency=currency,
                sale_price=load_money(sale_price),
            )
            for sku, price, currency, sale_price in rows
        ]
