"""The database schema as an ordered list of migrations, applied on open.

The schema version lives in ``PRAGMA user_version`` (0 for a new, empty file). Migration *n*
(1-based) takes the database from version *n - 1* to *n*; each runs in its own
``BEGIN IMMEDIATE`` transaction together with the version bump, so a crash mid-migration
leaves the previous version intact, and two processes opening one new file at once migrate
it once. Append new migrations at the end; never edit a released one.
"""

from __future__ import annotations

import json
import sqlite3

from bigcommerce_connect.adapters.sql.codec import text_key
from bigcommerce_connect.adapters.sql.database import SchemaVersionError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SchemaVersionError", "migrate", "schema_version"]


_CODE_KEY_FUNCTION = "bcc_customer_code_key"


def _customer_code_key(record: object) -> str:
    """The ``code_key`` of a stored customer record (JSON text); "" if it has no code."""
    try:
        data = json.loads(record) if isinstance(record, str) else {}
    except ValueError:
        return ""
    code = data.get("customer_code") if isinstance(data, dict) else None
    return text_key(code) if isinstance(code, str) else ""


_V1 = (
    # One binding per store record and per ERP record, for each entity.
    """CREATE TABLE bindings (
        entity TEXT NOT NULL,
        external_id TEXT NOT NULL,
        local_id TEXT NOT NULL,
        external_modified TEXT,
        synced_at TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (entity, external_id),
        UNIQUE (entity, local_id)
    )""",
    # Records are JSON documents; the columns beside them exist to be searched.
    """CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        email_key TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    "CREATE INDEX customers_email ON customers (email_key)",
    """CREATE TABLE sales_orders (
        id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        external_ref TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    "CREATE INDEX sales_orders_customer ON sales_orders (customer_id)",
    """CREATE TABLE items (
        local_id TEXT PRIMARY KEY,
        sku TEXT NOT NULL,
        is_variant INTEGER NOT NULL,
        available TEXT
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
        PRIMARY KEY (entity, external_id)
    )""",
    """CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    "CREATE TABLE webhook_receipts (payload_hash TEXT PRIMARY KEY, recorded_at TEXT NOT NULL)",
    """CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
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
)

_V2 = (
    # Export side: what the host hands the exporters. Item records are JSON documents, kept
    # apart from the import-side ``items`` catalogue (a different shape, filled separately).
    # ``modified`` is fixed-width UTC text, so the text comparison in changed_since() is a
    # time comparison and the index serves it.
    """CREATE TABLE export_items (
        local_id TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        modified TEXT NOT NULL
    )""",
    "CREATE INDEX export_items_modified ON export_items (modified)",
    # The quantity last pushed per item and location: what makes a push send only changes.
    """CREATE TABLE stock_pushes (
        local_id TEXT NOT NULL,
        location_id INTEGER NOT NULL,
        quantity INTEGER NOT NULL,
        pushed_at TEXT NOT NULL,
        PRIMARY KEY (local_id, location_id)
    )""",
    "CREATE TABLE contacts (local_id TEXT PRIMARY KEY, record TEXT NOT NULL)",
    # A level exists even with no prices (set_prices(level, [])), hence its own table.
    "CREATE TABLE price_levels (name TEXT PRIMARY KEY)",
    """CREATE TABLE level_prices (
        level TEXT NOT NULL REFERENCES price_levels (name) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sku TEXT NOT NULL,
        price TEXT NOT NULL,
        currency TEXT NOT NULL,
        sale_price TEXT,
        PRIMARY KEY (level, position)
    )""",
)

_V3 = (
    # The customer code, searchable the way an order's Customer Lookup finds it (trimmed and
    # case folded in Python, as the e-mail key is). Rows written before get theirs from the
    # record through a function migrate() registers, so an upgraded file finds them too.
    "ALTER TABLE customers ADD COLUMN code_key TEXT NOT NULL DEFAULT ''",
    f"UPDATE customers SET code_key = {_CODE_KEY_FUNCTION}(record)",  # noqa: S608 (our name)
    "CREATE INDEX customers_code ON customers (code_key)",
)

_ITEM_SKU_FUNCTION = "bcc_item_sku"


def _item_sku(record: object) -> str:
    """The SKU of a stored export item (JSON text): item code, ``-variant code`` when set."""
    try:
        data = json.loads(record) if isinstance(record, str) else {}
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    code, variant = data.get("item_code") or "", data.get("variant_code") or ""
    if not isinstance(code, str) or not isinstance(variant, str):
        return ""
    return f"{code}-{variant}" if variant else code


_V4 = (
    # The item import finds ERP items by SKU (an indexed column beside the JSON record) and
    # writes the store's variant id back beside the product id the record holds.
    "ALTER TABLE export_items ADD COLUMN sku TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE export_items ADD COLUMN variant_id INTEGER",
    f"UPDATE export_items SET sku = {_ITEM_SKU_FUNCTION}(record)",  # noqa: S608 (our name)
    "CREATE INDEX export_items_sku ON export_items (sku)",
)

_V5 = (
    # The ERP's shipments for the shipment export, as JSON documents in the order first put
    # (``seq``); the store order and shipment ids are written beside them when exported.
    """CREATE TABLE shipments (
        seq INTEGER PRIMARY KEY,
        local_id TEXT NOT NULL UNIQUE,
        record TEXT NOT NULL,
        order_id INTEGER,
        shipment_id INTEGER
    )""",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5)
"""Every migration in order; ``MIGRATIONS[n]`` takes version ``n`` to ``n + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this code writes and reads."""


def schema_version(connection: sqlite3.Connection) -> int:
    """The version recorded in the database file."""
    row = connection.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _refuse_newer(version: int, path: str) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path} has schema version {version}, but this bigcommerce-connect only knows "
            f"versions up to {SCHEMA_VERSION}: upgrade bigcommerce-connect to open it"
        )


def migrate(connection: sqlite3.Connection, path: str = "the database") -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; return the version found before.

    ``connection`` must be in autocommit mode (``isolation_level=None``). Raises
    :class:`SchemaVersionError` for a database newer than this code.
    """
    found = schema_version(connection)
    _refuse_newer(found, path)
    connection.create_function(_CODE_KEY_FUNCTION, 1, _customer_code_key, deterministic=True)
    connection.create_function(_ITEM_SKU_FUNCTION, 1, _item_sku, deterministic=True)
    while (current := schema_version(connection)) < SCHEMA_VERSION:
        _apply(connection, current, path)
    return found


def _apply(connection: sqlite3.Connection, current: int, path: str) -> None:
    """Run the migration after ``current`` in one transaction with its version bump."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the write lock.
        version = schema_version(connection)
        _refuse_newer(version, path)
        if version == current:
            for statement in MIGRATIONS[current]:
                connection.execute(statement)
            # PRAGMA takes no parameters; the value is our own integer.
            connection.execute(f"PRAGMA user_version = {current + 1}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
