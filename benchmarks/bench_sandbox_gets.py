"""Throughput of simple keep-alive GETs against the sandbox.

Starts the sandbox in this process and runs the HTTP client in a separate process (so the
client does not compete for the server's GIL), then prints the median requests per second.

    .venv/bin/python benchmarks/bench_sandbox_gets.py [--requests 5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time

import urllib3

from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox

TARGET_RPS = 1500


def client(url: str, token: str, count: int, out: multiprocessing.Queue[float]) -> None:
    """Run ``count`` GETs over one keep-alive connection; report requests per second."""
    http = urllib3.PoolManager(maxsize=1)
    headers = {"X-Auth-Token": token, "Accept": "application/json"}
    http.request("GET", url, headers=headers)  # warm the connection
    start = time.perf_counter()
    for _ in range(count):
        response = http.request("GET", url, headers=headers)
        if response.status != 200:
            raise SystemExit(f"unexpected status {response.status}")
    out.put(count / (time.perf_counter() - start))


def main() -> int:
    """Run the benchmark and print the median figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--path", default="v2/orders/1")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    with run_sandbox(SandboxConfig(seed=1)) as sb:
        url = sb.api_path.removesuffix("v3/") + args.path
        results = []
        for _ in range(args.repeats):
            queue: multiprocessing.Queue[float] = ctx.Queue()
            proc = ctx.Process(target=client, args=(url, sb.access_token, args.requests, queue))
            proc.start()
            results.append(queue.get())
            proc.join()
    median = statistics.median(results)
    runs = ", ".join(f"{r:.0f}" for r in results)
    print(f"GET /{args.path}: median {median:.0f} requests/s over {args.repeats} runs ({runs})")
    return 0 if median >= TARGET_RPS else 1


if __name__ == "__main__":
    raise SystemExit(main())
