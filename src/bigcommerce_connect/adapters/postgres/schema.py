"""The PostgreSQL schema as an ordered list of migrations, applied on open.

The tables are the SQLite adapter's (the shared repositories run on both), in PostgreSQL's
types: identity keys, ``bigint`` store ids, ``timestamptz`` for the store lock, and
``COLLATE "C"`` on the ids the ports list in order, so they sort as in SQLite (by bytes,
whatever the database's locale). The ``rowid`` columns keep insertion order where SQLite
has its implicit rowid.

The version lives in ``bcc_schema_version`` of the ERP's schema. The migrations run in one
transaction with their version bumps, under a transaction-level advisory lock of the schema,
so workers opening a new database at once migrate it once. Append migrations; never edit one.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from bigcommerce_connect.adapters.postgres.connection import advisory_key
from bigcommerce_connect.adapters.sql.database import SchemaVersionError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "schema_version"]

_V1 = (
    """CREATE TABLE bindings (
        entity TEXT NOT NULL,
        external_id TEXT NOT NULL,
        local_id TEXT NOT NULL,
        external_modified TEXT,
        synced_at TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (entity, external_id),
        UNIQUE (entity, local_id)
    )""",
    """CREATE TABLE customers (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email_key TEXT NOT NULL,
        code_key TEXT NOT NULL DEFAULT '',
        record TEXT NOT NULL
    )""",
    "CREATE INDEX customers_email ON customers (email_key)",
    "CREATE INDEX customers_code ON customers (code_key)",
    """CREATE TABLE sales_orders (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id TEXT NOT NULL,
        external_ref TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    "CREATE INDEX sales_orders_customer ON sales_orders (customer_id)",
    """CREATE TABLE items (
        local_id TEXT PRIMARY KEY,
        sku TEXT NOT NULL,
        is_variant INTEGER NOT NULL,
        available TEXT,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY
    )""",
    "CREATE INDEX items_sku ON items (sku)",
    "CREATE TABLE cursors (stream TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE quarantine (
        entity TEXT NOT NULL,
        external_id TEXT NOT NULL,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        first_failed TEXT,
        last_failed TEXT,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (entity, external_id)
    )""",
    # The store lock: one leased row per name, on the database server's clock.
    """CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
    )""",
    # Every grant of a lock, kept: who held which store lock when (an audit of "never two
    # runs of one store at once"). held_until follows the renewals; released_at the release.
    """CREATE TABLE lock_grants (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        granted_at TIMESTAMPTZ NOT NULL,
        held_until TIMESTAMPTZ NOT NULL,
        released_at TIMESTAMPTZ
    )""",
    "CREATE INDEX lock_grants_name ON lock_grants (name, granted_at)",
    "CREATE TABLE webhook_receipts (payload_hash TEXT PRIMARY KEY, recorded_at TEXT NOT NULL)",
    """CREATE TABLE notifications (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind TEXT NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        recipient TEXT NOT NULL,
        store TEXT NOT NULL,
        entity TEXT NOT NULL,
        external_id TEXT NOT NULL,
        request_id TEXT,
        details TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE export_items (
        local_id TEXT COLLATE "C" PRIMARY KEY,
        record TEXT NOT NULL,
        modified TEXT NOT NULL,
        sku TEXT NOT NULL DEFAULT '',
        variant_id BIGINT,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY
    )""",
    "CREATE INDEX export_items_modified ON export_items (modified)",
    "CREATE INDEX export_items_sku ON export_items (sku)",
    """CREATE TABLE stock_pushes (
        local_id TEXT NOT NULL,
        location_id BIGINT NOT NULL,
        quantity BIGINT NOT NULL,
        pushed_at TEXT NOT NULL,
        PRIMARY KEY (local_id, location_id)
    )""",
    'CREATE TABLE contacts (local_id TEXT COLLATE "C" PRIMARY KEY, record TEXT NOT NULL)',
    'CREATE TABLE price_levels (name TEXT COLLATE "C" PRIMARY KEY)',
    """CREATE TABLE level_prices (
        level TEXT NOT NULL REFERENCES price_levels (name) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sku TEXT NOT NULL,
        price TEXT NOT NULL,
        currency TEXT NOT NULL,
        sale_price TEXT,
        PRIMARY KEY (level, position)
    )""",
    """CREATE TABLE shipments (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        local_id TEXT NOT NULL UNIQUE,
        record TEXT NOT NULL,
        order_id BIGINT,
        shipment_id BIGINT
    )""",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)
"""Every migration in order; ``MIGRATIONS[n]`` takes version ``n`` to ``n + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this code writes and reads."""

_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS bcc_schema_version (version INTEGER NOT NULL)"


def schema_version(connection: psycopg.Connection[Any]) -> int:
    """The version recorded in the connection's schema (0: none yet)."""
    row = connection.execute("SELECT max(version) FROM bcc_schema_version").fetchone()
    return 0 if row is None or row[0] is None else int(row[0])


def _refuse_newer(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{where} has schema version {version}, but this bigcommerce-connect only knows "
            f"versions up to {SCHEMA_VERSION}: upgrade bigcommerce-connect to open it"
        )


def migrate(connection: psycopg.Connection[Any], schema: str) -> int:
    """Create ``schema`` (the connection's search path) if missing and bring it up to date;
    return the version found.

    ``connection`` must be in autocommit mode. Raises :class:`SchemaVersionError` for a
    schema written by a newer SDK.
    """
    where = f"PostgreSQL schema {schema}"
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key("migrate", schema),))
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        connection.execute(_VERSION_TABLE)
        found = schema_version(connection)
        _refuse_newer(found, where)
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            connection.execute(
                "INSERT INTO bcc_schema_version (version) VALUES (%s)", (version + 1,)
            )
    return found
