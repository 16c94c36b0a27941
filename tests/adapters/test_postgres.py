"""What the contract cannot see of the PostgreSQL adapter: schemas, workers, the lease, history.

Every test runs against a real server (tests/support/postgres_server.py) in a database of its
own; "another worker" is another connection, or another process where it matters.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bigcommerce_connect.adapters.memory import FixedClock
from bigcommerce_connect.notifications import Notification, NotificationKind
from bigcommerce_connect.ports import Binding, BindingConflictError, ItemRef, QuarantineEntry
from bigcommerce_connect.records import ErpCustomer, ErpItem, ErpSalesOrder

psycopg = pytest.importorskip(
    "psycopg", reason="the postgres extra is not installed (pip install -e '.[postgres]')"
)

from bigcommerce_connect.adapters.postgres import (  # noqa: E402
    SCHEMA_VERSION,
    PostgresErp,
    schema_for,
)
from bigcommerce_connect.adapters.postgres.connection import SCHEMA_NAME  # noqa: E402
from bigcommerce_connect.adapters.sql.database import SchemaVersionError  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
LOCK = "store:import"


def order(ref: str) -> ErpSalesOrder:
    return ErpSalesOrder(external_ref=ref, total=Decimal("1234567890.1234"))


def test_everything_survives_close_and_reopen(postgres_conninfo: str) -> None:
    with PostgresErp(
        postgres_conninfo, schema="shop", items=[ItemRef(local_id="P1", sku="SKU-1")]
    ) as erp:
        customer_id = erp.customers.create(ErpCustomer(email="Zoë@Example.com"))
        order_id = erp.sales_orders.create(order("BC1"), customer_id=customer_id)
        erp.bindings.bind(Binding(entity="order", external_id="1", local_id=order_id))
        erp.sync_state.set_cursor("orders", T0)
        erp.webhook_receipts.record("h")
    with PostgresErp(postgres_conninfo, schema="shop") as erp:
        assert [c.local_id for c in erp.customers.find_by_email("zoë@example.com")] == [customer_id]
        assert erp.sales_orders.get(order_id) == (order("BC1"), customer_id)
        binding = erp.bindings.get("order", "1")
        assert binding is not None
        assert binding.local_id == order_id
        assert erp.sync_state.get_cursor("orders") == T0
        assert erp.webhook_receipts.has_seen("h")
        assert [i.local_id for i in erp.items.find_by_sku("SKU-1")] == ["P1"]


def test_each_store_has_its_own_schema(postgres_conninfo: str) -> None:
    with (
        PostgresErp(postgres_conninfo, schema="shop_eu") as eu,
        PostgresErp(postgres_conninfo, schema="shop_us") as us,
    ):
        eu.bindings.bind(Binding(entity="order", external_id="1", local_id="SO1"))
        assert us.bindings.get("order", "1") is None
        # The same lock name in two stores' schemas: two different locks.
        assert eu.lock.try_acquire(LOCK, "a")
        assert us.lock.try_acquire(LOCK, "b")


def test_a_schema_name_that_could_inject_sql_is_refused(postgres_conninfo: str) -> None:
    with pytest.raises(ValueError, match="schema name"):
        PostgresErp(postgres_conninfo, schema='x"; DROP TABLE bindings; --')


def test_a_newer_schema_is_refused_with_a_clear_message(postgres_conninfo: str) -> None:
    PostgresErp(postgres_conninfo, schema="shop").close()
    with psycopg.connect(postgres_conninfo, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO shop.bcc_schema_version (version) VALUES (%s)", (SCHEMA_VERSION + 1,)
        )
    with pytest.raises(SchemaVersionError, match="upgrade bigcommerce-connect"):
        PostgresErp(postgres_conninfo, schema="shop")


def test_workers_opening_a_new_database_at_once_migrate_it_once(postgres_conninfo: str) -> None:
    start = threading.Barrier(4)
    opened: list[PostgresErp] = []

    def open_erp() -> None:
        start.wait()
        opened.append(PostgresErp(postgres_conninfo, schema="shop"))

    threads = [threading.Thread(target=open_erp) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 4
    versions = opened[0].database.all("SELECT version FROM bcc_schema_version")
    assert versions == [(SCHEMA_VERSION,)]
    for erp in opened:
        erp.close()


def test_a_crash_inside_a_transaction_leaves_nothing(postgres_conninfo: str) -> None:
    class Crash(BaseException):
        """Stands for the worker dying mid-transaction."""

    def crash_before_commit(erp: PostgresErp) -> None:
        with erp.unit_of_work.transaction():
            customer_id = erp.customers.create(ErpCustomer(email="a@example.com"))
            with erp.unit_of_work.transaction():  # nested: joins the outer one
                order_id = erp.sales_orders.create(order("BC1"), customer_id=customer_id)
            erp.bindings.bind(Binding(entity="order", external_id="1", local_id=order_id))
            raise Crash

    with PostgresErp(postgres_conninfo, schema="shop") as erp, pytest.raises(Crash):
        crash_before_commit(erp)
    with PostgresErp(postgres_conninfo, schema="shop") as erp:
        assert erp.customers.all() == {}
        assert erp.sales_orders.all() == {}
        assert erp.bindings.get("order", "1") is None


def test_a_binding_conflict_leaves_the_transaction_usable(postgres_conninfo: str) -> None:
    # PostgreSQL aborts a transaction on any error; the savepoint keeps the caller's unit of
    # work alive when it handles the conflict itself (SQLite behaves so by nature).
    with PostgresErp(postgres_conninfo, schema="shop") as erp:
        erp.bindings.bind(Binding(entity="customer", external_id="1", local_id="C-held"))
        with erp.unit_of_work.transaction():
            with pytest.raises(BindingConflictError):
                erp.bindings.bind(Binding(entity="customer", external_id="2", local_id="C-held"))
            erp.bindings.bind(Binding(entity="customer", external_id="3", local_id="C-new"))
        assert [b.external_id for b in erp.bindings.all("customer")] == ["1", "3"]


def test_two_workers_binding_one_store_order_leave_one_erp_order(postgres_conninfo: str) -> None:
    with (
        PostgresErp(postgres_conninfo, schema="shop") as first,
        PostgresErp(postgres_conninfo, schema="shop") as second,
    ):
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def import_order(erp: PostgresErp, worker: str) -> None:
            start.wait()
            try:
                with erp.unit_of_work.transaction():
                    if erp.bindings.get("order", "1") is not None:
                        outcomes.append("seen")
                        return
                    order_id = erp.sales_orders.create(order(worker), customer_id="C1")
                    erp.bindings.bind(Binding(entity="order", external_id="1", local_id=order_id))
                outcomes.append("bound")
            except BindingConflictError:
                outcomes.append("conflict")

        workers = [
            threading.Thread(target=import_order, args=(erp, name))
            for erp, name in ((first, "a"), (second, "b"))
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        # Units of work of one store run one at a time: the second sees the first's binding.
        assert sorted(outcomes) == ["bound", "seen"]
        binding = first.bindings.get("order", "1")
        assert binding is not None
        assert list(first.sales_orders.all()) == [binding.local_id]


def test_units_of_work_of_one_store_wait_for_each_other(postgres_conninfo: str) -> None:
    with (
        PostgresErp(postgres_conninfo, schema="shop") as first,
        PostgresErp(postgres_conninfo, schema="shop") as second,
        PostgresErp(postgres_conninfo, schema="other") as other_store,
    ):
        inside, done = threading.Event(), threading.Event()

        def second_unit_of_work() -> None:
            inside.wait()
            with second.unit_of_work.transaction():
                second.customers.create(ErpCustomer(email="b@example.com"))
            done.set()

        writer = threading.Thread(target=second_unit_of_work)
        writer.start()
        with first.unit_of_work.transaction():
            first.customers.create(ErpCustomer(email="a@example.com"))
            inside.set()
            # Another store's unit of work goes through while this one is open.
            with other_store.unit_of_work.transaction():
                other_store.customers.create(ErpCustomer(email="c@example.com"))
            assert not done.is_set()
            # The second worker waits on the server for this store's advisory lock.
            waiting = first.database.one(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            assert waiting is not None
            while waiting[0] == 0 and writer.is_alive():
                waiting = first.database.one(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                )
                assert waiting is not None
            assert waiting[0] == 1
        writer.join()
        assert done.is_set()
        assert len(first.customers.all()) == 2


def test_many_threads_writing_at_once_lose_nothing(postgres_conninfo: str) -> None:
    with PostgresErp(postgres_conninfo, schema="shop") as erp:

        def write(worker: int) -> None:
            for n in range(20):
                with erp.unit_of_work.transaction():
                    order_id = erp.sales_orders.create(order(f"{worker}-{n}"), customer_id="C1")
                    erp.bindings.bind(
                        Binding(entity="order", external_id=f"{worker}-{n}", local_id=order_id)
                    )
                erp.notifier.notify(
                    Notification(kind=NotificationKind.ALERT, code="c", message="m")
                )

        threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(erp.sales_orders.all()) == 80
        assert len(erp.bindings.all("order")) == 80
        assert len(erp.notifier.notifications()) == 80


def test_ids_sort_by_bytes_and_timeless_quarantine_entries_first(postgres_conninfo: str) -> None:
    with PostgresErp(postgres_conninfo, schema="shop") as erp:
        for local_id in ("b", "B", "a-1", "a_1"):
            erp.item_source.put(local_id, ErpItem(item_code=local_id))
        # Byte order, as SQLite sorts: "B" < "a-1" < "a_1" < "b" whatever the locale.
        assert [i.local_id for i in erp.item_source.changed_since(None)] == [
            "B",
            "a-1",
            "a_1",
            "b",
        ]
        erp.quarantine.put(
            QuarantineEntry(entity="order", external_id="2", code="c", reason="r", first_failed=T0)
        )
        erp.quarantine.put(QuarantineEntry(entity="order", external_id="1", code="c", reason="r"))
        assert [e.external_id for e in erp.quarantine.entries()] == ["1", "2"]
        assert [e.external_id for e in erp.quarantine.entries("customer")] == []


def test_the_repr_never_shows_the_conninfo(postgres_conninfo: str) -> None:
    secret_conninfo = postgres_conninfo + " password=hunter2-secret"
    with PostgresErp(secret_conninfo, schema="shop") as erp:
        assert "hunter2" not in repr(erp)
        assert "hunter2" not in repr(erp.database)


# -- the store lock ----------------------------------------------------------------------------


def test_the_lease_runs_on_the_servers_clock(postgres_conninfo: str) -> None:
    # A worker whose own clock is a year off neither takes a live lock nor keeps a dead one.
    with PostgresErp(postgres_conninfo, schema="shop", lock_lease=timedelta(minutes=5)) as erp:
        assert erp.lock.try_acquire(LOCK, "a")
        row = erp.database.one("SELECT expires_at - acquired_at, acquired_at FROM locks")
        assert row is not None
        assert row[0] == timedelta(minutes=5)
        assert abs(row[1] - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_the_holder_renews_and_another_takes_over_only_after_expiry(postgres_conninfo: str) -> None:
    clock = FixedClock(T0)
    with PostgresErp(
        postgres_conninfo, schema="shop", lock_lease=timedelta(minutes=10), lock_clock=clock
    ) as erp:
        assert erp.lock.try_acquire(LOCK, "a")
        clock.current += timedelta(minutes=8)
        assert erp.lock.try_acquire(LOCK, "a")  # renews until minute 18
        clock.current += timedelta(minutes=8)
        assert not erp.lock.try_acquire(LOCK, "b")
        clock.current += timedelta(minutes=3)
        assert erp.lock.try_acquire(LOCK, "b")  # a's lease ran out at 18: taken over
        assert erp.lock.holder(LOCK) == "b"
        clock.current += timedelta(minutes=1)
        erp.lock.release(LOCK, "a")  # no longer a's: no effect
        erp.lock.release(LOCK, "b")
        grants = erp.lock.grants(LOCK)
    assert [(g.owner, g.granted_at, g.held_until, g.released_at) for g in grants] == [
        ("a", T0, T0 + timedelta(minutes=18), None),
        ("b", T0 + timedelta(minutes=19), T0 + timedelta(minutes=29), T0 + timedelta(minutes=20)),
    ]
    # The history shows no overlap: a's holding ended before b's began.
    assert grants[0].ended_at <= grants[1].granted_at


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from bigcommerce_connect.adapters.postgres import PostgresErp

    with PostgresErp(sys.argv[1], schema="shop") as erp:
        print(erp.lock.try_acquire(sys.argv[2], sys.argv[3]), flush=True)
        sys.stdin.read()  # hold the lock until the test closes our stdin
    """
)


def test_one_winner_among_processes(postgres_conninfo: str) -> None:
    PostgresErp(postgres_conninfo, schema="shop").close()
    holders = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", HOLD_LOCK, postgres_conninfo, LOCK, f"p{i}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    try:
        results = [h.stdout.readline().strip() if h.stdout else "" for h in holders]
    finally:
        for h in holders:
            h.communicate("", timeout=30)
    assert sorted(results) == ["False", "False", "False", "True"]
    with PostgresErp(postgres_conninfo, schema="shop") as erp:
        # The winner exited without releasing: its lease holds until it runs out.
        assert not erp.lock.try_acquire(LOCK, "us")
        assert [g.owner for g in erp.lock.grants(LOCK)] == [f"p{results.index('True')}"]


@pytest.mark.parametrize(
    "store_id", ["shop-eu", "Shop-EU", "shop_eu", "SHOP.EU", "a" * 64, "ünïcode-shop", "9shop"]
)
def test_every_store_id_gets_a_valid_schema_of_its_own(store_id: str) -> None:
    schema = schema_for(store_id)
    assert SCHEMA_NAME.fullmatch(schema)
    assert schema == schema_for(store_id)  # stable across processes
    others = {"shop-eu", "Shop-EU", "shop_eu", "SHOP.EU"} - {store_id}
    assert all(schema_for(other) != schema for other in others)


def test_a_store_schema_is_a_usable_schema(postgres_conninfo: str) -> None:
    with PostgresErp(postgres_conninfo, schema=schema_for("Shop-EU")) as erp:
        assert erp.schema.startswith("store_shop_eu_")
        erp.sync_state.set_cursor("orders", T0)
