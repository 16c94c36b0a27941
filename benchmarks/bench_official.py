"""This SDK against the official ``bigcommerce`` client (0.23.4), same job, same sandbox.

    .venv/bin/python benchmarks/bench_official.py [--orders 2000] [--latency-ms 20] [--repeats 3]

The job: every order in Awaiting Fulfillment (11) is read with its line items and shipping
addresses and moved to Awaiting Shipment (9). Both sides talk TLS to one sandbox in this
process; between runs every order goes back to status 11 (through ``sb.store``).

The official side does what its README shows: ``BigcommerceApi(client_id=..., store_hash=...,
access_token=...)`` with ``BC_API_ENDPOINT`` pointing at the sandbox and ``REQUESTS_CA_BUNDLE``
at its CA, ``api.Orders.all(status_id=11, limit=250, page=N)`` until a short page (the whole
list is read before any order moves, so moving orders cannot shift the pages), then per order
``order.products()``, ``order.shipping_addresses()`` and ``order.update(status_id=9)``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from bench_import import all_awaiting_fulfillment, catalogue
from bigcommerce_connect import StoreSettings
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter

AWAITING_FULFILLMENT = 11
AWAITING_SHIPMENT = 9


def official_side(sb: Sandbox) -> int:
    """The official client's way; returns how many orders it moved."""
    import bigcommerce  # the benchmark's other side, installed with the test extras

    assert sb.ca_file is not None
    os.environ["BC_API_ENDPOINT"] = f"127.0.0.1:{sb.port}"
    os.environ["REQUESTS_CA_BUNDLE"] = sb.ca_file
    api = bigcommerce.api.BigcommerceApi(
        client_id=sb.client_id, store_hash=sb.store_hash, access_token=sb.access_token
    )
    orders: list[Any] = []
    page = 1
    while True:
        batch = api.Orders.all(status_id=AWAITING_FULFILLMENT, limit=250, page=page)
        # Past the last page the API answers 204, which the client turns into an empty object.
        if not isinstance(batch, list):
            break
        orders.extend(batch)
        if len(batch) < 250:
            break
        page += 1
    for order in orders:
        lines = order.products()
        addresses = order.shipping_addresses()
        assert lines is not None
        assert addresses is not None
        order.update(status_id=AWAITING_SHIPMENT)
    return len(orders)


def sdk_side(sb: Sandbox) -> int:
    """This SDK's importer into an in-memory ERP; returns how many orders it imported."""
    assert sb.ca_file is not None
    # The sandbox is https on 127.0.0.1, not a BigCommerce host: allowed only with the flag.
    settings = StoreSettings(
        api_path=sb.api_path, api_token=sb.access_token, allow_insecure_host=True
    )
    client = settings.connect(ca_file=sb.ca_file)
    clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
    ports = ErpPorts.from_erp(
        MemoryErp(catalogue(sb)), mappings=InMemoryMappingStore(), clock=clock
    )
    importer = StoreImporter(client, settings, ports, ImportOptions(settle=timedelta(0)))
    with client:
        report = importer.import_orders()
    assert not report.failed, report.errors
    return report.orders_imported


def timed(sb: Sandbox, side: Any, expected: int) -> dict[str, float]:
    """Run one side from a fresh status 11 everywhere; calls and seconds."""
    all_awaiting_fulfillment(sb)
    sb.requests.clear()
    started = time.perf_counter()
    done = side(sb)
    seconds = time.perf_counter() - started
    assert done == expected, (side.__name__, done, expected)
    with sb.store.locked() as store:
        moved = sum(1 for o in store.orders.values() if o["status_id"] == AWAITING_SHIPMENT)
    assert moved == expected, (side.__name__, moved, expected)
    calls = sb.requests.count()
    return {"seconds": seconds, "api_calls": calls, "calls_per_order": calls / expected}


def compare(orders: int, latency_ms: float, repeats: int) -> dict[str, Any]:
    """Both sides ``repeats`` times, alternating; medians and the official/SDK ratios."""
    config = SandboxConfig(seed=7, orders=orders, customers=200, products=60, tls=True)
    runs: dict[str, list[dict[str, float]]] = {"official": [], "sdk": []}
    with run_sandbox(config) as sb:
        expected = all_awaiting_fulfillment(sb)
        sb.knobs.latency_ms = latency_ms
        for _ in range(repeats):
            runs["official"].append(timed(sb, official_side, expected))
            runs["sdk"].append(timed(sb, sdk_side, expected))
    medians = {
        side: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for side, results in runs.items()
    }
    return {
        "orders": expected,
        "latency_ms": latency_ms,
        "repeats": repeats,
        **medians,
        "ratio_calls_official_over_sdk": medians["official"]["api_calls"]
        / medians["sdk"]["api_calls"],
        "ratio_time_official_over_sdk": medians["official"]["seconds"] / medians["sdk"]["seconds"],
    }


def main() -> None:
    """Command-line entry point: print the comparison as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(compare(args.orders, args.latency_ms, args.repeats), indent=2))


if __name__ == "__main__":
    main()
