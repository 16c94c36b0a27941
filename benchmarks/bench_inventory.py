"""Inventory push against the sandbox: 10,000 SKUs in at most 5 API calls.

    .venv/bin/python benchmarks/bench_inventory.py [--skus 10000] [--repeats 5] [--latency-ms 0]

Creates ``--skus`` simple products straight in the sandbox's state, binds them to ERP items
(as a product export leaves them), then per repeat changes every item's ERP stock and pushes
it: the push sends absolute adjustments, 2,000 items a request. Prints the API calls and the
median wall time of the pushes, checks the store shows the new stock, and checks that a push
with nothing changed costs no call. Exits non-zero if a push needs more than 5 calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.export import InventoryPusher
from bigcommerce_connect.ports import Binding
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sandbox.rows import new_product, new_variant

MAX_CALLS = 5
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def stock_the_store(sb: Sandbox, erp: MemoryErp, count: int) -> list[str]:
    """``count`` simple products in the store, each bound to an ERP item; their local ids."""
    local_ids = []
    with sb.store.locked() as store:
        for n in range(count):
            pid, vid = store.next_id("product"), store.next_id("variant")
            sku = f"BENCH-{n:05d}"
            product = new_product(
                pid, name=f"Bench {n}", sku=sku, price=Decimal(1), categories=[1], when=T0
            )
            product["base_variant_id"] = vid
            store.products[pid] = product
            store.variants[vid] = new_variant(vid, pid, sku, sku_id=None)
            store.inventory[(vid, 1)] = 0
            local_id = f"I{n}"
            erp.item_source.put(local_id, ErpItem(item_code=sku, quantity_on_hand=Decimal(0)))
            data = {"product_id": pid, "variant_id": vid}
            erp.bindings.bind(
                Binding(entity="product", external_id=str(pid), local_id=local_id, data=data)
            )
            erp.bindings.bind(
                Binding(entity="variant", external_id=str(vid), local_id=local_id, data=data)
            )
            local_ids.append(local_id)
    return local_ids


def one_push(
    sb: Sandbox, erp: MemoryErp, pusher: InventoryPusher, ids: list[str], base: int
) -> dict[str, Any]:
    for n, local_id in enumerate(ids):
        erp.item_source.set_quantity(local_id, base + n % 50)
    started = time.perf_counter()
    report = pusher.push()
    elapsed = time.perf_counter() - started
    if not report.ok or report.counts["updated"] != len(ids):
        raise SystemExit(f"push failed: {report.counts} {report.failed[:3]}")
    last = len(ids) - 1
    if sb.store.inventory_of(f"BENCH-{last:05d}") != base + last % 50:
        raise SystemExit("the store does not show the pushed stock")
    return {"api_calls": report.api_calls, "seconds": elapsed}


def run(skus: int, repeats: int = 5, latency_ms: float = 0.0) -> dict[str, Any]:
    """Push ``skus`` items ``repeats`` times; the calls, the median time, the unchanged push."""
    with run_sandbox(SandboxConfig(seed=3, orders=0, customers=0, products=0)) as sb:
        sb.knobs.latency_ms = latency_ms
        erp = MemoryErp()
        ids = stock_the_store(sb, erp, skus)
        client = BigCommerceClient(sb.api_path, sb.access_token, allow_insecure_host=True)
        pusher = InventoryPusher(
            client, stock=erp.stock, bindings=erp.bindings, clock=FixedClock(T0)
        )
        runs = [one_push(sb, erp, pusher, ids, base=10 * (r + 1)) for r in range(repeats)]
        unchanged = pusher.push()
        client.close()
    median = statistics.median(run["seconds"] for run in runs)
    return {
        "latency_ms": latency_ms,
        "api_calls": max(run["api_calls"] for run in runs),
        "seconds": median,
        "skus_per_second": skus / median,
        "calls_when_unchanged": unchanged.api_calls,
        "max_calls_allowed": MAX_CALLS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    result = {"skus": args.skus, **run(args.skus, args.repeats, args.latency_ms)}
    print(json.dumps(result, indent=2))
    if result["api_calls"] > MAX_CALLS or result["calls_when_unchanged"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
