"""A first product export into an empty catalog: wall time against the network floor.

    .venv/bin/python benchmarks/bench_products.py [--products 10000] [--latency-ms 20]
        [--concurrency 4] [--repeats 1]

Each repeat starts a fresh sandbox with no products (in a child process, so its CPU is not
this process's), with ``--latency-ms`` added to every answer, and exports ``--products`` new
ERP items through ``ProductExporter`` with ``--concurrency`` creates in flight. The API has no
batch create, so the floor is one round trip per product spread over the creates in flight:
``floor_seconds = products x latency / concurrency``; ``floor_ratio = seconds / floor``.
``sku_lookups`` counts requests that look a SKU up (``?sku=``, ``?sku:in=``): 0 against an
empty catalog. Prints one JSON object (medians over the repeats); :func:`run` returns it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import threading
import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.export import ProductExporter
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


class LookupCounter:
    """The default transport, counting the requests that look a SKU up."""

    def __init__(self, max_connections: int) -> None:
        self.inner = Urllib3Transport(max_connections=max_connections)
        self.sku_lookups = 0
        self._lock = threading.Lock()

    def send(self, request: HttpRequest) -> HttpResponse:
        """Count a SKU lookup, then send."""
        if request.method == "GET" and "sku" in unquote(urlsplit(request.url).query):
            with self._lock:
                self.sku_lookups += 1
        return self.inner.send(request)

    def close(self) -> None:
        """Close the pool."""
        self.inner.close()


def _serve(latency_ms: float, conn: Any) -> None:
    """The child: one fresh, empty sandbox per ``"start"``; answers with the store's SKUs."""
    while conn.recv() == "start":
        config = SandboxConfig(seed=5, orders=0, customers=0, products=0, latency_ms=latency_ms)
        with run_sandbox(config) as sb:
            conn.send((sb.api_path, sb.access_token))
            conn.recv()  # "done"
            with sb.store.locked() as store:
                conn.send([str(p["sku"]) for p in store.products.values()])


def _erp(products: int) -> MemoryErp:
    erp = MemoryErp()
    for n in range(products):
        erp.item_source.put(
            f"I{n:06d}",
            ErpItem(
                item_code=f"BENCH-{n:06d}",
                description_1=f"Bench item {n}",
                price=Decimal("12.50"),
                weight=Decimal("1.5"),
                categories=[1 + n % 7],
            ),
        )
    return erp


def _once(conn: Any, products: int, concurrency: int) -> dict[str, Any]:
    conn.send("start")
    api_path, token = conn.recv()
    settings = StoreSettings(
        api_path=api_path, api_token=token, allow_insecure_host=True, concurrency=concurrency
    )
    transport = LookupCounter(max_connections=max(8, concurrency + 2))  # as connect() sizes it
    erp = _erp(products)
    with settings.connect(transport=transport) as client:
        exporter = ProductExporter.from_settings(
            settings, client, items=erp.item_source, bindings=erp.bindings, clock=FixedClock(T0)
        )
        started = time.perf_counter()
        report = exporter.export_changed()
        seconds = time.perf_counter() - started
    conn.send("done")
    skus: list[str] = conn.recv()
    created = report.counts["created"]
    if not created == len(skus) == len(set(skus)) == products:  # each product once
        raise SystemExit(f"expected {products} products, created {created}: {report.failed[:3]}")
    return {"seconds": seconds, "api_calls": report.api_calls, "sku_lookups": transport.sku_lookups}


def run(products: int, latency_ms: float, concurrency: int, repeats: int) -> dict[str, Any]:
    """Median wall time, API calls and SKU lookups of ``repeats`` first exports, with the floor."""
    context = multiprocessing.get_context("spawn")  # a clean child: nothing of ours forked
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(latency_ms, child), daemon=True)
    server.start()
    try:
        runs = [_once(parent, products, concurrency) for _ in range(repeats)]
    finally:
        parent.send("stop")
        server.join(10)
    seconds = statistics.median(r["seconds"] for r in runs)
    floor = products * latency_ms / 1000 / concurrency
    return {
        "products": products,
        "latency_ms": latency_ms,
        "concurrency": concurrency,
        "repeats": repeats,
        "seconds": round(seconds, 3),
        "api_calls": statistics.median(r["api_calls"] for r in runs),
        "sku_lookups": statistics.median(r["sku_lookups"] for r in runs),
        "floor_seconds": round(floor, 3),
        "floor_ratio": round(seconds / floor, 3) if floor else None,
        "runs_seconds": [round(r["seconds"], 3) for r in runs],
    }


def main() -> None:
    """The command line: print :func:`run`'s result as JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    result = run(args.products, args.latency_ms, args.concurrency, args.repeats)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
