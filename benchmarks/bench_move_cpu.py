"""SDK CPU per imported order: a normal ``import_orders`` run, end to end, status moves included.

    .venv/bin/python benchmarks/bench_move_cpu.py [--orders 2000] [--repeats 3]

The importing process is a fresh spawned interpreter; the sandbox runs in a child process of
its own, so ``time.process_time()`` around ``import_orders()`` counts only the importer: the
client, the import (its threads included) and an ERP that keeps nothing (``NullErp``, so the
host's storage is not counted). Every run starts from every order in Awaiting Fulfillment
(the sandbox's process resets them). A first, unmeasured run warms the process up (lazy
imports, converter hooks); then ``--repeats`` measured runs,
median. The headline is ``sdk_cpu_ms_per_order``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from typing import Any

#: Fresh interpreters: nothing inherited from the caller (imports, heap, CPU affinity aside).
SPAWN = multiprocessing.get_context("spawn")


def _serve(orders: int, conn: Any) -> None:
    from bench_import import all_awaiting_fulfillment
    from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox

    with run_sandbox(SandboxConfig(seed=9, orders=orders, customers=500, products=60)) as sb:
        conn.send((sb.api_path, sb.access_token))
        for command in iter(conn.recv, "stop"):
            if command == "reset":
                conn.send(all_awaiting_fulfillment(sb))


def _cpu_ms_per_order(api_path: str, token: str, sandbox: Any) -> float:
    from bench_import import NullErp, importer_for

    sandbox.send("reset")
    count: int = sandbox.recv()
    importer = importer_for(api_path, token, NullErp(), 4)
    started = time.process_time()
    report = importer.import_orders()
    cpu = time.process_time() - started
    importer.client.close()
    assert report.orders_imported == report.statuses_moved == count, report.to_dict()
    return cpu * 1000 / count


def _measure(orders: int, repeats: int, conn: Any) -> None:
    """The importing process: start the sandbox's process, warm up, measure ``repeats`` runs."""
    sandbox, child = SPAWN.Pipe()
    server = SPAWN.Process(target=_serve, args=(orders, child), daemon=True)
    server.start()
    child.close()
    try:
        api_path, token = sandbox.recv()
        warmup = _cpu_ms_per_order(api_path, token, sandbox)
        runs = [_cpu_ms_per_order(api_path, token, sandbox) for _ in range(repeats)]
    finally:
        sandbox.send("stop")
        server.join(timeout=30)
    conn.send(
        {
            "orders": orders,
            "repeats": repeats,
            "sdk_cpu_ms_per_order": statistics.median(runs),
            "runs_ms_per_order": [round(run, 4) for run in runs],
            "warmup_ms_per_order": round(warmup, 4),
        }
    )


def run(orders: int, repeats: int) -> dict[str, Any]:
    """Median CPU ms per imported order of ``repeats`` runs, measured in a fresh process."""
    here, there = SPAWN.Pipe()
    worker = SPAWN.Process(target=_measure, args=(orders, repeats, there))
    worker.start()
    there.close()  # a worker that dies reads as EOF here
    try:
        result: dict[str, Any] = here.recv()
    finally:
        worker.join(timeout=60)
    return result


def main() -> None:
    """Command-line entry point: print the measurement as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.orders, args.repeats), indent=2))


if __name__ == "__main__":
    main()
