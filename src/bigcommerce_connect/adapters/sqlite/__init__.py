"""SQLite storage for every port: the embedded default for small real users.

:class:`SqliteErp` keeps bindings, customers, sales orders, items, cursors, the quarantine,
locks, webhook receipts and notifications - and, for the exporters, export items, stock
markers, contacts, price levels and shipments - in one SQLite file (standard library
``sqlite3``)::

    with SqliteErp("erp.db", items=catalogue) as erp:
        ports = ErpPorts.from_erp(erp, mappings=mappings, clock=SystemClock())
        StoreImporter(client, settings, ports).import_orders()

* The schema is created on first use and migrated forward on open
  (:mod:`~bigcommerce_connect.adapters.sqlite.schema`); a file from a newer SDK is refused
  with :class:`SchemaVersionError`.
* WAL journal, ``busy_timeout`` (another process's write waits instead of failing),
  ``foreign_keys=ON``.
* The unit of work is a ``BEGIN IMMEDIATE`` transaction; nested blocks join it.
* One connection per :class:`SqliteErp`, shared by its threads under a re-entrant lock (see
  :mod:`~bigcommerce_connect.adapters.sqlite.connection`); open one ``SqliteErp`` per process.
* The store lock is a leased row, exclusive across threads and processes
  (:mod:`~bigcommerce_connect.adapters.sqlite.lock`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import timedelta

from bigcommerce_connect.adapters.sql import (
    SqlBindings,
    SqlContacts,
    SqlCustomers,
    SqlItems,
    SqlItemSource,
    SqlNotifier,
    SqlPorts,
    SqlPriceLevels,
    SqlQuarantine,
    SqlSalesOrders,
    SqlShipmentSource,
    SqlStockSource,
    SqlSyncState,
    SqlUnitOfWork,
    SqlWebhookReceipts,
)
from bigcommerce_connect.adapters.sqlite.connection import Database
from bigcommerce_connect.adapters.sqlite.lock import DEFAULT_LEASE, SqliteLock
from bigcommerce_connect.adapters.sqlite.schema import SCHEMA_VERSION, SchemaVersionError
from bigcommerce_connect.clock import Clock, SystemClock
from bigcommerce_connect.ports import ItemRef

__all__ = [
    "DEFAULT_LEASE",
    "SCHEMA_VERSION",
    "SchemaVersionError",
    "SqliteBindings",
    "SqliteContacts",
    "SqliteCustomers",
    "SqliteErp",
    "SqliteItemSource",
    "SqliteItems",
    "SqliteLock",
    "SqliteNotifier",
    "SqlitePriceLevels",
    "SqliteQuarantine",
    "SqliteSalesOrders",
    "SqliteShipmentSource",
    "SqliteStockSource",
    "SqliteSyncState",
    "SqliteUnitOfWork",
    "SqliteWebhookReceipts",
]

# The ports are the shared SQL repositories (adapters.sql); these names are kept for hosts
# that imported them from here.
SqliteBindings = SqlBindings
SqliteContacts = SqlContacts
SqliteCustomers = SqlCustomers
SqliteItemSource = SqlItemSource
SqliteItems = SqlItems
SqliteNotifier = SqlNotifier
SqlitePriceLevels = SqlPriceLevels
SqliteQuarantine = SqlQuarantine
SqliteSalesOrders = SqlSalesOrders
SqliteShipmentSource = SqlShipmentSource
SqliteStockSource = SqlStockSource
SqliteSyncState = SqlSyncState
SqliteUnitOfWork = SqlUnitOfWork
SqliteWebhookReceipts = SqlWebhookReceipts


class SqliteErp(SqlPorts):
    """Every port over one SQLite file: the same attributes as ``MemoryErp``.

    Args:
        path: the database file (created with its schema if missing), or ``":memory:"``.
        items: ERP items to add to the ``items`` table (upserted by local id, so passing the
            same catalogue on every open is harmless).
        lock_lease: how long a store lock holds before another owner may take it over.
        busy_timeout: seconds a write waits for another process's transaction.
        clock: the time for lock leases and timestamps, including an export item's modified
            time when ``item_source.put`` is given none (the system clock by default).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        items: Sequence[ItemRef] = (),
        lock_lease: timedelta = DEFAULT_LEASE,
        busy_timeout: float = 30.0,
        clock: Clock | None = None,
    ) -> None:
        if lock_lease <= timedelta(0):
            raise ValueError("a lock lease must be positive")
        now = (clock if clock is not None else SystemClock()).now
        self.database = Database(path, busy_timeout=busy_timeout)
        db = self.database
        super().__init__(
            self.database, lock=SqliteLock(db, now, lease=lock_lease), now=now, items=items
        )

    @property
    def path(self) -> str:
        """The database file."""
        return self.database.path
