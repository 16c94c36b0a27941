"""Many stores on Celery with PostgreSQL: exactly once, one cycle per store at a time.

Twenty sandbox stores (different seeds; some answer with faults, some with a tight quota) of
300 waiting orders each; two prefork workers of two pool processes each (four worker
processes, as on two machines) and beat, from ``support.fleet_app``
(``contrib.celery.register`` over ``PostgresErp``), a real Redis broker and a real PostgreSQL
server. Part way through, a pool process holding a store's lock is killed with SIGKILL (its
worker requeues the task), new orders arrive in some stores with their webhook deliveries
(each delivered twice) enqueued through ``handle_webhook``, and then a whole worker is killed
with SIGKILL while one of its processes holds a store's lock (Redis redelivers its tasks
after the visibility timeout).

At the end, for every store: every order that entered the "get" status is in the ERP exactly
once, bound, and moved in the store; the lock's grant history shows no two holdings of the
store's lock overlapping, and only killed processes left a holding unreleased (taken over
once its lease ran out); the broker holds no task, waiting or unacknowledged, and no task
ended in failure (beat entries that expired unstarted aside, by design).

Run: python -m pytest -m fleet (CI does, with both servers installed, and allows no skip).
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip(
    "celery", reason="the celery extra is not installed (pip install -e '.[celery]')"
)
pytest.importorskip(
    "psycopg", reason="the postgres extra is not installed (pip install -e '.[postgres]')"
)

from bigcommerce_connect.adapters.postgres import LockGrant, PostgresErp
from bigcommerce_connect.sandbox.webhooks import build_payload
from bigcommerce_connect.sync.webhooks import SECRET_HEADER
from support.celery_workers import celery_process, children, prefork_worker, stop, tail
from support.fleet import (
    AWAITING_FULFILLMENT,
    AWAITING_SHIPMENT,
    CALM,
    FAULTY,
    TESTS,
    TIGHT,
    FleetStore,
    build_fleet,
    erp_counts,
    fleet_env,
)
from support.redis_server import RedisServer
from support.sandboxes import StartSandbox

pytestmark = [pytest.mark.fleet, pytest.mark.timeout(900)]

#: The Celery application every fleet process runs (tests/support/fleet_app.py).
APP = "support.fleet_app"
STORES = 20
ORDERS = 300
#: Two prefork workers ("machines") of two pool processes each: four worker processes.
WORKERS = ("fleet-a", "fleet-b")
POOL = 2
#: Stores that get new orders with webhook deliveries part way, and how many each.
WEBHOOK_STORES = 5
WEBHOOK_ORDERS = 4
#: How long the fleet may take to import everything before the test gives up.
DEADLINE_POLLS = 2400  # of 0.25 s each: 10 minutes
PROFILES = [(CALM, FAULTY, TIGHT, CALM)[n % 4] for n in range(STORES)]
#: Short, so that the test waits out a dead holder's lease and a dead worker's tasks.
LEASE_SECONDS = "15"
VISIBILITY_SECONDS = "20"


@pytest.fixture
def fleet_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """Import ``support.fleet_app`` afresh in this process (to enqueue webhooks)."""

    def load() -> ModuleType:
        sys.modules.pop("support.fleet_app", None)
        return importlib.import_module("support.fleet_app")

    yield load  # type: ignore[misc]
    sys.modules.pop("support.fleet_app", None)


def test_a_fleet_imports_every_order_exactly_once_through_killed_workers(
    tmp_path: Path,
    start_sandbox: StartSandbox,
    postgres_conninfo: str,
    redis_server: RedisServer,
    fleet_app: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "stores"
    fleet = build_fleet(folder, start_sandbox, postgres_conninfo, PROFILES, orders=ORDERS)
    knobs = {
        "FLEET_EVERY": "3",
        "FLEET_LEASE": LEASE_SECONDS,
        "FLEET_VISIBILITY": VISIBILITY_SECONDS,
    }
    env = fleet_env(folder, redis_server.url, postgres_conninfo, **knobs)
    for name, value in env.items():
        if name.startswith("FLEET_"):
            monkeypatch.setenv(name, value)
    app = fleet_app()  # type: ignore[operator]
    beat_role = ["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")]
    total = sum(len(store.expected) for store in fleet)

    def imported_at_least(share: float) -> bool:
        return sum(erp_counts(postgres_conninfo, fleet).values()) >= total * share

    a_log, b_log = tmp_path / "worker-a.log", tmp_path / "worker-b.log"
    fleet_process = partial(celery_process, APP, env=env, cwd=TESTS)
    with (
        fleet_process(prefork_worker(POOL, WORKERS[0]), log=a_log) as survivor,
        fleet_process(prefork_worker(POOL, WORKERS[1]), log=b_log) as doomed,
        fleet_process(beat_role, log=tmp_path / "beat.log") as beat,
    ):
        _wait(lambda: imported_at_least(0.2), survivor, a_log)
        # A pool process dies mid-cycle (OOM killer, say): its worker requeues the task.
        killed = _kill_a_lock_holder(survivor, postgres_conninfo, fleet, whole_worker=False)
        _deliver_webhooks(app, fleet[:WEBHOOK_STORES])
        _wait(lambda: imported_at_least(0.4), survivor, a_log)
        # A whole worker dies mid-cycle (its machine gone): Redis redelivers its tasks.
        killed |= _kill_a_lock_holder(doomed, postgres_conninfo, fleet, whole_worker=True)
        _wait(lambda: _all_imported(postgres_conninfo, fleet, killed), survivor, a_log)
        stop(beat)
        _wait(lambda: _broker_drained(redis_server), survivor, a_log)

    assert survivor.returncode == 0, tail(a_log)
    dead_holdings = 0
    for store in fleet:
        _assert_exactly_once(store, postgres_conninfo)
        dead_holdings += _assert_one_holder_at_a_time(store, postgres_conninfo, killed)
    assert dead_holdings >= 2, "each kill should have ended a holding of a store lock"
    _assert_no_task_failed(redis_server)


def _wait(done: Callable[[], bool], worker: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``done()`` until true; a worker that died ends the wait at once."""
    for _ in range(DEADLINE_POLLS):
        if done():
            return
        # Waiting on the worker, not sleeping: returns at once if it died.
        try:
            worker.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"the worker exited ({worker.returncode}): {tail(log)}")
    pytest.fail(f"the fleet did not finish in time: {tail(log)}")


def _lock_owners(conninfo: str, fleet: list[FleetStore]) -> list[str]:
    owners = []
    for store in fleet:
        with PostgresErp(conninfo, schema=store.schema) as erp:
            owners.extend(owner for (owner,) in erp.database.all("SELECT owner FROM locks"))
    return owners


def _pid(owner: str) -> int:
    """The process id in a lock owner (``host:pid:id``)."""
    return int(owner.split(":")[1])


def _kill_a_lock_holder(
    worker: subprocess.Popen[bytes], conninfo: str, fleet: list[FleetStore], *, whole_worker: bool
) -> set[int]:
    """SIGKILL a pool process of ``worker`` while it holds a store's lock (mid-cycle), or the
    whole worker then; the process ids that died."""
    for _ in range(DEADLINE_POLLS):
        pool = children(worker.pid)
        for owner in _lock_owners(conninfo, fleet):
            if _pid(owner) in pool:
                victims = [worker.pid, *pool] if whole_worker else [_pid(owner)]
                for pid in victims:
                    os.kill(pid, signal.SIGKILL)
                return set(victims)
        with pytest.raises(subprocess.TimeoutExpired):
            worker.wait(timeout=0.05)  # not sleeping: a dead worker fails the test here
    pytest.fail("no pool process was ever seen holding a store lock")


def _deliver_webhooks(app: ModuleType, stores: list[FleetStore]) -> None:
    """New orders in ``stores``; each store/order/created delivery enqueued twice."""
    for store in stores:
        secret_headers = {SECRET_HEADER: store.secret, "Content-Type": "application/json"}
        for _ in range(WEBHOOK_ORDERS):
            order_id = store.sandbox.store.add_order(status_id=AWAITING_FULFILLMENT)
            store.expected.add(order_id)
            data = {"type": "order", "id": order_id}
            body = json.dumps(build_payload(store.sandbox.store, "store/order/created", data))
            for _ in range(2):  # BigCommerce delivers again when unsure
                app.integration.enqueue_webhook(store.store_id, secret_headers, body.encode())


def _all_imported(conninfo: str, fleet: list[FleetStore], killed: set[int]) -> bool:
    """Every order in its ERP and moved, and every dead holder's store taken over since."""
    counts = erp_counts(conninfo, fleet)
    if any(counts[s.store_id] < len(s.expected) or s.waiting() for s in fleet):
        return False
    return all(_taken_over(_grants(conninfo, store), killed) for store in fleet)


def _grants(conninfo: str, store: FleetStore) -> list[LockGrant]:
    with PostgresErp(conninfo, schema=store.schema) as erp:
        return erp.lock.grants()


def _taken_over(grants: list[LockGrant], killed: set[int]) -> bool:
    """No holding by a killed process is the store's last: a later cycle took the store over."""
    return not grants or _pid(grants[-1].owner) not in killed


def _broker_drained(redis: RedisServer) -> bool:
    """Nothing waiting in the queue and nothing delivered but unacknowledged."""
    import redis as redis_client

    with redis_client.Redis.from_url(redis.url) as connection:
        waiting = connection.llen("celery")
        unacked = connection.hlen("unacked")
    return waiting == 0 and unacked == 0


def _assert_exactly_once(store: FleetStore, conninfo: str) -> None:
    with PostgresErp(conninfo, schema=store.schema) as erp:
        refs = Counter(order.external_ref for order, _ in erp.sales_orders.all().values())
        bound = {int(b.external_id): b.local_id for b in erp.bindings.all("order")}
        orders = erp.sales_orders.all()
    twice = sorted(ref for ref, times in refs.items() if times > 1)
    assert not twice, f"{store.store_id}: imported more than once: {twice}"
    assert set(refs) == {str(i) for i in store.expected}, store.store_id
    assert set(bound) == store.expected, store.store_id
    assert all(orders[local][0].external_ref == str(ext) for ext, local in bound.items())
    statuses = store.statuses(sorted(store.expected))
    assert set(statuses.values()) == {AWAITING_SHIPMENT}, store.store_id


def _assert_one_holder_at_a_time(store: FleetStore, conninfo: str, killed: set[int]) -> int:
    """No two holdings of the store's lock overlap; how many ended with a killed process."""
    grants = _grants(conninfo, store)
    assert grants, f"{store.store_id}: no cycle ever took the store lock"
    for before, after in itertools.pairwise(grants):
        assert before.ended_at <= after.granted_at, (
            f"{store.store_id}: {after.owner} took the lock at {after.granted_at} while "
            f"{before.owner} held it until {before.ended_at}"
        )
    # Only a killed process leaves a holding unreleased (it died holding the lock; the next
    # holder waited out its lease, checked above). It may have released others before.
    unreleased = [grant for grant in grants if grant.released_at is None]
    kept = [grant.owner for grant in unreleased if _pid(grant.owner) not in killed]
    assert not kept, f"{store.store_id}: {kept} never released the lock"
    return len(unreleased)


def _assert_no_task_failed(redis: RedisServer) -> None:
    import redis as redis_client

    with redis_client.Redis.from_url(redis.url) as connection:
        states = Counter(
            _state(json.loads(connection.get(key) or b"{}"))
            for key in connection.scan_iter("celery-task-meta-*")
        )
    assert states["SUCCESS"], "the result backend holds no finished task"
    # Beat's entries expire when not started before the next is due (dropped, not stacked):
    # such a task is REVOKED with "expired" and never ran. Nothing else may end otherwise.
    assert set(states) <= {"SUCCESS", "REVOKED:expired"}, states


def _state(meta: dict[str, Any]) -> str:
    status = str(meta.get("status"))
    if status == "REVOKED":
        result = meta.get("result") or {}
        return f"REVOKED:{' '.join(map(str, result.get('exc_message') or []))}"
    return status
