"""SQLite customer lookup: the code key is written with every customer and upgraded files get it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bigcommerce_connect.adapters.sql.codec import dump_record
from bigcommerce_connect.adapters.sqlite import SCHEMA_VERSION, SqliteErp
from bigcommerce_connect.adapters.sqlite.schema import MIGRATIONS
from bigcommerce_connect.records import ErpCustomer


def test_a_version_2_database_finds_its_customers_by_lookup_after_the_upgrade(
    path: Path,
) -> None:
    # A file as the previous release wrote it: migrations 1 and 2, customers without a code key.
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in (*MIGRATIONS[0], *MIGRATIONS[1]):
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 2")
    rows = [
        (1, "zoë@example.com", ErpCustomer(customer_code=" ZOË-1 ", email="zoë@example.com")),
        (2, "", ErpCustomer(customer_code="")),
        (3, "x@example.com", ErpCustomer(customer_code="BC-3", email="x@example.com")),
    ]
    for row_id, email_key, customer in rows:
        connection.execute(
            "INSERT INTO customers (id, email_key, record) VALUES (?, ?, ?)",
            (row_id, email_key, dump_record(customer)),
        )
    connection.close()

    with SqliteErp(path) as erp:
        assert [c.local_id for c in erp.customers.find_by_lookup("zoë-1")] == ["C1"]
        assert [c.local_id for c in erp.customers.find_by_lookup("bc-3")] == ["C3"]
        assert erp.customers.find_by_lookup("") == []
        assert erp.customers.get("C1").customer_code == " ZOË-1 "  # the record is untouched
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        plan = connection.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM customers WHERE code_key = ?", ("bc-3",)
        ).fetchall()
    connection.close()
    assert any("customers_code" in str(step) for step in plan)  # the lookup uses the index


def test_an_update_that_changes_the_code_moves_the_key(erp: SqliteErp) -> None:
    local_id = erp.customers.create(ErpCustomer(customer_code="OLD-1", email="a@example.com"))
    erp.customers.update(local_id, ErpCustomer(customer_code="NEW-1"), fields=frozenset())
    assert [c.local_id for c in erp.customers.find_by_lookup("old-1")] == [local_id]
    erp.customers.update(
        local_id, ErpCustomer(customer_code="NEW-1"), fields=frozenset({"customer_code"})
    )
    assert erp.customers.find_by_lookup("old-1") == []
    assert [c.local_id for c in erp.customers.find_by_lookup("NEW-1")] == [local_id]
