"""Every benchmark of the issue in one run; results to JSON, the table printed.

    .venv/bin/python benchmarks/run_all.py                 # full sizes, nothing tracked written
    .venv/bin/python benchmarks/run_all.py --quick         # smaller sizes, one repeat
    .venv/bin/python benchmarks/run_all.py --only cpu,import_time   # re-measure some steps
    .venv/bin/python benchmarks/run_all.py --write-docs    # publish: latest.json + the docs table

1. ``official``: order import against the official ``bigcommerce`` client
   (``bench_official.py``): 2,000 orders (quick: 500) at 20 ms latency over TLS, concurrency
   4, the official client the README way and the competent way, each arm and the sandbox in
   processes of their own; calls per order, wall time, ratios, and the SDK's network floor.
2. ``cpu``: SDK CPU per imported order (``bench_move_cpu.py``), ERP that keeps nothing.
3. ``products``: first export of 10,000 products (quick: 1,000) at 20 ms, concurrency 4,
   against its floor (``bench_products.py``'s ``run``; recorded as null with a note when the
   file is not there).
4. ``import_time``: ``import bigcommerce_connect`` in 11 fresh interpreters, timed inside each.
5. ``quota``: the sandbox quota scaled down to 50 requests / 5 s; wall time against the quota
   floor (calls x window / quota) and the number of 429s.
6. ``inventory``: push of 10,000 SKUs, when ``bigcommerce_connect.export`` exists.
7. ``mapping``: throughput of the default order mapping (``bench_mapping.py``), one core.
8. ``memory``: peak memory growth of a 100,000-order import (quick: 20,000) against a tenth
   of it, each import in a freshly spawned process (``bench_import.py``); and of a fifth of
   that imported and moved (the pipelined run) against a fiftieth.

Every run prints the table and writes ``benchmarks/results/run.json`` (not tracked). Only
``--write-docs`` writes the tracked files: ``benchmarks/results/latest.json`` and the table
between the markers in ``docs/performance.md`` (the published numbers: full sizes, so not
with ``--quick``). ``--only`` re-runs the named steps and keeps the others from the file it
writes (``run.json``, else ``latest.json``). ``--orders``, ``--products`` and
``--memory-orders`` override the sizes (for smoke tests). A step that fails is recorded with
its error; the run goes on and exits 1. Not pass/fail otherwise: the numbers are for people
to read.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

# Only the standard library at the top: every spawned process (the sandbox, each arm of the
# comparison, the CPU and memory measurements) re-imports this module as its ``__main__``, so
# the official client's processes never load this SDK. The steps import what they run.

HERE = Path(__file__).resolve().parent
LATEST = HERE / "results" / "latest.json"
#: Where a run that publishes nothing keeps its numbers (ignored by git).
RUN = HERE / "results" / "run.json"
DOC = HERE.parent / "docs" / "performance.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
LATENCY_MS = 20.0
CONCURRENCY = 4
IMPORT_RUNS = 11
#: Timed inside the fresh interpreter, so its own start-up is not counted.
IMPORT_CODE = (
    "import time; t = time.perf_counter(); import bigcommerce_connect; "
    "print((time.perf_counter() - t) * 1000)"
)
STEPS = ("official", "cpu", "products", "import_time", "quota", "inventory", "mapping", "memory")


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


def official(orders: int, repeats: int) -> dict[str, Any]:
    """The three-arm comparison with the official client, and the SDK's network floor."""
    import bench_official

    return bench_official.compare(orders, LATENCY_MS, repeats, CONCURRENCY)


def cpu(orders: int, repeats: int) -> dict[str, Any]:
    """SDK CPU per imported order, in a fresh process."""
    import bench_move_cpu

    return bench_move_cpu.run(orders, repeats)


def products(count: int) -> dict[str, Any]:
    """A first export of ``count`` products against its floor, when bench_products.py exists."""
    if importlib.util.find_spec("bench_products") is None:
        return {"floor_ratio": None, "skipped": "benchmarks/bench_products.py is not there"}
    bench_products = importlib.import_module("bench_products")
    result: dict[str, Any] = bench_products.run(count, LATENCY_MS, CONCURRENCY, 1)
    return {"products": count, "latency_ms": LATENCY_MS, "concurrency": CONCURRENCY, **result}


def import_time(runs: int) -> dict[str, Any]:
    """``import bigcommerce_connect`` in ``runs`` fresh interpreters; the median milliseconds."""
    times = []
    for _ in range(runs):
        # A fixed command with this interpreter's own path: nothing untrusted reaches it.
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", IMPORT_CODE],
            check=True,
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        times.append(float(done.stdout.strip()))
    return {
        "runs": runs,
        "median_ms": statistics.median(times),
        "runs_ms": [round(t, 2) for t in times],
    }


def quota_bound(orders: int, quota: int, window: float) -> dict[str, Any]:
    """Import ``orders`` under a small real quota; time against the floor, and the 429s."""
    import bench_import
    from bigcommerce_connect import StoreSettings
    from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
    from bigcommerce_connect.mapping import InMemoryMappingStore
    from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox
    from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter

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
    """Orders per second of the default order mapping on one core (then every core again)."""
    import bench_mapping

    saved = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        pinned = bench_mapping.pin_to_one_cpu(None)
        return {"orders_per_second": bench_mapping.run(orders, repeat), "cpu": pinned}
    finally:
        # The pin is inherited by every process started later: the steps after this one
        # (and their sandboxes) would share one core.
        if saved is not None:
            os.sched_setaffinity(0, saved)


def memory(orders: int) -> dict[str, Any]:
    """Peak memory growth of importing ``orders`` and a tenth of it (flat: about equal)."""
    import bench_import

    small = bench_import.peak_memory(orders // 10)
    large = bench_import.peak_memory(orders)
    ratio = large["peak_growth_mib"] / max(small["peak_growth_mib"], 0.1)
    # The pipelined run (pages read ahead, moves in flight), at a fifth of the size: every
    # order costs a status move here.
    moving_small = bench_import.peak_memory(orders // 50, move=True)
    moving_large = bench_import.peak_memory(orders // 5, move=True)
    moving_ratio = moving_large["peak_growth_mib"] / max(moving_small["peak_growth_mib"], 0.1)
    return {
        "small": small,
        "large": large,
        "growth_ratio": ratio,
        "moving_small": moving_small,
        "moving_large": moving_large,
        "moving_growth_ratio": moving_ratio,
    }


def headline(results: dict[str, Any]) -> dict[str, Any]:
    """The issue's top-level numbers, read from the steps' detail blocks (None when absent)."""

    def pick(step: str, key: str) -> Any:
        block = results.get(step)
        return block.get(key) if isinstance(block, dict) else None

    return {
        "calls_per_order": pick("official", "calls_per_order"),
        "official_readme_ratio": pick("official", "official_readme_ratio"),
        "official_competent_ratio": pick("official", "official_competent_ratio"),
        "floor_ratio": pick("official", "floor_ratio"),
        "sdk_cpu_ms_per_order": pick("cpu", "sdk_cpu_ms_per_order"),
        "product_create_floor_ratio": pick("products", "floor_ratio"),
        "import_time_ms": pick("import_time", "median_ms"),
        "memory_growth_ratio": pick("memory", "growth_ratio"),
        "memory_growth_ratio_moving": pick("memory", "moving_growth_ratio"),
    }


def _f(value: Any, spec: str) -> str:
    """``value`` formatted, or ``n/a`` when a step did not give it."""
    return "n/a" if value is None else format(value, spec)


def _official_rows(official: dict[str, Any]) -> list[str]:
    if "error" in official:
        return [f"| 1. import orders vs the official client | failed: {official['error']} | |"]
    if "official_competent" not in official:  # a results file from before the three arms
        return ["| 1. import orders vs the official client | not measured by this version | |"]
    sdk, readme = official["sdk"], official["official_readme"]
    competent = official["official_competent"]
    return [
        f"| 1. import {official['orders']} orders, {official['latency_ms']:g} ms latency, TLS, "
        f"{official['concurrency']} in flight (median of {official['repeats']}) | "
        f"{sdk['calls_per_order']:.3f} calls/order, {sdk['seconds']:.1f} s | "
        f"official client, README way: {readme['calls_per_order']:.3f} calls/order, "
        f"{readme['seconds']:.1f} s ({official['official_readme_ratio']:.1f}x the time); "
        f"used competently: {competent['calls_per_order']:.3f} calls/order, "
        f"{competent['seconds']:.1f} s ({official['official_competent_ratio']:.1f}x the time, "
        f"{official['official_competent_calls_ratio']:.2f}x the calls) |",
        f"| 2. network floor of 1: moves {official['concurrency']} at a time, list pages, "
        f"one status call | {sdk['seconds']:.1f} s | floor {official['floor_seconds']:.1f} s "
        f"(ratio {official['floor_ratio']:.2f}) |",
    ]


def _products_row(prod: dict[str, Any]) -> str:
    if "products" not in prod:
        why = prod.get("skipped") or prod.get("error") or "not measured by this version"
        return f"| 4. first product export | {why} | |"
    return (
        f"| 4. first product export, {prod['products']} products, {prod['latency_ms']:g} ms, "
        f"{prod['concurrency']} in flight | {_f(prod.get('seconds'), '.1f')} s, "
        f"{prod.get('api_calls', '?')} calls, {prod.get('sku_lookups', '?')} SKU lookups | "
        f"floor {_f(prod.get('floor_seconds'), '.1f')} s "
        f"(ratio {_f(prod.get('floor_ratio'), '.2f')}) |"
    )


def _other_rows(results: dict[str, Any]) -> list[str]:
    cpu, imp = results.get("cpu", {}), results.get("import_time", {})
    quota, inv = results.get("quota", {}), results.get("inventory", {})
    mem, mapped = results.get("memory", {}), results.get("mapping", {})
    inv_row = (
        f"| 7. inventory push, {inv.get('skus', '?')} SKUs | {inv.get('api_calls', '?')} calls, "
        f"{_f(inv.get('seconds'), '.1f')} s | |"
        if "api_calls" in inv
        else f"| 7. inventory push | {inv.get('skipped') or inv.get('error') or 'not run'} | |"
    )
    small, large = mem.get("small", {}), mem.get("large", {})
    moving_small, moving_large = mem.get("moving_small", {}), mem.get("moving_large", {})
    return [
        f"| 3. SDK CPU per imported order, {cpu.get('orders', '?')} orders, ERP that keeps "
        f"nothing (median of {cpu.get('repeats', '?')}) | "
        f"{_f(cpu.get('sdk_cpu_ms_per_order'), '.3f')} ms | target 1.0 ms |",
        _products_row(results.get("products", {})),
        f"| 5. `import bigcommerce_connect` (median of {imp.get('runs', '?')} fresh "
        f"processes) | {_f(imp.get('median_ms'), '.1f')} ms | target 150 ms |",
        f"| 6. quota-bound import, {quota.get('orders', '?')} orders at "
        f"{quota.get('quota', '?')} | {_f(quota.get('seconds'), '.1f')} s, "
        f"{quota.get('api_calls', '?')} calls, {quota.get('responses_429', '?')} x 429 | "
        f"quota floor {_f(quota.get('floor_seconds'), '.1f')} s |",
        inv_row,
        f"| 8. default order mapping, 3 lines/order, one core | "
        f"{_f(mapped.get('orders_per_second'), ',.0f')} orders/s | target 30,000 orders/s |",
        f"| 9. peak memory growth, {_f(large.get('orders'), ',')} orders, fresh process | "
        f"{_f(large.get('peak_growth_mib'), '.1f')} MiB | {_f(small.get('orders'), ',')} "
        f"orders: {_f(small.get('peak_growth_mib'), '.1f')} MiB "
        f"(ratio {_f(mem.get('growth_ratio'), '.2f')}) |",
        f"| 10. the same, {_f(moving_large.get('orders'), ',')} orders imported and moved "
        f"(pipelined) | {_f(moving_large.get('peak_growth_mib'), '.1f')} MiB | "
        f"{_f(moving_small.get('orders'), ',')} orders: "
        f"{_f(moving_small.get('peak_growth_mib'), '.1f')} MiB "
        f"(ratio {_f(mem.get('moving_growth_ratio'), '.2f')}) |",
    ]


def table(results: dict[str, Any], command: str) -> str:
    """The Markdown summary for docs/performance.md."""
    m = results["machine"]
    rows = [
        "| benchmark | this SDK | compared with |",
        "|---|---|---|",
        *_official_rows(results.get("official", {"error": "not run"})),
        *_other_rows(results),
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


def plan(args: argparse.Namespace) -> dict[str, Callable[[], dict[str, Any]]]:
    """Each step's call at this run's sizes."""
    quick = args.quick
    orders = args.orders or (500 if quick else 2000)
    repeats = 1 if quick else 3
    made = args.products or (1000 if quick else 10_000)
    remembered = args.memory_orders or (20_000 if quick else 100_000)
    return {
        "official": lambda: official(orders, repeats),
        "cpu": lambda: cpu(orders, repeats),
        "products": lambda: products(made),
        "import_time": lambda: import_time(IMPORT_RUNS),
        "quota": lambda: quota_bound(150 if quick else 400, 50, 5.0),
        "inventory": lambda: inventory(10_000),
        "mapping": lambda: mapping(10_000 if quick else 20_000, 3 if quick else 5),
        "memory": lambda: memory(remembered),
    }


def run_steps(steps: dict[str, Callable[[], dict[str, Any]]], results: dict[str, Any]) -> bool:
    """Run ``steps`` into ``results``; a failing step is recorded and the others still run."""
    ok = True
    for name, step in steps.items():
        started = time.perf_counter()
        try:
            results[name] = step()
        except Exception as exc:  # one broken step must not lose the others' numbers
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            ok = False
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return ok


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="publish: write benchmarks/results/latest.json and the table in "
        "docs/performance.md (tracked files; otherwise only results/run.json)",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help=f"comma-separated steps to run again ({','.join(STEPS)}); the others keep their "
        "results from the same results file",
    )
    parser.add_argument("--orders", type=int, help="orders for official and cpu")
    parser.add_argument("--products", type=int, help="products for the products step")
    parser.add_argument("--memory-orders", type=int, help="orders of the larger memory import")
    return parser.parse_args()


def command_line(argv: list[str]) -> str:
    """This run's command without ``--only`` (a re-run names its steps separately)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip or arg.startswith("--only="):
            skip = False
        elif arg == "--only":
            skip = True
        else:
            kept.append(arg)
    return " ".join([".venv/bin/python", "benchmarks/run_all.py", *kept])


def main() -> None:
    """Run every benchmark, print and save the results."""
    args = parse_args()
    if args.write_docs and args.quick:
        sys.exit("--write-docs publishes full-size numbers: leave out --quick")
    target = LATEST if args.write_docs else RUN
    command = command_line(sys.argv[1:])
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        "quick": args.quick,
    }
    steps = plan(args)
    if args.only:
        chosen = set(args.only.split(","))
        unknown = chosen - set(STEPS)
        if unknown:
            sys.exit(f"unknown steps: {', '.join(sorted(unknown))} (known: {', '.join(STEPS)})")
        source = target if target.exists() or args.write_docs else LATEST
        previous = json.loads(source.read_text(encoding="utf-8")) if source.exists() else {}
        results.update({name: previous[name] for name in STEPS if name in previous})
        rerun = {"steps": sorted(chosen), "date": results["date"], "command": command}
        results.update(
            date=previous.get("date", results["date"]),
            command=previous.get("command", command),
            rerun=rerun,
        )
        command = results["command"]
        steps = {name: step for name, step in steps.items() if name in chosen}
    ok = run_steps(steps, results)
    # The issue's numbers first, then the steps' detail blocks.
    ordered = {
        **{k: results[k] for k in ("date", "command", "machine", "quick")},
        **headline(results),
        **{k: v for k, v in results.items() if k not in ("date", "command", "machine", "quick")},
    }
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    summary = table(ordered, command)
    if args.write_docs:
        write_doc(summary)
    print(json.dumps(headline(ordered), indent=2))
    print(summary)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
