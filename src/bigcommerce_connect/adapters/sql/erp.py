"""The ports of an ERP kept in SQL tables: what ``SqliteErp`` and ``PostgresErp`` share."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from typing_extensions import Self

from bigcommerce_connect.adapters.sql.database import SqlDatabase
from bigcommerce_connect.adapters.sql.repositories import (
    Now,
    SqlBindings,
    SqlCustomers,
    SqlItems,
    SqlNotifier,
    SqlQuarantine,
    SqlSalesOrders,
    SqlSyncState,
    SqlUnitOfWork,
    SqlWebhookReceipts,
)
from bigcommerce_connect.adapters.sql.shipments import SqlShipmentSource
from bigcommerce_connect.adapters.sql.sources import (
    SqlContacts,
    SqlItemSource,
    SqlPriceLevels,
    SqlStockSource,
)
from bigcommerce_connect.ports import ItemRef, StoreLock

__all__ = ["SqlPorts"]


class SqlPorts:
    """Every port over one :class:`SqlDatabase`, as the attributes ``MemoryErp`` has.

    The engine's ERP class opens the database and brings its store lock; the rest is here.
    A context manager: leaving the ``with`` closes the database.
    """

    def __init__(
        self, db: SqlDatabase, *, lock: StoreLock, now: Now, items: Sequence[ItemRef] = ()
    ) -> None:
        self._sql = db
        self.unit_of_work = SqlUnitOfWork(db)
        self.bindings = SqlBindings(db)
        self.customers = SqlCustomers(db)
        self.sales_orders = SqlSalesOrders(db)
        self.items = SqlItems(db)
        self.sync_state = SqlSyncState(db)
        self.quarantine = SqlQuarantine(db)
        self.lock = lock
        self.webhook_receipts = SqlWebhookReceipts(db, now)
        self.notifier = SqlNotifier(db, now)
        self.item_source = SqlItemSource(db, now)
        self.item_repository = self.item_source  # the item import writes the same items
        self.stock = SqlStockSource(db, self.item_source)
        self.contacts = SqlContacts(db)
        self.price_levels = SqlPriceLevels(db)
        self.shipment_source = SqlShipmentSource(db)
        if items:
            self.items.add_all(items)

    def close(self) -> None:
        """Close the database connection; the ports fail after this."""
        self._sql.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
