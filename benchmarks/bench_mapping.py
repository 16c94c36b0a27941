"""Benchmark: the default order mapping over wire-shaped orders with 3 lines each.

Run::

    .venv/bin/python benchmarks/bench_mapping.py [--orders 20000] [--repeat 5] [--cpu N]

The process pins itself to one CPU (the first one it may use, or ``--cpu``) where the OS allows,
so the figure is for one core. Prints the median orders per second over the repeats. The target
is at least 30,000 orders/s.
Orders are built like BigCommerce v2 payloads: money as 4-decimal strings, RFC 2822 dates,
``products`` and ``shipping_addresses`` embedded as lists.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

from bigcommerce_connect.mapping import AUTOMATIC_ORDER_IMPORT, builtin_definition, compile_mapping

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _address(i: int) -> dict[str, Any]:
    return {
        "first_name": f"Jöhn{i % 97}",
        "last_name": "Doe",
        "company": "Acme Ltd" if i % 3 else "",
        "street_1": f"{i} Main Street",
        "street_2": "",
        "city": "Austin",
        "state": "Texas",
        "zip": "78701",
        "country": "United States",
        "country_iso2": "US",
        "phone": "555-0100",
        "email": f"john{i}@example.com",
    }


def _line(order_id: int, n: int) -> dict[str, Any]:
    return {
        "id": order_id * 10 + n,
        "order_id": order_id,
        "product_id": 0 if n == 2 else 100 + n,
        "variant_id": 200 + n,
        "sku": f"SKU-{n:03d}",
        "name": f"Product number {n} with a reasonably long name for truncation",
        "quantity": n + 1,
        "base_price": "12.5000",
        "price_ex_tax": "12.5000",
        "price_inc_tax": "13.7500",
        "total_ex_tax": f"{12.5 * (n + 1):.4f}",
        "total_inc_tax": f"{13.75 * (n + 1):.4f}",
        "is_bundled_product": False,
        "parent_order_product_id": None,
        "product_options": [],
    }


def make_order(i: int) -> dict[str, Any]:
    """One v2 order payload with 3 lines and one shipping address."""
    shipping = {**_address(i), "id": i, "shipping_method": "Flat Rate"}
    return {
        "id": i,
        "customer_id": i % 5,
        "date_created": f"{_DAYS[i % 7]}, {1 + i % 28:02d} Mar 2019 21:40:11 +0000",
        "status_id": 11,
        "subtotal_ex_tax": "62.5000",
        "subtotal_inc_tax": "68.7500",
        "total_ex_tax": "67.5000",
        "total_inc_tax": "74.2500",
        "total_tax": "6.7500",
        "shipping_cost_ex_tax": "5.0000",
        "shipping_cost_inc_tax": "5.5000",
        "handling_cost_inc_tax": "0.0000",
        "discount_amount": "0.0000",
        "coupon_discount": "0.0000",
        "currency_code": "USD",
        "payment_method": "Credit Card",
        "payment_status": "captured",
        "customer_message": "  Please leave at the door  ",
        "staff_notes": "",
        "external_source": None,
        "external_id": None,
        "ebay_order_id": "0",
        "order_source": "www",
        "billing_address": _address(i),
        "shipping_addresses": [shipping],
        "products": [_line(i, n) for n in range(3)],
    }


def run(orders: int, repeat: int) -> float:
    """Map ``orders`` orders ``repeat`` times; return the median orders per second."""
    mapping = compile_mapping(builtin_definition(AUTOMATIC_ORDER_IMPORT))
    payloads = [make_order(i) for i in range(orders)]
    apply = mapping.apply
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for payload in payloads:
            apply(payload)
        rates.append(orders / (time.perf_counter() - start))
    return statistics.median(rates)


def pin_to_one_cpu(cpu: int | None) -> str:
    """Restrict this process to one CPU where the OS supports it; describe the outcome."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS)"
    chosen = cpu if cpu is not None else min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {chosen})
    return f"pinned to CPU {chosen}"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to")
    args = parser.parse_args(argv)
    pinned = pin_to_one_cpu(args.cpu)
    rate = run(args.orders, args.repeat)
    print(f"command: {' '.join([sys.executable, *sys.argv])} ({pinned})")
    print(f"default order mapping, 3 lines/order: {rate:,.0f} orders/s (median of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
