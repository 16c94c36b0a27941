"""Every benchmark of the issue in one run; results to JSON and a table in docs/performance.md.

    .venv/bin/python benchmarks/run_all.py            # full: about 12 minutes on 2 cores
    .venv/bin/python benchmarks/run_all.py --quick    # smaller sizes: about 1.5 minutes

1. Order import against the official ``bigcommerce`` client (``bench_official.py``): 2,000
   orders (quick: 500) at 20 ms latency over TLS; calls per order, wall time, ratios.
2. Quota-bound import: the sandbox quota scaled down to 50 requests / 5 s; wall time against
   the quota floor (calls x window / quota) and the number of 429s.
3. Inventory push of 10,000 SKUs, when ``bigcommerce_connect.export`` exists (else skipped).
4. Mapping throughput of the default order mapping (``bench_mapping.py``), one core.
5. Peak memory growth of a 100,000-order import (quick: 20,000) (``bench_import.py``).

Results: ``benchmarks/results/latest.json`` and the table between the markers in
``docs/performance.md``. Not pass/fail: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import bench_import
import bench_mapping
import bench_official
from bigcommerce_connect import StoreSettings
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
DOC = HERE.parent / "docs" / "performance.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def quota_bound(orders: int, quota: int, window: float) -> dict[str, Any]:
    """Import ``orders`` under a small real quota; time against the floor, and the 429s."""
    config = SandboxConfig(seed=8, orders=orders, customers=50, products=30, quota=(quota, window))
    with run_sandbox(config) as sb:
        expected = bench_import.all_awaiting_fulfillment(sb)
        settings = StoreSettings(
            api_path=sb.api_path, api_token=sb.access_token, allow_insecure_host=True
        )
        clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
        ports = ErpPorts.from_erp(
            MemoryErp(bench_import.catalogue(sb)), mappings=InMemoryMappingStore(), clock=clock
        )
        with settings.connect() as client:
            importer = StoreImporter(client, settings, ports, ImportOptions(settle=timedelta(0)))
            started = time.perf_counter()
            report = importer.import_orders()
            seconds = time.perf_counter() - started
        assert not report.failed, report.errors
        assert report.orders_imported == expected, report.to_dict()
        calls = sb.requests.count()
        rate_limited = sb.requests.count(status=429)
    # The floor as the issue defines it: calls x window / quota.
    floor = calls * window / quota
    return {
        "orders": expected,
        "quota": f"{quota}/{window:g}s",
        "api_calls": calls,
        "responses_429": rate_limited,
        "seconds": seconds,
        "floor_seconds": floor,
        "over_floor": seconds / floor if floor else None,
    }


def inventory(skus: int) -> dict[str, Any]:
    """The export engine's inventory push, if it is there (written on another branch)."""
    try:
        importlib.import_module("bigcommerce_connect.export")
        bench_inventory = importlib.import_module("bench_inventory")
    except ModuleNotFoundError as missing:
        return {"skipped": f"{missing.name} is not available on this branch"}
    run = getattr(bench_inventory, "run", None)
    if run is None:
        return {"skipped": "benchmarks/bench_inventory.py has no run(skus) entry point"}
    result: dict[str, Any] = {"skus": skus, **run(skus)}
    return result


def mapping(orders: int, repeat: int) -> dict[str, Any]:
    """Orders per second of the default order mapping on one core."""
    pinned = bench_mapping.pin_to_one_cpu(None)
    return {"orders_per_second": bench_mapping.run(orders, repeat), "cpu": pinned}


def memory(orders: int) -> dict[str, Any]:
    """Peak memory growth of importing ``orders`` and a tenth of it (flat: about equal)."""
    small = bench_import.peak_memory(orders // 10)
    large = bench_import.peak_memory(orders)
    ratio = large["peak_growth_mib"] / max(small["peak_growth_mib"], 0.1)
    return {"small": small, "large": large, "growth_ratio": ratio}


def table(results: dict[str, Any], command: str) -> str:
    """The Markdown summary for docs/performance.md."""
    m, official, quota = results["machine"], results["official"], results["quota"]
    sdk, off = official["sdk"], official["official"]
    inv = results["inventory"]
    mem = results["memory"]
    inv_row = (
        f"| 3. inventory push, {inv.get('skus', '?')} SKUs | {inv.get('api_calls', '?')} calls, "
        f"{inv.get('seconds', 0):.1f} s | |"
        if "skipped" not in inv
        else f"| 3. inventory push | skipped: {inv['skipped']} | |"
    )
    rows = [
        "| benchmark | this SDK | compared with |",
        "|---|---|---|",
        f"| 1. import {official['orders']} orders, {official['latency_ms']:g} ms latency, TLS "
        f"(median of {official['repeats']}) | {sdk['calls_per_order']:.3f} calls/order, "
        f"{sdk['seconds']:.1f} s | official client: {off['calls_per_order']:.3f} calls/order, "
        f"{off['seconds']:.1f} s — {official['ratio_calls_official_over_sdk']:.1f}x the calls, "
        f"{official['ratio_time_official_over_sdk']:.1f}x the time |",
        f"| 2. quota-bound import, {quota['orders']} orders at {quota['quota']} | "
        f"{quota['seconds']:.1f} s, {quota['api_calls']} calls, {quota['responses_429']} x 429 | "
        f"quota floor {quota['floor_seconds']:.1f} s |",
        inv_row,
        f"| 4. default order mapping, 3 lines/order, one core | "
        f"{results['mapping']['orders_per_second']:,.0f} orders/s | target 30,000 orders/s |",
        f"| 5. peak memory growth, {mem['large']['orders']:,} orders | "
        f"{mem['large']['peak_growth_mib']:.1f} MiB | {mem['small']['orders']:,} orders: "
        f"{mem['small']['peak_growth_mib']:.1f} MiB (ratio {mem['growth_ratio']:.2f}) |",
    ]
    rerun = results.get("rerun")
    again = (
        f"Re-measured {rerun['date']}: {', '.join(rerun['steps'])} "
        f"(`{rerun['command']} --only {','.join(rerun['steps'])}`).\n"
        if rerun
        else ""
    )
    return (
        f"Measured {results['date']} on {m['cpus']} CPUs ({m['cpu_model']}), Python "
        f"{m['python']}, {m['platform']}; the machine was shared with other work.\n"
        f"Command: `{command}`\n{again}\n" + "\n".join(rows) + "\n"
    )


def write_doc(text: str) -> None:
    """Replace the table between the markers in docs/performance.md."""
    doc = DOC.read_text(encoding="utf-8")
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")


def main() -> None:
    """Run every benchmark, print and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated steps to run again (official,quota,inventory,mapping,memory); "
        "the others keep their results from benchmarks/results/latest.json",
    )
    args = parser.parse_args()
    quick = args.quick
    command = " ".join(
        [".venv/bin/python", "benchmarks/run_all.py", *(["--quick"] if quick else [])]
    )
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        "quick": quick,
    }
    steps = [
        (
            "official",
            lambda: bench_official.compare(500 if quick else 2000, 20.0, 1 if quick else 3),
        ),
        ("quota", lambda: quota_bound(150 if quick else 400, 50, 5.0)),
        ("inventory", lambda: inventory(10_000)),
        ("mapping", lambda: mapping(10_000 if quick else 20_000, 3 if quick else 5)),
        ("memory", lambda: memory(20_000 if quick else 100_000)),
    ]
    if args.only:
        chosen = set(args.only.split(","))
        previous = json.loads(RESULTS.read_text(encoding="utf-8"))
        results.update({name: previous[name] for name, _ in steps if name not in chosen})
        rerun = {"steps": sorted(chosen), "date": results["date"], "command": command}
        results.update(date=previous["date"], command=previous["command"], rerun=rerun)
        command = previous["command"]
        steps = [(name, step) for name, step in steps if name in chosen]
    for name, step in steps:
        started = time.perf_counter()
        results[name] = step()
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    summary = table(results, command)
    write_doc(summary)
    print(summary)


if __name__ == "__main__":
    main()
