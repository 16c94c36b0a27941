"""Fleet throughput: orders per second across 20 stores with 1, 2 and 4 Celery workers.

    .venv/bin/python benchmarks/bench_fleet.py              # 20 stores x 300 orders, 3 rounds
    .venv/bin/python benchmarks/bench_fleet.py --quick      # 20 stores x 60 orders, 1 round
    .venv/bin/python benchmarks/bench_fleet.py --write-docs # also benchmarks/results/fleet.json

The fleet of the fleet test (tests/support/fleet.py, tests/support/fleet_app.py):
``contrib.celery`` over ``PostgresErp`` with a real Redis broker and a real PostgreSQL server
(started here as the tests start them, on loopback), and 20 sandbox stores answering after
20 ms, each with its own quota of 150 requests / 3 s (BigCommerce's quotas are per store).
One arm: fresh stores and a fresh database, one prefork worker with N pool processes, one
``sync_store`` per store enqueued at once; the clock runs from the first enqueue until every
store's ERP holds every order. Arms alternate (1, 2, 4, 1, 2, 4, ...) so a noisy neighbour
hits all of them; medians and ratios to one worker are reported, with the 429s each store
saw (the SDK paces itself by the store's rate-limit headers: it should see none).

Needs the ``celery`` and ``postgres`` extras and the Debian ``redis-server`` and
``postgresql`` packages (``.ci/run`` installs them). Not pass/fail: numbers for people.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the fleet's support modules

from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox  # noqa: E402
from support.celery_workers import celery_process, prefork_worker  # noqa: E402
from support.fleet import TESTS, Profile, build_fleet, erp_counts, fleet_env  # noqa: E402
from support.postgres_server import start_postgres  # noqa: E402
from support.redis_server import start_redis  # noqa: E402

RESULTS = HERE / "results" / "fleet.json"
STORES = 20
WORKER_COUNTS = (1, 2, 4)
#: A store as the fleet meets it: 20 ms away, its own quota.
STORE = Profile(quota=(150, 3.0), latency_ms=20.0)
#: The longest an arm may take before it is called failed.
ARM_DEADLINE = 900.0


def run_arm(workers: int, orders: int, folder: Path, redis_url: str, server: Any) -> dict[str, Any]:
    """One measurement: a fresh fleet imported by one worker with ``workers`` processes."""
    database = f"fleet_{workers}_{os.urandom(4).hex()}"
    conninfo = server.create_database(database)
    with ExitStack() as stack:

        def start_sandbox(**config: Any) -> Any:
            return stack.enter_context(run_sandbox(SandboxConfig(**config)))

        fleet = build_fleet(folder, start_sandbox, conninfo, [STORE] * STORES, orders=orders)
        total = sum(len(store.expected) for store in fleet)
        env = fleet_env(folder, redis_url, conninfo, FLEET_EVERY="3600", FLEET_LEASE="300")
        os.environ.update({k: v for k, v in env.items() if k.startswith("FLEET_")})
        sys.modules.pop("support.fleet_app", None)
        import support.fleet_app as fleet_app

        log = folder / f"worker-{workers}.log"
        role = prefork_worker(workers, f"bench{workers}")
        with celery_process("support.fleet_app", role, env=env, log=log, cwd=TESTS) as worker:
            started = time.perf_counter()
            for store in fleet:
                fleet_app.integration.sync_store.delay(store.store_id)
            while sum(erp_counts(conninfo, fleet).values()) < total:
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker exited: {log.read_text()[-2000:]}")
                if time.perf_counter() - started > ARM_DEADLINE:
                    raise RuntimeError("the arm did not finish in time")
                time.sleep(0.05)  # polling the ERP; the measurement's resolution
            seconds = time.perf_counter() - started
        rate_limited = {s.store_id: s.sandbox.requests.count(status=429) for s in fleet}
        calls = sum(len(s.sandbox.requests) for s in fleet)
    server.drop_database(database)
    return {
        "workers": workers,
        "orders": total,
        "seconds": round(seconds, 3),
        "orders_per_second": round(total / seconds, 1),
        "api_calls": calls,
        "responses_429": sum(rate_limited.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 orders a store, one round")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--orders", type=int, default=None, help="orders a store")
    parser.add_argument("--write-docs", action="store_true", help="write results/fleet.json")
    args = parser.parse_args(argv)
    orders = args.orders or (60 if args.quick else 300)
    rounds = args.rounds or (1 if args.quick else 3)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with start_redis(root) as redis, start_postgres(root / "pg") as server:
            for round_number in range(rounds):
                for workers in WORKER_COUNTS:
                    folder = root / f"stores-{round_number}-{workers}"
                    arm = run_arm(workers, orders, folder, redis.url, server)
                    print(json.dumps(arm), flush=True)
                    runs.append(arm)
    summary = summarise(runs)
    print(json.dumps(summary, indent=2))
    if args.write_docs:
        RESULTS.write_text(json.dumps({"runs": runs, **summary}, indent=2) + "\n")
    return 0


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median orders per second per worker count, and the ratio to one worker."""
    medians = {
        workers: statistics.median(r["orders_per_second"] for r in runs if r["workers"] == workers)
        for workers in WORKER_COUNTS
    }
    return {
        "command": "python benchmarks/bench_fleet.py",
        "stores": STORES,
        "store_latency_ms": STORE.latency_ms,
        "store_quota": f"{STORE.quota[0]} requests / {STORE.quota[1]:g} s" if STORE.quota else None,
        "cpus": os.cpu_count(),
        "median_orders_per_second": {str(w): round(v, 1) for w, v in medians.items()},
        "ratio_to_one_worker": {str(w): round(v / medians[1], 2) for w, v in medians.items()},
        "responses_429": sum(r["responses_429"] for r in runs),
    }


if __name__ == "__main__":
    sys.exit(main())
