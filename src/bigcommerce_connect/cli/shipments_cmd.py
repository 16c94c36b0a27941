"""``bigcommerce-connect export shipments``: the SQLite ERP's shipments to the store.

Every shipment of the ERP not yet bound becomes one store shipment (exactly once: see
``docs/lifecycle.md``); the store moves its order to Partially Shipped or Shipped, and
``--final-status`` (e.g. "Completed") moves an order on once the store says Shipped.
``--dry-run`` reads the store and writes nothing anywhere; ``--json`` prints one JSON
object. Exit code 1 when a shipment was refused or failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli.display import json_text, terminal_text
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.export.shipments import (
    ShipmentExporter,
    ShipmentOptions,
    ShipmentReport,
)
from bigcommerce_connect.settings import StoreSettings

__all__ = ["add_target", "run_shipments"]


def add_target(targets: Any) -> None:
    """Register ``shipments`` under ``export`` (``targets``: its subparsers)."""
    parser = targets.add_parser(
        "shipments", help="the ERP's shipments as store shipments, each once", description=__doc__
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add_store_flags(parser)
    parser.add_argument("--db", default="bigcommerce-connect.db", help="the SQLite ERP file")
    parser.add_argument(
        "--dry-run", action="store_true", help="preview: read the store, write nothing anywhere"
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--final-status",
        metavar="STATUS",
        help="move an order here (a name, the store's label or an id) once it is all shipped",
    )
    parser.set_defaults(handler=run_shipments)


def run_shipments(args: argparse.Namespace) -> int:
    """Export the ERP's unexported shipments; print the report; 1 when one failed."""
    settings = load_settings(args)
    options = ShipmentOptions(final_status=args.final_status or None)
    with SqliteErp(args.db) as erp, client_for(args, settings) as client:
        exporter = ShipmentExporter.from_erp(
            client,
            erp,
            clock=SystemClock(),
            options=options,
            recipient=settings.notify_to,
            store=settings.description,
        )
        report = exporter.export(dry_run=bool(args.dry_run))
    if args.json:
        data: dict[str, Any] = {"command": "export shipments"}
        data.update(report.to_dict())
        sys.stdout.write(json_text(data) + "\n")
    else:
        _print_report(report, settings, args.final_status or "")
    sys.stdout.flush()
    return 0 if report.ok else 1


def _print_report(report: ShipmentReport, settings: StoreSettings, final: str) -> None:
    w: Callable[[str], object] = sys.stdout.write
    store = settings.description or settings.endpoint.store_hash or "the store"
    mode = (
        " (dry run: nothing was written; actions are what would happen)" if report.dry_run else ""
    )
    w(f"\nexport shipments for {terminal_text(store)}{mode}\n")
    for result in report.results:
        order = f"  order {result.order_id}" if result.order_id is not None else ""
        made = f"  shipment {result.shipment_id}" if result.shipment_id is not None else ""
        why = result.error or result.detail
        tail = f": {terminal_text(why)}" if why else ""
        w(f"  {terminal_text(result.local_id)}  {result.action.value}{order}{made}{tail}\n")
    for order_id in report.final_moves:
        w(f"  order {order_id} moved to {terminal_text(final)}\n")
    for error in report.errors:
        w(f"  error: {terminal_text(error)}\n")
    counts = ", ".join(f"{count} {name}" for name, count in report.counts.items())
    w(f"  {counts}; {report.api_calls} API calls in {report.duration_seconds:.1f}s\n")
