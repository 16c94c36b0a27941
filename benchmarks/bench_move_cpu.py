"""SDK CPU per imported order, status moves with and without a model built from each echo.

    .venv/bin/python benchmarks/bench_move_cpu.py [--orders 2000] [--repeats 3]

The sandbox runs in a child process, so ``time.process_time()`` around the import counts only
this process: the client, the importer and an ERP that keeps nothing (``NullErp``). Both arms
run in one run against the same store: "before" moves with ``orders.set_status`` (an
``Order`` built from every PUT's echo, as the importer did), "after" with ``orders.move``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from typing import Any

from bench_import import NullErp, all_awaiting_fulfillment, importer_for
from bigcommerce_connect.resources.orders import OrdersResource
from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox


def _serve(orders: int, conn: Any) -> None:
    with run_sandbox(SandboxConfig(seed=9, orders=orders, customers=500, products=60)) as sb:
        conn.send((sb.api_path, sb.access_token))
        while conn.recv() == "reset":
            conn.send(all_awaiting_fulfillment(sb))


def _cpu_ms_per_order(api_path: str, token: str, conn: Any) -> float:
    conn.send("reset")
    count: int = conn.recv()
    importer = importer_for(api_path, token, NullErp(), 4)
    started = time.process_time()
    report = importer.import_orders()
    cpu = time.process_time() - started
    importer.client.close()
    assert report.orders_imported == report.statuses_moved == count, report.to_dict()
    return cpu * 1000 / count


def _move_with_model(self: OrdersResource, order_id: int, status_id: int) -> None:
    self.set_status(order_id, status_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(args.orders, child), daemon=True)
    server.start()
    api_path, token = parent.recv()
    move = OrdersResource.move
    arms = {"before (set_status)": _move_with_model, "after (move)": move}
    try:
        for name, mover in arms.items():
            OrdersResource.move = mover  # type: ignore[method-assign]
            runs = [_cpu_ms_per_order(api_path, token, parent) for _ in range(args.repeats)]
            shown = ", ".join(f"{run:.3f}" for run in runs)
            print(f"{name}: {statistics.median(runs):.3f} ms/order (median; runs {shown})")
    finally:
        OrdersResource.move = move  # type: ignore[method-assign]
        parent.send("stop")
        server.join(5)


if __name__ == "__main__":
    main()
