"""This SDK against the official ``bigcommerce`` client (0.23.4): the same orders job, fairly.

    .venv/bin/python benchmarks/bench_official.py [--orders 2000] [--latency-ms 20]
        [--repeats 3] [--concurrency 4]

The job: every order in Awaiting Fulfillment (11) is read with its line items and shipping
addresses and moved to Awaiting Shipment (9). Three arms do it against one sandbox (TLS, every
request delayed by ``--latency-ms``):

* ``official_readme``: the official client as its README shows. ``BigcommerceApi(client_id=...,
  store_hash=..., access_token=...)``, ``api.Orders.all(status_id=11, limit=250, page=N)`` until
  a short page, then per order, one at a time, ``order.products()``,
  ``order.shipping_addresses()`` and ``order.update(status_id=9)`` (3 calls per order).
* ``official_competent``: the official client used well. The list asks for embedded lines
  and addresses (``include=consignments.line_items``, which ``Orders.all`` passes through as a
  query parameter); an order whose embedded lines hold fewer items than its ``items_total``
  gets its lines from ``/orders/{id}/products`` pages (none are needed on a normal store);
  then the moves run on ``--concurrency`` threads (the same number as the SDK's), sharing the
  client's ``requests`` session (its pool keeps 10 connections per host).
* ``sdk``: this SDK's ``StoreImporter.import_orders()`` into a ``MemoryErp`` holding the
  store's catalogue, with ``StoreSettings(concurrency=...)`` and
  ``ImportOptions(status_move_concurrency=...)`` at ``--concurrency``. The store's customers are
  imported first (``import_customers()``), unmeasured and uncounted, so the measured run does
  the same orders job as the official arms (which do not import customers).

Both official arms read the whole list before moving any order: moving orders out of status 11
while paging by page number would shift the pages and skip orders.

Fairness: the sandbox runs in its own process (spawned), and every run of every arm in a fresh
spawned process of its own, so no arm shares a process (GIL, heap, warm caches) with the
sandbox or another arm. Each arm's process builds its client and, for the SDK, imports the
customers, then waits; the parent resets every order to status 11 (the sandbox process owns
the store) and clears the request log, then lets the arm run. Wall time is measured inside the
arm around the job; API calls are counted by the sandbox's request log, the same counter for
every arm. Repeats alternate the arms (each repeat starts with the next arm); medians.

Ratios: ``official_*_ratio`` = the official arm's seconds / the SDK's seconds;
``official_*_calls_ratio`` the same for API calls. The network floor of the SDK arm is
``latency x (ceil(orders / c) + ceil(orders / 250) + 1)`` (the moves ``c`` at a time, the
sequential list pages and one status call), and ``floor_ratio`` = SDK seconds / floor.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

AWAITING_FULFILLMENT = 11
AWAITING_SHIPMENT = 9
PAGE = 250
ARMS = ("official_readme", "official_competent", "sdk")
#: Fresh interpreters: nothing inherited from the parent (imports, heap, threads).
SPAWN = multiprocessing.get_context("spawn")

Job = Callable[[], dict[str, Any]]


# -- the sandbox's process ----------------------------------------------------------------


def serve(orders: int, latency_ms: float, conn: Any) -> None:
    """The sandbox's process: start it, describe it, then obey ``reset``/``tally``/``stop``."""
    from bench_import import all_awaiting_fulfillment
    from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox

    config = SandboxConfig(seed=7, orders=orders, customers=200, products=60, tls=True)
    with run_sandbox(config) as sb:
        count = all_awaiting_fulfillment(sb)
        sb.knobs.latency_ms = latency_ms
        with sb.store.locked() as store:
            catalogue = [(str(v["id"]), v["sku"]) for v in store.variants.values()]
        conn.send(
            {
                "port": sb.port,
                "api_path": sb.api_path,
                "token": sb.access_token,
                "client_id": sb.client_id,
                "store_hash": sb.store_hash,
                "ca_file": sb.ca_file,
                "catalogue": catalogue,
                "orders": count,
            }
        )
        for command in iter(conn.recv, "stop"):
            if command == "reset":
                # Every order back to status 11 (modified in the past), a clean request log.
                count = all_awaiting_fulfillment(sb)
                sb.requests.clear()
                conn.send(count)
            elif command == "tally":
                conn.send(_tally(sb))


def _tally(sb: Any) -> dict[str, Any]:
    """What the request log saw since the last reset, and how many orders were moved."""
    records = sb.requests.records()
    kinds = Counter(
        f"{r.method} {re.sub(r'/[0-9]+', '/{id}', r.api_path.split('?', 1)[0])}" for r in records
    )
    with sb.store.locked() as store:
        moved = sum(1 for o in store.orders.values() if o["status_id"] == AWAITING_SHIPMENT)
    return {
        "api_calls": len(records),
        "errors": sum(1 for r in records if r.status >= 400),
        "calls_by_kind": dict(kinds.most_common()),
        "moved": moved,
    }


# -- the arms (each in its own process) --------------------------------------------------


def _official_api(store: dict[str, Any]) -> Any:
    import bigcommerce  # the benchmark's other side, installed with the test extras

    # The client builds https://{BC_API_ENDPOINT}/stores/{hash}/v2/; requests trusts the CA.
    os.environ["BC_API_ENDPOINT"] = f"127.0.0.1:{store['port']}"
    os.environ["REQUESTS_CA_BUNDLE"] = store["ca_file"]
    return bigcommerce.api.BigcommerceApi(
        client_id=store["client_id"], store_hash=store["store_hash"], access_token=store["token"]
    )


def _list_all(api: Any, **extra: Any) -> list[Any]:
    """Every order in status 11, page by page, before any of them moves."""
    orders: list[Any] = []
    page = 1
    while True:
        batch = api.Orders.all(status_id=AWAITING_FULFILLMENT, limit=PAGE, page=page, **extra)
        # Past the last page the API answers 204, which the client turns into an empty object.
        if not isinstance(batch, list):
            break
        orders.extend(batch)
        if len(batch) < PAGE:
            break
        page += 1
    return orders


def prepare_readme(store: dict[str, Any], _concurrency: int) -> Job:
    """The official client the README way: one order at a time, 3 calls each."""
    api = _official_api(store)

    def job() -> dict[str, Any]:
        orders = _list_all(api)
        for order in orders:
            lines = order.products()
            addresses = order.shipping_addresses()
            assert lines is not None
            assert addresses is not None
            order.update(status_id=AWAITING_SHIPMENT)
        return {"orders": len(orders)}

    return job


def _embedded(order: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An order's embedded line items (every consignment) and shipping consignments."""
    # The client's resources shadow ``dict.get`` with a GET request: read the dict directly.
    consignments = dict.get(order, "consignments") or {}
    shipping = consignments.get("shipping") or []
    lines = [
        line
        for kind in ("shipping", "pickups", "downloads")
        for consignment in consignments.get(kind) or []
        for line in consignment.get("line_items") or []
    ]
    return lines, shipping


def _items(lines: list[dict[str, Any]]) -> int:
    """Items the lines hold, counted as ``items_total`` counts them (bundled ones in the parent)."""
    # Lines from /products pages are the client's resources: ``dict.get``, as in _embedded.
    return sum(
        int(dict.get(line, "quantity") or 0)
        for line in lines
        if not (dict.get(line, "is_bundled_product") or dict.get(line, "parent_order_product_id"))
    )


def _all_lines(api: Any, order_id: int) -> tuple[list[Any], int]:
    """Every line of an order from ``/orders/{id}/products`` pages; the lines and the pages."""
    lines: list[Any] = []
    page = 1
    while True:
        batch = api.OrderProducts.all(order_id, limit=PAGE, page=page)
        if not isinstance(batch, list):
            return lines, page
        lines.extend(batch)
        if len(batch) < PAGE:
            return lines, page
        page += 1


def prepare_competent(store: dict[str, Any], concurrency: int) -> Job:
    """The official client used well: embedded lines, all lines, ``concurrency`` moving threads."""
    api = _official_api(store)

    def job() -> dict[str, Any]:
        orders = _list_all(api, include="consignments.line_items")
        line_pages = 0
        for order in orders:
            lines, _addresses = _embedded(order)
            if _items(lines) < int(dict.get(order, "items_total") or 0):
                lines, pages = _all_lines(api, order["id"])
                line_pages += pages
            assert _items(lines) >= int(dict.get(order, "items_total") or 0), order["id"]

        def move(order: Any) -> None:
            order.update(status_id=AWAITING_SHIPMENT)

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(move, orders))
        return {"orders": len(orders), "line_pages_fetched": line_pages}

    return job


def prepare_sdk(store: dict[str, Any], concurrency: int) -> Job:
    """This SDK's importer; the customers are imported here, before the measured job."""
    from bigcommerce_connect import StoreSettings
    from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
    from bigcommerce_connect.mapping import InMemoryMappingStore
    from bigcommerce_connect.ports import ItemRef
    from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter

    # The sandbox is https on 127.0.0.1, not a BigCommerce host: allowed only with the flag.
    settings = StoreSettings(
        api_path=store["api_path"],
        api_token=store["token"],
        allow_insecure_host=True,
        concurrency=concurrency,
    )
    client = settings.connect(ca_file=store["ca_file"])
    erp = MemoryErp([ItemRef(local_id=i, sku=sku) for i, sku in store["catalogue"]])
    clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=clock)
    options = ImportOptions(settle=timedelta(0), status_move_concurrency=concurrency)
    importer = StoreImporter(client, settings, ports, options)
    customers = importer.import_customers()
    assert not customers.failed, customers.errors

    def job() -> dict[str, Any]:
        with client:
            report = importer.import_orders()
        assert not report.failed, report.errors
        assert report.statuses_moved == report.orders_imported, report.to_dict()
        return {"orders": report.orders_imported, "customers_before": customers.customers_created}

    return job


PREPARE: dict[str, Callable[[dict[str, Any], int], Job]] = {
    "official_readme": prepare_readme,
    "official_competent": prepare_competent,
    "sdk": prepare_sdk,
}


def arm_process(arm: str, store: dict[str, Any], concurrency: int, conn: Any) -> None:
    """One arm's process: prepare, say ``ready``, wait for ``go``, time the job, report."""
    try:
        job = PREPARE[arm](store, concurrency)
        conn.send("ready")
        assert conn.recv() == "go"
        started = time.perf_counter()
        detail = job()
        seconds = time.perf_counter() - started
        # Shows that an official arm's process never loaded this SDK (or its sandbox).
        detail["sdk_loaded"] = "bigcommerce_connect" in sys.modules
        conn.send({"seconds": seconds, **detail})
    except BaseException:
        conn.send({"error": traceback.format_exc()})
        raise


# -- the parent: orchestration ------------------------------------------------------------


def _answer(conn: Any, arm: str) -> Any:
    message = conn.recv()
    if isinstance(message, dict) and "error" in message:
        raise RuntimeError(f"{arm} failed:\n{message['error']}")
    return message


def one_run(arm: str, store: dict[str, Any], concurrency: int, sandbox: Any) -> dict[str, Any]:
    """One arm once, in a fresh process, from every order in status 11."""
    here, there = SPAWN.Pipe()
    worker = SPAWN.Process(target=arm_process, args=(arm, store, concurrency, there))
    worker.start()
    there.close()  # so a dead worker reads as EOF here
    try:
        assert _answer(here, arm) == "ready"
        sandbox.send("reset")
        expected = sandbox.recv()
        here.send("go")
        result = _answer(here, arm)
    finally:
        worker.join(timeout=60)
    sandbox.send("tally")
    tally = sandbox.recv()
    assert result["orders"] == expected, (arm, result, expected)
    assert tally["moved"] == expected, (arm, tally["moved"], expected)
    assert tally["errors"] == 0, (arm, tally)
    return {
        **result,
        "api_calls": tally["api_calls"],
        "calls_per_order": tally["api_calls"] / expected,
        "calls_by_kind": tally["calls_by_kind"],
    }


def network_floor(orders: int, latency_ms: float, concurrency: int) -> float:
    """Seconds the SDK's job cannot beat: moves ``c`` at a time, the list pages, a status call."""
    round_trips = math.ceil(orders / concurrency) + math.ceil(orders / PAGE) + 1
    return latency_ms / 1000 * round_trips


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("seconds", "api_calls", "calls_per_order")
    summary: dict[str, Any] = {key: statistics.median(run[key] for run in runs) for key in keys}
    summary["runs_seconds"] = [round(run["seconds"], 3) for run in runs]
    summary["calls_by_kind"] = runs[-1]["calls_by_kind"]
    extra = {k: v for k, v in runs[-1].items() if k not in (*keys, "calls_by_kind", "orders")}
    return {**summary, **extra}


def compare(orders: int, latency_ms: float, repeats: int, concurrency: int = 4) -> dict[str, Any]:
    """The three arms ``repeats`` times, alternating; medians, ratios and the network floor."""
    sandbox, child = SPAWN.Pipe()
    server = SPAWN.Process(target=serve, args=(orders, latency_ms, child), daemon=True)
    server.start()
    child.close()
    runs: dict[str, list[dict[str, Any]]] = {arm: [] for arm in ARMS}
    try:
        store = sandbox.recv()
        for repeat in range(repeats):
            # Each repeat starts with the next arm, so no arm always runs first or last.
            for arm in ARMS[repeat % len(ARMS) :] + ARMS[: repeat % len(ARMS)]:
                runs[arm].append(one_run(arm, store, concurrency, sandbox))
    finally:
        sandbox.send("stop")
        server.join(timeout=60)
    medians = {arm: _median(results) for arm, results in runs.items()}
    sdk, readme = medians["sdk"], medians["official_readme"]
    competent = medians["official_competent"]
    floor = network_floor(store["orders"], latency_ms, concurrency)
    return {
        "orders": store["orders"],
        "latency_ms": latency_ms,
        "repeats": repeats,
        "concurrency": concurrency,
        **medians,
        "calls_per_order": sdk["calls_per_order"],
        "official_readme_ratio": readme["seconds"] / sdk["seconds"],
        "official_competent_ratio": competent["seconds"] / sdk["seconds"],
        "official_readme_calls_ratio": readme["api_calls"] / sdk["api_calls"],
        "official_competent_calls_ratio": competent["api_calls"] / sdk["api_calls"],
        "floor_seconds": floor,
        "floor_ratio": sdk["seconds"] / floor if floor else None,
        "floor_formula": "latency x (ceil(orders / c) + ceil(orders / 250) + 1)",
    }


def main() -> None:
    """Command-line entry point: print the comparison as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    result = compare(args.orders, args.latency_ms, args.repeats, args.concurrency)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
