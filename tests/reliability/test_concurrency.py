"""Concurrency: two runners at once -> exactly once; the store lock is held for the whole run.

Threads with the memory ERP and the SQLite ERP (one file, two connections) are in
``tests/sync``; here: two *processes* on one SQLite file (with the real lock, and with a lock
that always grants so only the bindings stand guard), SQLite threads with the lock bypassed,
and the lease renewal that keeps a long run's lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.memory import FixedClock
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import RunReport
from support.reliability import (
    all_awaiting_fulfillment,
    assert_exactly_once,
    catalogue,
    fast_client,
    runner_for,
    settings_for,
)

SCRIPT = Path(__file__).resolve().parents[1] / "support" / "crash_import.py"


@pytest.fixture
def store() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=31, orders=80, customers=20, products=15)) as sb:
        sb.knobs.latency_ms = 3  # long enough for the two runners' requests to interleave
        yield sb


def start_child(sb: Sandbox, db: Path, barrier: Path, **env: str) -> subprocess.Popen[str]:
    environ = {**os.environ, "RUNNER": "sync", "START_BARRIER": str(barrier), **env}
    return subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), sb.api_path, sb.access_token, str(db)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("lock", ["sqlite-lock", "no-lock"])
def test_two_processes_on_one_sqlite_file_import_exactly_once(
    store: Sandbox, tmp_path: Path, lock: str
) -> None:
    ids = all_awaiting_fulfillment(store)
    db = tmp_path / "erp.db"
    with SqliteErp(db, items=catalogue(store)):
        pass
    env = {"BYPASS_LOCK": "1"} if lock == "no-lock" else {}
    children = [start_child(store, db, tmp_path / "go", **env) for _ in range(2)]
    reports = []
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode in (0, 1), err[-2000:]
        reports.append(json.loads(out))
    imported = sum(r["orders_imported"] for r in reports)
    if lock == "sqlite-lock":
        # One process ran, the other found the lock taken and did nothing.
        assert sorted(bool(r["failed"]) for r in reports) == [False, True]
        assert "another import of this store is running" in str(reports)
    else:
        assert not any(r["failed"] for r in reports), reports
    assert imported == len(ids)
    with SqliteErp(db) as erp:
        assert_exactly_once(store, erp, ids)


def test_two_sqlite_runners_in_threads_without_the_lock(store: Sandbox, tmp_path: Path) -> None:
    # Two connections to one file and no lock between them: the unique binding (inside each
    # order's transaction) is what keeps one ERP order per store order.
    ids = all_awaiting_fulfillment(store)
    db = tmp_path / "erp.db"
    erps = [SqliteErp(db, items=catalogue(store)), SqliteErp(db)]
    settings = settings_for(store)
    clients = [fast_client(store, settings) for _ in erps]
    runners = [runner_for(c, settings, e) for c, e in zip(clients, erps, strict=True)]
    for i, runner in enumerate(runners):
        runner.importer._owner = f"owner-{i}"
        runner.importer.ports.lock.try_acquire = lambda name, owner: True  # type: ignore[method-assign]
    start = threading.Barrier(2)
    reports: list[RunReport] = []

    def run(index: int) -> None:
        start.wait()
        reports.append(runners[index].run_now())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not any(r.failed for r in reports), [r.errors for r in reports]
        assert sum(r.orders_imported for r in reports) == len(ids)
        assert_exactly_once(store, erps[0], ids)
    finally:
        for client in clients:
            client.close()
        for erp in erps:
            erp.close()


def test_a_run_longer_than_the_lease_keeps_its_lock(store: Sandbox, tmp_path: Path) -> None:
    ids = all_awaiting_fulfillment(store)
    clock = FixedClock(datetime.now(timezone.utc))
    lease = timedelta(minutes=1)
    name = f"{store.store_hash}:import"
    settings = settings_for(store)
    with (
        SqliteErp(
            tmp_path / "erp.db", items=catalogue(store), lock_lease=lease, clock=clock
        ) as erp,
        fast_client(store, settings) as client,
    ):
        runner = runner_for(client, settings, erp, page_size=10)
        contested: list[bool] = []

        def page_done(stage: str, report: RunReport) -> None:
            # Another runner tries after every page; each page "takes" 50 s of lock time, so
            # the whole run is far longer than the 1-minute lease.
            contested.append(erp.lock.try_acquire(name, "cron-started-twin"))
            clock.current += timedelta(seconds=50)

        runner.importer.progress = page_done
        report = runner.run_now()
        assert not report.failed, report.errors
        assert len(contested) >= 5
        assert not any(contested)
        assert_exactly_once(store, erp, ids)


def test_a_run_whose_lock_is_taken_over_stops(store: Sandbox, tmp_path: Path) -> None:
    all_awaiting_fulfillment(store)
    clock = FixedClock(datetime.now(timezone.utc))
    name = f"{store.store_hash}:import"
    settings = settings_for(store)
    with (
        SqliteErp(tmp_path / "erp.db", items=catalogue(store), clock=clock) as erp,
        fast_client(store, settings) as client,
    ):
        runner = runner_for(client, settings, erp, page_size=10)

        def stalled(stage: str, report: RunReport) -> None:
            # The run stalls past its lease and a twin takes the lock over.
            clock.current += erp.lock.lease + timedelta(seconds=1)
            assert erp.lock.try_acquire(name, "twin")

        runner.importer.progress = stalled
        report = runner.run_now()
        assert report.failed
        assert "taken over" in " ".join(report.errors)
        assert erp.sync_state.get_cursor("orders") is None
        assert erp.lock.holder(name) == "twin"
