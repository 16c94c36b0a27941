"""PostgreSQL storage for every port: many stores, many workers, many machines.

:class:`PostgresErp` is :class:`~bigcommerce_connect.adapters.sqlite.SqliteErp` on a
PostgreSQL server (psycopg 3, the ``postgres`` extra): the same ports, the same shared SQL
repositories (:mod:`~bigcommerce_connect.adapters.sql`), one schema per store::

    with PostgresErp("host=db.internal dbname=erp user=connect", schema="shop_eu") as erp:
        ports = ErpPorts.from_erp(erp, mappings=mappings, clock=SystemClock())
        SyncRunner(client, settings, ports).run_cycle()

* The schema is created and migrated on open (:mod:`.schema`); one written by a newer SDK is
  refused with :class:`~bigcommerce_connect.adapters.sql.database.SchemaVersionError`.
* A unit of work is one transaction holding the schema's advisory lock: one store's units of
  work run one at a time across workers (:mod:`.connection`); other stores are not held up.
* The store lock is a leased row on the database server's clock, with every grant kept
  (:mod:`.lock`): renewal by its owner, takeover only after the lease ran out.
* One connection per ``PostgresErp``: open one per worker process (or per task) and close it.
  The conninfo (it may hold a password) is never shown in a repr or a log line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import timedelta

from bigcommerce_connect.adapters.postgres.connection import PostgresDatabase
from bigcommerce_connect.adapters.postgres.lock import DEFAULT_LEASE, LockGrant, PostgresLock
from bigcommerce_connect.adapters.postgres.schema import SCHEMA_VERSION, migrate
from bigcommerce_connect.adapters.sql import SqlPorts
from bigcommerce_connect.clock import Clock, SystemClock
from bigcommerce_connect.ports import ItemRef

__all__ = [
    "DEFAULT_LEASE",
    "SCHEMA_VERSION",
    "LockGrant",
    "PostgresDatabase",
    "PostgresErp",
    "PostgresLock",
    "schema_for",
]


def schema_for(store_id: str) -> str:
    """A schema name for a store id: readable, valid, and different for different ids.

    ``"Shop-EU"`` becomes ``store_shop_eu_<8 hex digits>``: lower-cased with ``_`` for any other
    character (at most 40 of them), then a digest of the exact id, so ids that differ only in
    case or punctuation (``shop-eu``, ``Shop_EU``) never share a schema.
    """
    if not store_id:
        raise ValueError("a store id is needed")
    readable = re.sub(r"[^a-z0-9]", "_", store_id.lower())[:40]
    digest = hashlib.sha256(store_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"store_{readable}_{digest}"


class PostgresErp(SqlPorts):
    """Every port over one schema of a PostgreSQL database: the attributes of ``MemoryErp``.

    Args:
        conninfo: a libpq connection string or URI (``host=... dbname=... user=...``).
        schema: the schema holding this ERP's tables (one per store), created if missing.
        items: ERP items to add to the ``items`` table (upserted by local id).
        lock_lease: how long a store lock holds before another owner may take it over.
        clock: the time for timestamps (notifications, receipts, item modified times). Lock
            leases run on the database server's clock unless ``lock_clock`` is given.
        lock_clock: a clock for lock leases instead of the server's (tests).
        connect_timeout: seconds to wait for the server when connecting.
        statement_timeout: seconds any one statement may take (a lock wait included).
    """

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str = "public",
        items: Sequence[ItemRef] = (),
        lock_lease: timedelta = DEFAULT_LEASE,
        clock: Clock | None = None,
        lock_clock: Clock | None = None,
        connect_timeout: float = 10.0,
        statement_timeout: float = 60.0,
    ) -> None:
        if lock_lease <= timedelta(0):
            raise ValueError("a lock lease must be positive")
        now = (clock if clock is not None else SystemClock()).now
        self.database = PostgresDatabase(
            conninfo,
            schema=schema,
            connect_timeout=connect_timeout,
            statement_timeout=statement_timeout,
        )
        db = self.database
        try:
            migrate(db.connection, schema)
        except BaseException:
            db.close()
            raise
        lock_now = None if lock_clock is None else lock_clock.now
        lock = PostgresLock(db, lease=lock_lease, now=lock_now)
        super().__init__(db, lock=lock, now=now, items=items)

    @property
    def schema(self) -> str:
        """The schema holding this ERP's tables."""
        return self.database.schema

    def __repr__(self) -> str:
        return f"PostgresErp(schema={self.schema!r})"
