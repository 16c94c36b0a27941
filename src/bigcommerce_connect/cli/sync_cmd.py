"""``bigcommerce-connect sync``: one cycle (or ``--watch``) against a configured store."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli.display import print_summary, progress_printer
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.cli.subcommand import CliError, Subparsers
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.sync import ErpPorts, RunReport, SyncRunner, push_inventory

__all__ = ["add_parser", "exit_code", "mappings_dir"]


def add_parser(subparsers: Subparsers) -> None:
    """Register ``sync``."""
    parser = subparsers.add_parser(
        "sync",
        help="run one import cycle (or keep running with --watch)",
        description="Import customers and orders into the SQLite ERP and move order statuses.",
    )
    add_store_flags(parser)
    parser.add_argument("--db", default="bigcommerce-connect.db", help="the SQLite ERP file")
    parser.add_argument("--dry-run", action="store_true", help="preview: map, write nothing")
    parser.add_argument("--json", action="store_true", help="print the run report as JSON")
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="requests in flight at once, 1 to 32 (default: the settings' concurrency, 4)",
    )
    parser.add_argument(
        "--watch", type=float, metavar="SECONDS", help="run a cycle every SECONDS until stopped"
    )
    parser.add_argument(
        "--changes",
        action="store_true",
        help="also poll store-side changes of imported orders (cancelled, refunded, edited): "
        "for stores without webhooks; --json counts them per kind under order_changes",
    )
    parser.set_defaults(handler=run)


def mappings_dir(db: str) -> Path:
    """Saved mappings live in a ``mappings`` folder beside the database."""
    return Path(db).resolve().parent / "mappings"


def exit_code(report: RunReport) -> int:
    """1 when anything failed (the run, an order, a customer, a status move), else 0."""
    failed = (
        report.failed
        or report.orders_quarantined
        or report.customers_quarantined
        or report.status_moves_failed
    )
    return 1 if failed else 0


def run(args: argparse.Namespace) -> int:
    """Run one cycle, or cycles every ``--watch`` seconds until SIGINT/SIGTERM."""
    settings = load_settings(args)
    if args.watch is not None and args.watch <= 0:
        raise CliError("--watch needs a positive number of seconds")
    with SqliteErp(args.db) as erp, client_for(args, settings) as client:
        ports = ErpPorts.from_erp(
            erp, mappings=JsonFileMappingStore(mappings_dir(args.db)), clock=SystemClock()
        )
        progress = None if args.json else progress_printer()
        runner = SyncRunner(
            client,
            settings,
            ports,
            inventory=push_inventory(erp.stock),
            progress=progress,
            changes=args.changes,
        )
        if args.watch is None:
            return _report(runner.run_now(preview=args.dry_run), args)
        return _watch(runner, args)


def _watch(runner: SyncRunner, args: argparse.Namespace) -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    code = 0
    while not stop.is_set():
        code = _report(runner.run_cycle(preview=args.dry_run), args)
        stop.wait(args.watch)
    return code


def _report(report: RunReport, args: argparse.Namespace) -> int:
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict()) + "\n")
        sys.stdout.flush()
    else:
        print_summary(report)
    return exit_code(report)
