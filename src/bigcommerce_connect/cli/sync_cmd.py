"""``bigcommerce-connect sync``: one cycle (or ``--watch``) against a configured store."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Final

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import ranges
from bigcommerce_connect.cli.display import ProgressDisplay, print_summary, progress_printer
from bigcommerce_connect.cli.preflight import check_start
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.cli.subcommand import Subparsers, UsageError
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.sync import ErpPorts, RunReport, SyncRunner, push_inventory

__all__ = ["INTERRUPTED", "add_parser", "exit_code", "interrupted_message", "mappings_dir"]

#: The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED: Final = 130


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
        type=ranges.int_between(1, 32),
        metavar="N",
        help="requests in flight at once, 1 to 32 (default: the settings' concurrency, 4)",
    )
    parser.add_argument(
        "--watch",
        type=ranges.positive_seconds,
        metavar="SECONDS",
        help="run a scheduled cycle every SECONDS until stopped (needs auto_import = true)",
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
    if args.watch is not None and not settings.auto_import:
        # Every --watch cycle would be skipped: say so at once instead of idling forever.
        raise UsageError(_watch_needs_auto_import(args.settings))
    with SqliteErp(args.db) as erp, client_for(args, settings) as client:
        mappings = JsonFileMappingStore(mappings_dir(args.db))
        ports = ErpPorts.from_erp(erp, mappings=mappings, clock=SystemClock())
        # Statuses and mapping names are checked before any order is touched (exit 2).
        start = check_start(client, settings, mappings)
        progress = progress_printer(total=start.waiting, machine=args.json)
        runner = SyncRunner(
            client,
            settings,
            ports,
            inventory=push_inventory(erp.stock),
            progress=progress,
            changes=args.changes,
        )
        if args.watch is None:
            return _run_once(runner, progress, args)
        return _watch(runner, args)


def _run_once(runner: SyncRunner, progress: ProgressDisplay, args: argparse.Namespace) -> int:
    """One cycle; Ctrl-C ends it at once, reporting how far it got (exit 130)."""
    try:
        report = runner.run_now(preview=args.dry_run)
    except KeyboardInterrupt:
        progress.end()
        report = runner.importer.last_report or RunReport()
        report.interrupted = True
        _report(report, args)
        sys.stderr.write(interrupted_message(report) + "\n")
        return INTERRUPTED
    progress.end()
    return _report(report, args)


def _watch_needs_auto_import(settings_file: str | None) -> str:
    """Why ``--watch`` does not start while ``auto_import`` is off, and the ways on."""
    json_file = settings_file is not None and not settings_file.lower().endswith(".toml")
    setting = '"auto_import": true' if json_file else "auto_import = true"
    where = settings_file or "the settings file (--settings FILE)"
    return (
        f"--watch runs the scheduled import and auto_import is off: set {setting} in {where}, "
        "or run sync without --watch for a one-off cycle"
    )


def interrupted_message(report: RunReport) -> str:
    """What Ctrl-C leaves behind, in one line."""
    # Bindings make a re-run skip what this run imported, and a stream's cursor moves only
    # when the stream finishes, so a re-run also finds what this one did not reach.
    return f"interrupted after {report.orders_imported} orders; running again is safe"


def _watch(runner: SyncRunner, args: argparse.Namespace) -> int:
    """Cycles every ``--watch`` seconds. SIGTERM or Ctrl-C ends the loop once the running
    cycle is done: SIGTERM (a service manager) with the last cycle's exit code, Ctrl-C with
    130 and a line saying so, as a one-off ``sync`` does."""
    stop = threading.Event()
    received: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    code = 0
    while not stop.is_set():
        code = _report(runner.run_cycle(preview=args.dry_run), args)
        stop.wait(args.watch)
    if signal.SIGINT in received:
        sys.stderr.write(
            "interrupted: the watch stopped after its last cycle; running again is safe\n"
        )
        return INTERRUPTED
    return code


def _report(report: RunReport, args: argparse.Namespace) -> int:
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict()) + "\n")
        sys.stdout.flush()
    else:
        print_summary(report)
    return exit_code(report)
