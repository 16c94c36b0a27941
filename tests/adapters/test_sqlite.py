"""What the contract cannot see: persistence, migrations, processes, threads, exact values."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from bigcommerce_connect.adapters.memory import FixedClock
from bigcommerce_connect.adapters.sql.codec import dump_record
from bigcommerce_connect.adapters.sqlite import (
    DEFAULT_LEASE,
    SCHEMA_VERSION,
    SchemaVersionError,
    SqliteErp,
)
from bigcommerce_connect.adapters.sqlite.schema import MIGRATIONS
from bigcommerce_connect.notifications import Notification, NotificationKind
from bigcommerce_connect.ports import Binding, BindingConflictError, ItemRef, QuarantineEntry
from bigcommerce_connect.records import (
    ErpAddress,
    ErpCustomer,
    ErpItem,
    ErpOrderLine,
    ErpSalesOrder,
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
PLUS_TWO = timezone(timedelta(hours=2))
LOCK = "store:import"


def full_order(ref: str = "BC1") -> ErpSalesOrder:
    return ErpSalesOrder(
        external_ref=ref,
        order_date=datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=PLUS_TWO),
        status_id=11,
        shipping_address=ErpAddress(name="Zoë Doe", zip="01234", country_iso2="DE"),
        total=Decimal("1234567890.1234"),
        tax=Decimal("0.10"),
        lines=[
            ErpOrderLine(
                external_line_id=1,
                item_code="SKU-1",
                quantity=Decimal("2.500"),
                unit_price=Decimal("19.99"),
                options=[{"display_name": "Size", "display_value": "XL"}],
            )
        ],
    )


def full_customer() -> ErpCustomer:
    return ErpCustomer(
        customer_code="BC-1",
        customer_listing="Doe, Zoë",
        email="Zoë@Example.com",
        price_level="Gold",
        billing_address=ErpAddress(street_1="Main St 1", city="Köln"),
        date_created=datetime(2025, 12, 31, 23, 59, tzinfo=PLUS_TWO),
    )


# -- persistence ---------------------------------------------------------------------------


def test_everything_survives_close_and_reopen(path: Path) -> None:
    with SqliteErp(path, items=[ItemRef(local_id="P1", sku="S", available=Decimal("1.50"))]) as erp:
        customer_id = erp.customers.create(full_customer())
        order_id = erp.sales_orders.create(full_order(), customer_id=customer_id)
        erp.bindings.bind(
            Binding(
                entity="order",
                external_id="1",
                local_id=order_id,
                external_modified=datetime(2026, 2, 1, 8, tzinfo=PLUS_TWO),
                synced_at=T0,
                data={"moved": True},
            )
        )
        erp.sync_state.set_cursor("orders", T0)
        erp.quarantine.put(
            QuarantineEntry(
                entity="order", external_id="2", code="x", reason="bad", first_failed=T0
            )
        )
        erp.webhook_receipts.record("hash")
        erp.notifier.notify(
            Notification(kind=NotificationKind.WARNING, code="credit", message="over", details={})
        )

    with SqliteErp(path) as erp:
        assert erp.customers.get(customer_id) == full_customer()
        assert erp.sales_orders.get(order_id) == (full_order(), customer_id)
        binding = erp.bindings.get("order", "1")
        assert binding is not None
        assert binding.external_modified == datetime(2026, 2, 1, 8, tzinfo=PLUS_TWO)
        assert binding.data == {"moved": True}
        assert erp.sync_state.get_cursor("orders") == T0
        assert [e.external_id for e in erp.quarantine.entries()] == ["2"]
        assert erp.webhook_receipts.has_seen("hash")
        assert [n.code for n in erp.notifier.notifications()] == ["credit"]
        assert erp.items.find_by_sku("S") == [
            ItemRef(local_id="P1", sku="S", available=Decimal("1.50"))
        ]


def test_money_stays_exact_and_dates_keep_their_offset(erp: SqliteErp) -> None:
    order_id = erp.sales_orders.create(full_order(), customer_id="C1")
    stored, _ = erp.sales_orders.get(order_id)
    assert stored.total == Decimal("1234567890.1234")
    assert str(stored.lines[0].quantity) == "2.500"  # not 2.5: the scale is kept
    assert stored.order_date is not None
    assert stored.order_date.utcoffset() == timedelta(hours=2)


def test_update_changes_only_the_named_fields(erp: SqliteErp) -> None:
    order_id = erp.sales_orders.create(full_order(), customer_id="C1")
    erp.sales_orders.update(
        order_id,
        ErpSalesOrder(status_id=2, total=Decimal(0)),
        customer_id="C2",
        fields=frozenset({"status_id"}),
    )
    stored, customer_id = erp.sales_orders.get(order_id)
    assert stored == attrs.evolve(full_order(), status_id=2)
    assert customer_id == "C2"
    with pytest.raises(KeyError):
        erp.customers.update("C99", ErpCustomer(), fields=frozenset({"email"}))


def test_reopening_with_the_same_catalogue_adds_no_duplicates(path: Path) -> None:
    items = [ItemRef(local_id="P1", sku="S"), ItemRef(local_id="V1", sku="S", is_variant=True)]
    SqliteErp(path, items=items).close()
    with SqliteErp(path, items=items) as erp:
        assert [i.local_id for i in erp.items.find_by_sku("S")] == ["V1", "P1"]


# -- schema and migrations -----------------------------------------------------------------


def test_an_empty_file_gets_the_whole_schema_in_wal_mode(path: Path) -> None:
    path.touch()
    SqliteErp(path).close()
    with sqlite3.connect(path) as connection:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    connection.close()
    assert version == SCHEMA_VERSION >= 1
    assert mode == "wal"
    assert {"bindings", "customers", "sales_orders", "items", "cursors", "quarantine"} <= tables
    assert {"locks", "webhook_receipts", "notifications"} <= tables
    SqliteErp(path).close()  # a second open finds nothing to migrate


def test_a_newer_database_is_refused_with_a_clear_message(path: Path) -> None:
    SqliteErp(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(SchemaVersionError, match=r"schema version \d+.*upgrade bigcommerce"):
        SqliteErp(path)


def test_a_version_1_database_upgrades_in_place_with_its_data(path: Path) -> None:
    # A file as the first release wrote it: migration 1 only, data in the v1 tables.
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 1")
    connection.execute(
        "INSERT INTO bindings (entity, external_id, local_id, synced_at, data) "
        "VALUES ('order', '1', 'SO1', ?, '{\"moved\":true}')",
        (T0.isoformat(),),
    )
    connection.execute(
        "INSERT INTO customers (id, email_key, record) VALUES (1, 'zoë@example.com', ?)",
        (dump_record(full_customer()),),
    )
    connection.execute("INSERT INTO items VALUES ('P1', 'S', 0, '1.50')")
    connection.execute("INSERT INTO cursors VALUES ('orders', ?)", (T0.isoformat(),))
    connection.close()

    with SqliteErp(path) as erp:
        binding = erp.bindings.get("order", "1")
        assert binding is not None
        assert (binding.local_id, binding.synced_at, binding.data) == ("SO1", T0, {"moved": True})
        assert erp.customers.get("C1") == full_customer()
        assert erp.items.find_by_sku("S") == [
            ItemRef(local_id="P1", sku="S", available=Decimal("1.50"))
        ]
        assert erp.sync_state.get_cursor("orders") == T0
        # The version-2 tables are there and empty, ready for the export ports.
        assert erp.item_source.changed_since(None) == []
        erp.item_source.put("I1", ErpItem(item_code="A", quantity_on_hand=Decimal(2)), modified=T0)
        assert [level.quantity for level in erp.stock.stock_snapshot()] == [2]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    connection.close()


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        SqliteErp(path)


# -- unit of work --------------------------------------------------------------------------


def test_a_crash_inside_a_transaction_leaves_nothing_even_after_reopen(path: Path) -> None:
    class Crash(BaseException):
        """Stands for the process dying mid-transaction."""

    def crash_before_commit(erp: SqliteErp) -> None:
        with erp.unit_of_work.transaction():
            customer_id = erp.customers.create(full_customer())
            with erp.unit_of_work.transaction():  # nested: joins the outer one
                order_id = erp.sales_orders.create(full_order(), customer_id=customer_id)
            erp.bindings.bind(Binding(entity="order", external_id="1", local_id=order_id))
            erp.webhook_receipts.record("h")
            raise Crash

    with SqliteErp(path) as erp, pytest.raises(Crash):
        crash_before_commit(erp)
    with SqliteErp(path) as erp:
        assert erp.customers.all() == {}
        assert erp.sales_orders.all() == {}
        assert erp.bindings.get("order", "1") is None
        assert not erp.webhook_receipts.has_seen("h")


def test_a_binding_conflict_inside_a_transaction_rolls_back_the_order(erp: SqliteErp) -> None:
    erp.bindings.bind(Binding(entity="order", external_id="1", local_id="SO-other"))

    def import_order() -> None:
        with erp.unit_of_work.transaction():
            order_id = erp.sales_orders.create(full_order(), customer_id="C1")
            erp.bindings.bind(Binding(entity="order", external_id="1", local_id=order_id))

    with pytest.raises(BindingConflictError):
        import_order()
    assert erp.sales_orders.all() == {}


# -- threads -------------------------------------------------------------------------------


def test_two_threads_binding_one_store_order_leave_one_erp_order(erp: SqliteErp) -> None:
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def import_order(worker: str) -> None:
        start.wait()
        try:
            with erp.unit_of_work.transaction():
                order_id = erp.sales_orders.create(full_order(worker), customer_id="C1")
                erp.bindings.bind(Binding(entity="order", external_id="1", local_id=order_id))
            outcomes.append("bound")
        except BindingConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=import_order, args=(w,)) for w in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["bound", "conflict"]
    binding = erp.bindings.get("order", "1")
    assert binding is not None
    assert list(erp.sales_orders.all()) == [binding.local_id]


def test_many_threads_writing_at_once_lose_nothing(erp: SqliteErp) -> None:
    def write(worker: int) -> None:
        for n in range(20):
            with erp.unit_of_work.transaction():
                order_id = erp.sales_orders.create(full_order(f"{worker}-{n}"), customer_id="C1")
                erp.bindings.bind(
                    Binding(entity="order", external_id=f"{worker}-{n}", local_id=order_id)
                )
            erp.notifier.notify(Notification(kind=NotificationKind.ALERT, code="c", message="m"))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(erp.sales_orders.all()) == 80
    assert len(erp.bindings.all("order")) == 80
    assert len(erp.notifier.notifications()) == 80
    assert erp.database.one("PRAGMA integrity_check") == ("ok",)


def test_a_second_connection_waits_for_a_transaction_instead_of_failing(path: Path) -> None:
    with SqliteErp(path) as first, SqliteErp(path) as second:
        in_transaction, done = threading.Event(), threading.Event()

        def write_while_first_holds_the_write_lock() -> None:
            in_transaction.wait()
            second.customers.create(ErpCustomer(email="b@example.com"))
            done.set()

        writer = threading.Thread(target=write_while_first_holds_the_write_lock)
        writer.start()
        with first.unit_of_work.transaction():
            first.customers.create(ErpCustomer(email="a@example.com"))
            in_transaction.set()
            assert not done.wait(0.2)  # blocked by SQLite's write lock, not failed
        writer.join()
        assert done.is_set()
        assert len(first.customers.all()) == 2


# -- the lock across processes -------------------------------------------------------------

HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from bigcommerce_connect.adapters.sqlite import SqliteErp

    with SqliteErp(sys.argv[1]) as erp:
        print(erp.lock.try_acquire(sys.argv[2], sys.argv[3]), flush=True)
        sys.stdin.read()  # hold the lock until the test closes our stdin
    """
)


def _lock_holder(path: Path, owner: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", HOLD_LOCK, str(path), LOCK, owner],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_lock_held_by_another_process_blocks_us_until_released(path: Path) -> None:
    SqliteErp(path).close()
    holder = _lock_holder(path, "other-process")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "True"
        with SqliteErp(path) as erp:
            assert not erp.lock.try_acquire(LOCK, "us")
            assert erp.lock.holder(LOCK) == "other-process"
            erp.lock.release(LOCK, "us")  # not ours: no effect
            assert erp.lock.holder(LOCK) == "other-process"
    finally:
        holder.communicate("", timeout=30)
    with SqliteErp(path) as erp:
        # The holder is gone but never released: its row stays until the lease ends.
        assert not erp.lock.try_acquire(LOCK, "us")


def test_an_expired_lease_can_be_taken_over(path: Path) -> None:
    SqliteErp(path).close()
    holder = _lock_holder(path, "crashed-runner")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "True"
    holder.kill()  # dies holding the lock
    holder.communicate(timeout=30)
    clock = FixedClock(datetime.now(timezone.utc) + timedelta(minutes=14))
    with SqliteErp(path, clock=clock, lock_lease=DEFAULT_LEASE) as erp:
        assert not erp.lock.try_acquire(LOCK, "us")
        clock.current += timedelta(minutes=2)
        assert erp.lock.try_acquire(LOCK, "us")
        assert erp.lock.holder(LOCK) == "us"


def test_the_holder_renews_its_lease_by_acquiring_again(path: Path) -> None:
    clock = FixedClock(T0)
    with SqliteErp(path, clock=clock, lock_lease=timedelta(minutes=10)) as erp:
        assert erp.lock.try_acquire(LOCK, "a")
        clock.current += timedelta(minutes=8)
        assert erp.lock.try_acquire(LOCK, "a")  # renews until minute 18
        clock.current += timedelta(minutes=8)
        assert not erp.lock.try_acquire(LOCK, "b")
        clock.current += timedelta(minutes=3)
        assert erp.lock.try_acquire(LOCK, "b")


def test_one_winner_among_processes(path: Path) -> None:
    SqliteErp(path).close()
    holders = [_lock_holder(path, f"p{i}") for i in range(4)]
    try:
        results = [h.stdout.readline().strip() if h.stdout else "" for h in holders]
    finally:
        for h in holders:
            h.communicate("", timeout=30)
    assert sorted(results) == ["False", "False", "False", "True"]


def test_a_lease_must_be_positive(path: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        SqliteErp(path, lock_lease=timedelta(0))
