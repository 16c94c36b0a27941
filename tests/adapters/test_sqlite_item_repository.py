"""SQLite item repository: items found by SKU through an indexed column, upgraded files too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bigcommerce_connect.adapters.sql.codec import dump_record
from bigcommerce_connect.adapters.sqlite import SCHEMA_VERSION, SqliteErp
from bigcommerce_connect.adapters.sqlite.schema import MIGRATIONS
from bigcommerce_connect.records import ErpItem


def test_a_version_3_database_finds_its_items_by_sku_after_the_upgrade(path: Path) -> None:
    # A file as the previous release wrote it: migrations 1 to 3, export items without a SKU.
    connection = sqlite3.connect(path, isolation_level=None)
    connection.create_function("bcc_customer_code_key", 1, lambda _record: "")
    for statement in (*MIGRATIONS[0], *MIGRATIONS[1], *MIGRATIONS[2]):
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 3")
    rows = [
        ("A", ErpItem(item_code="W-1", variant_code="BL")),
        ("B", ErpItem(item_code="W-2")),
    ]
    for local_id, item in rows:
        connection.execute(
            "INSERT INTO export_items (local_id, record, modified) VALUES (?, ?, ?)",
            (local_id, dump_record(item), "2026-01-01T00:00:00.000000Z"),
        )
    connection.execute("INSERT INTO export_items VALUES ('J', '[1]', '2026')")  # not an item
    connection.close()

    with SqliteErp(path) as erp:
        assert [e.local_id for e in erp.item_repository.find_by_sku("W-1-BL")] == ["A"]
        assert [e.local_id for e in erp.item_repository.find_by_sku("W-2")] == ["B"]
        assert erp.item_repository.find_by_sku("W-1") == []
        created = erp.item_repository.create(ErpItem(item_code="W-3"))
        assert created not in ("A", "B", "J")
        assert [e.local_id for e in erp.item_repository.find_by_sku("W-3")] == [created]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        plan = connection.execute(
            "EXPLAIN QUERY PLAN SELECT local_id FROM export_items WHERE sku = ?", ("W-2",)
        ).fetchall()
    connection.close()
    assert any("export_items_sku" in str(step) for step in plan)  # the lookup uses the index


def test_a_host_id_like_ours_is_stepped_past(erp: SqliteErp) -> None:
    erp.item_source.put("I1", ErpItem(item_code="HOST-1"))
    erp.item_source.put("I2", ErpItem(item_code="HOST-2"))
    created = erp.item_repository.create(ErpItem(item_code="NEW-1"))
    assert created not in ("I1", "I2")
    (found,) = erp.item_repository.get([created])
    assert found.item.item_code == "NEW-1"
