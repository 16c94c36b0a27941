"""Stores without a job queue: one cycle of every scheduled store, from cron or in a loop.

From cron, one cycle of each store whose settings turn ``auto_import`` on, one JSON line per
store, exit code 1 when something needs a look::

    */5 * * * *  cd /srv/erp && BIGCOMMERCE_CONNECT_STORES=/srv/erp/stores \\
                 .venv/bin/python -m examples.schedule_cron >> sync.log

As one long-running process instead (stops after the current cycle on SIGTERM or Ctrl-C)::

    python -m examples.schedule_cron --every 300

The stores run one after the other: for a handful of stores. Each cycle takes the store's
lock, so a cron run that overlaps a slow previous one does nothing for the stores still
running. For one store, ``bigcommerce-connect sync --settings store.toml --json`` (cron) or
``--watch 300`` is the same without this file.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from examples import stores

#: Called with each cycle's report (a store id and the report's data).
Report = Callable[[dict[str, Any]], None]


def needs_a_look(report: dict[str, Any]) -> bool:
    """Whether a cycle failed or left something for a person (as the CLI's exit code 1)."""
    return bool(
        report.get("failed")
        or report.get("orders_quarantined")
        or report.get("customers_quarantined")
        or report.get("status_moves_failed")
    )


def run_once(store_ids: Sequence[str] | None = None, report: Report | None = None) -> bool:
    """One cycle of each store (the scheduled ones by default); True when all went well."""
    chosen = stores.scheduled_store_ids() if store_ids is None else store_ids
    ok = True
    for store_id in chosen:
        try:
            result = stores.run_cycle(store_id)
        except Exception as error:  # one store's broken settings must not stop the others
            result = {"store_id": store_id, "failed": True, "errors": [str(error)]}
        ok = ok and not needs_a_look(result)
        (report or print_json)(result)
    return ok


def run_every(seconds: float, stop: threading.Event, report: Report | None = None) -> bool:
    """Cycles every ``seconds`` until ``stop`` is set; True when the last round went well."""
    ok = run_once(report=report)
    while not stop.wait(seconds):
        ok = run_once(report=report)
    return ok


def print_json(result: dict[str, Any]) -> None:
    """One JSON line per cycle (the log cron appends to)."""
    print(json.dumps(result, default=str), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run once (cron) or ``--every SECONDS``; the exit code says whether to look."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, metavar="SECONDS", help="loop, not once")
    args = parser.parse_args(argv)
    if args.every is None:
        return 0 if run_once() else 1
    if not args.every > 0:
        parser.error("--every must be more than 0 seconds")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return 0 if run_every(args.every, stop) else 1


if __name__ == "__main__":
    sys.exit(main())
