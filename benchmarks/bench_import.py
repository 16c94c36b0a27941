"""Order import against the sandbox: API calls per order, orders/s, and memory while importing.

    .venv/bin/python benchmarks/bench_import.py [--orders 2000] [--latency-ms 20] [--repeats 3]
    .venv/bin/python benchmarks/bench_import.py --memory [--memory-orders 100000]

Part 1 imports ``--orders`` orders in Awaiting Fulfillment and moves each to Awaiting Shipment,
with the sandbox adding ``--latency-ms`` to every request. It runs both sides of the comparison
in one run — status moves one at a time and four at a time (the default) — repeats, and prints
medians and the ratio.

Part 2 (``--memory``) runs the sandbox in a spawned process and imports N orders, in another
freshly spawned process, into an ERP that keeps nothing (so only the importer's own memory is
measured), for N = 10% and 100% of ``--memory-orders``; flat memory means the two peaks are
about the same.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import statistics
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.notifications import Notification
from bigcommerce_connect.ports import Binding, ItemRef, LocalCustomer
from bigcommerce_connect.records import ErpCustomer, ErpSalesOrder
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter

AWAITING_FULFILLMENT = 11


def all_awaiting_fulfillment(sb: Sandbox) -> int:
    """Put every order of the sandbox in Awaiting Fulfillment, modified in the past."""
    # A large seed spreads orders over many months: some would be "modified" in the future.
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with sb.store.locked() as store:
        for order in store.orders.values():
            order["status_id"] = AWAITING_FULFILLMENT
            order["date_modified"] = min(order["date_modified"], yesterday)
        return len(store.orders)


def importer_for(
    api_path: str, token: str, erp: Any, concurrency: int, *, move: bool = True
) -> StoreImporter:
    settings = StoreSettings(api_path=api_path, api_token=token, allow_insecure_host=True)
    client = settings.connect()
    clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=clock)
    options = ImportOptions(
        settle=timedelta(0), status_move_concurrency=concurrency, move_statuses=move
    )
    return StoreImporter(client, settings, ports, options)


def catalogue(sb: Sandbox) -> list[ItemRef]:
    with sb.store.locked() as store:
        return [ItemRef(local_id=str(v["id"]), sku=v["sku"]) for v in store.variants.values()]


def one_import(sb: Sandbox, concurrency: int) -> dict[str, float]:
    count = all_awaiting_fulfillment(sb)
    importer = importer_for(sb.api_path, sb.access_token, MemoryErp(catalogue(sb)), concurrency)
    started = time.perf_counter()
    report = importer.import_orders()
    elapsed = time.perf_counter() - started
    importer.client.close()
    assert report.orders_imported == count, report.to_dict()
    return {
        "orders": count,
        "calls_per_order": report.api_calls / count,
        "orders_per_second": count / elapsed,
        "seconds": elapsed,
    }


def throughput(orders: int, latency_ms: float, repeats: int) -> dict[str, Any]:
    config = SandboxConfig(seed=7, orders=orders, customers=200, products=60)
    results: dict[int, list[dict[str, float]]] = {1: [], 4: []}
    with run_sandbox(config) as sb:
        sb.knobs.latency_ms = latency_ms
        for _, concurrency in itertools.product(range(repeats), (1, 4)):
            results[concurrency].append(one_import(sb, concurrency))
    summary = {
        f"concurrency_{c}": {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for c, runs in results.items()
    }
    summary["speedup_4_vs_1"] = (
        summary["concurrency_4"]["orders_per_second"]
        / summary["concurrency_1"]["orders_per_second"]
    )
    return summary


class NullErp:
    """Ports that keep nothing, so a memory measurement sees only the importer.

    Every SKU has two ERP items, so every order line sends an election notification: the
    importer's own bookkeeping of notifications is measured too (the notifier drops them).
    """

    def __init__(self) -> None:
        base = MemoryErp()
        self.unit_of_work = base.unit_of_work
        self.sync_state = base.sync_state
        self.quarantine = base.quarantine
        self.lock = base.lock
        self.notifier = self
        self.webhook_receipts = base.webhook_receipts
        self.bindings = self
        self.customers = _NullRepository()
        self.sales_orders = _NullRepository()
        self.items = self

    def get(self, entity: str, external_id: str) -> Binding | None:
        return None

    def get_by_local(self, entity: str, local_id: str) -> Binding | None:
        return None

    def bind(self, binding: Binding) -> None:
        return None

    def find_by_sku(self, sku: str) -> Sequence[ItemRef]:
        return [ItemRef(local_id="1", sku=sku), ItemRef(local_id="2", sku=sku)]

    def notify(self, notification: Notification) -> None:
        return None


class _NullRepository:
    def __init__(self) -> None:
        self.count = 0

    def find_by_email(self, email: str) -> Sequence[LocalCustomer]:
        return []

    def create(self, record: ErpCustomer | ErpSalesOrder, **_: Any) -> str:
        self.count += 1
        return str(self.count)

    def update(self, local_id: str, record: Any, **_: Any) -> None:
        return None


def _serve(orders: int, conn: Any) -> None:
    with run_sandbox(SandboxConfig(seed=9, orders=orders, customers=500, products=60)) as sb:
        all_awaiting_fulfillment(sb)
        conn.send((sb.api_path, sb.access_token))
        conn.recv()  # serve until the parent says stop


def _rss_kib(field: str) -> int:
    # VmRSS: resident now; VmHWM: the peak so far (Linux /proc).
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _measure(api_path: str, token: str, conn: Any, move: bool) -> None:
    importer = importer_for(api_path, token, NullErp(), 4, move=move)
    before = _rss_kib("VmRSS")
    started = time.perf_counter()
    report = importer.import_orders()
    elapsed = time.perf_counter() - started
    conn.send((report.orders_imported, report.api_calls, elapsed, before, _rss_kib("VmHWM")))


def peak_memory(orders: int, *, move: bool = False) -> dict[str, float]:
    """Import ``orders`` in a fresh process; return its peak memory growth during the import.

    ``move``: move each order too (the pipelined run: pages read ahead, movers in flight).

    Both the sandbox and the importer are spawned interpreters, never forks of the caller: a
    fork would start from the caller's heap (and its freed pages) and hide the growth.
    """
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    server = spawn.Process(target=_serve, args=(orders, child), daemon=True)
    server.start()
    api_path, token = parent.recv()
    try:
        here, there = spawn.Pipe()
        worker = spawn.Process(target=_measure, args=(api_path, token, there, move))
        worker.start()
        imported, calls, elapsed, before, peak = here.recv()
        worker.join(timeout=30)
    finally:
        parent.send("stop")
        server.join(timeout=30)
    assert imported == orders, (imported, orders)
    return {
        "orders": orders,
        "peak_growth_mib": (peak - before) / 1024,
        "seconds": elapsed,
        "api_calls": calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="measure memory instead")
    parser.add_argument("--memory-orders", type=int, default=100_000)
    args = parser.parse_args()
    if args.memory:
        small = peak_memory(args.memory_orders // 10)
        large = peak_memory(args.memory_orders)
        result: dict[str, Any] = {"small": small, "large": large}
        result["growth_ratio"] = large["peak_growth_mib"] / max(small["peak_growth_mib"], 0.1)
    else:
        result = throughput(args.orders, args.latency_ms, args.repeats)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
