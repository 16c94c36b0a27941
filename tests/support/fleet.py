"""The fleet of the fleet test and benchmark: sandbox stores, their settings, the processes.

:func:`build_fleet` starts the sandbox stores (different seeds; some hostile, some with a
tight quota), writes each store's settings file and webhook secret (0600) into a folder for
``FolderStores``, and gives each store's ERP schema the store's items. :func:`celery_process`
runs ``celery -A support.fleet_app ...`` with the fleet's environment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bigcommerce_connect.adapters.postgres import PostgresErp, schema_for
from bigcommerce_connect.sandbox import Sandbox
from support.reliability import SOAK_FAULTS, all_awaiting_fulfillment, catalogue
from support.sandboxes import StartSandbox

TESTS = Path(__file__).resolve().parents[1]
AWAITING_FULFILLMENT = 11
AWAITING_SHIPMENT = 9


@dataclass
class FleetStore:
    """One store of the fleet: its sandbox and the orders that entered the "get" status."""

    store_id: str
    sandbox: Sandbox
    secret: str
    expected: set[int] = field(default_factory=set)

    @property
    def schema(self) -> str:
        """Its ERP's PostgreSQL schema (as support.fleet_app names it)."""
        return schema_for(self.store_id)

    def statuses(self, order_ids: Sequence[int]) -> dict[int, int]:
        """The store's status of each order."""
        with self.sandbox.store.locked() as store:
            return {i: store.orders[i]["status_id"] for i in order_ids}

    def waiting(self) -> int:
        """How many orders are in the "get" status now."""
        with self.sandbox.store.locked() as store:
            return sum(1 for o in store.orders.values() if o["status_id"] == AWAITING_FULFILLMENT)


@dataclass(frozen=True)
class Profile:
    """How hostile a store of the fleet is."""

    fault_rate: float = 0.0
    quota: tuple[int, float] | None = None
    latency_ms: float = 0.0


CALM = Profile()
FAULTY = Profile(fault_rate=0.05)
TIGHT = Profile(quota=(60, 1.0))


def build_fleet(
    folder: Path,
    start_sandbox: StartSandbox,
    conninfo: str,
    profiles: Sequence[Profile],
    *,
    orders: int,
) -> list[FleetStore]:
    """One sandbox store per profile, every order waiting; settings and ERP schemas written."""
    folder.mkdir(exist_ok=True)
    fleet = []
    for number, profile in enumerate(profiles):
        store_id = f"shop-{number:02d}"
        sandbox = start_sandbox(
            seed=1000 + number,
            orders=orders,
            customers=30,
            quota=profile.quota,
            latency_ms=profile.latency_ms,
        )
        if profile.fault_rate:
            # Faults that cost little time: a stall ends at the client's 2 s timeout.
            sandbox.knobs.fault_kinds = SOAK_FAULTS
            sandbox.knobs.fault_rate = profile.fault_rate
            sandbox.knobs.timeout_seconds = 3.0
        store = FleetStore(store_id, sandbox, secret=f"secret-{number}-{os.urandom(8).hex()}")
        store.expected.update(all_awaiting_fulfillment(sandbox))
        _write_settings(folder, store)
        with PostgresErp(conninfo, schema=store.schema, items=catalogue(sandbox)):
            pass
        fleet.append(store)
    return fleet


def _private_file(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)


def _write_settings(folder: Path, store: FleetStore) -> None:
    settings = {
        "api_path": store.sandbox.api_path,
        "api_token": store.sandbox.access_token,
        "allow_insecure_host": True,
        "auto_import": True,
        "notify_to": "ops",
    }
    _private_file(folder / f"{store.store_id}.json", json.dumps(settings))
    _private_file(folder / f"{store.store_id}.webhook-secret", store.secret)


def fleet_env(folder: Path, broker: str, conninfo: str, **extra: str) -> dict[str, str]:
    """The environment of the fleet's Celery processes (and of the test importing the app)."""
    path = os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "FLEET_BROKER": broker,
        "FLEET_STORES": str(folder),
        "FLEET_ERP": conninfo,
        **extra,
    }


@contextmanager
def celery_process(
    role: Sequence[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``celery -A support.fleet_app <role>`` until a warm shutdown (SIGTERM) at the end."""
    command = [sys.executable, "-m", "celery", "-A", "support.fleet_app", *role]
    with log.open("wb") as output:
        # This interpreter, our module, arguments from the caller's constants.
        process = subprocess.Popen(  # noqa: S603
            command, cwd=TESTS, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """SIGTERM (a worker finishes its current tasks), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (a prefork worker's pool processes)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.extend(int(child) for child in task.read_text().split())
    return found


def worker_role(concurrency: int, name: str) -> list[str]:
    """The arguments of a prefork worker with ``concurrency`` pool processes."""
    return [
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "--hostname",
        f"{name}@localhost",
    ]


def erp_counts(conninfo: str, fleet: Sequence[FleetStore]) -> dict[str, int]:
    """Sales orders in each store's ERP schema."""
    import psycopg

    counts: dict[str, Any] = {}
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for store in fleet:
            row = connection.execute(
                f"SELECT count(*) FROM {store.schema}.sales_orders"  # noqa: S608 - our names
            ).fetchone()
            counts[store.store_id] = int(row[0]) if row else 0
    return counts
