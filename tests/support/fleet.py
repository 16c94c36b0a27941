"""The fleet of the fleet test and benchmark: sandbox stores, their settings, their ERPs.

:func:`build_fleet` starts the sandbox stores (different seeds; some hostile, some with a
tight quota), writes each store's settings file and webhook secret (0600) into a folder for
``FolderStores``, and gives each store's ERP schema the store's items. :func:`fleet_env` is
the environment of ``celery -A support.fleet_app`` (run with support.celery_workers).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bigcommerce_connect.adapters.postgres import PostgresErp, schema_for
from bigcommerce_connect.sandbox import Sandbox
from support.celery_workers import python_path, write_webhook_secret
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
    """The store's settings file and webhook secret, both private."""
    settings = {
        "api_path": store.sandbox.api_path,
        "api_token": store.sandbox.access_token,
        "allow_insecure_host": True,
        "auto_import": True,
        "notify_to": "ops",
    }
    _private_file(folder / f"{store.store_id}.json", json.dumps(settings))
    write_webhook_secret(folder, store.store_id, store.secret)


def fleet_env(folder: Path, broker: str, conninfo: str, **extra: str) -> dict[str, str]:
    """The environment of the fleet's Celery processes (and of the test importing the app)."""
    return {
        **os.environ,
        "PYTHONPATH": python_path(TESTS),
        "FLEET_BROKER": broker,
        "FLEET_STORES": str(folder),
        "FLEET_ERP": conninfo,
        **extra,
    }


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
