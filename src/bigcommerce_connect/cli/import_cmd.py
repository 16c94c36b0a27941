"""``bigcommerce-connect import items``: store products and variants into the SQLite ERP's items.

The original's "Update Item Import": each store product (or variant with options) becomes an
ERP item through a named mapping (``--mapping``, default ``automatic:item_import``), created
or updated by SKU and bound to its store record. ``--dry-run`` maps and plans everything and
writes nothing anywhere; ``--json`` prints the report as one JSON object.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli.display import json_text, terminal_text
from bigcommerce_connect.cli.export_cmd import add_export_flags
from bigcommerce_connect.cli.preflight import named_mapping_problem
from bigcommerce_connect.cli.store_options import client_for, load_settings
from bigcommerce_connect.cli.subcommand import Subparsers, UsageError
from bigcommerce_connect.cli.sync_cmd import mappings_dir
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.sync import ErpPorts, StoreImporter

if TYPE_CHECKING:
    from bigcommerce_connect.sync.items import ItemImportReport

__all__ = ["add_parser"]


def add_parser(subparsers: Subparsers) -> None:
    """Register ``import`` and its ``items`` target."""
    parser = subparsers.add_parser(
        "import", help="import store records into the ERP (items)", description=__doc__
    )
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    items = targets.add_parser("items", help="store products and variants into ERP items")
    add_export_flags(items)
    items.add_argument(
        "--mapping", metavar="NAME", help="the item import mapping (default automatic:item_import)"
    )
    items.set_defaults(handler=run_items)


def run_items(args: argparse.Namespace) -> int:
    """Import the store's products and variants as ERP items; 1 when one failed."""
    settings = load_settings(args)
    mappings = JsonFileMappingStore(mappings_dir(args.db))
    if args.mapping:
        # Checked before anything is read: every item would fail on it one by one (exit 2).
        problem = named_mapping_problem(mappings, args.mapping, "item_import")
        if problem is not None:
            raise UsageError(f"--mapping: {problem}")
    with SqliteErp(args.db) as erp, client_for(args, settings) as client:
        ports = ErpPorts.from_erp(erp, mappings=mappings, clock=SystemClock())
        importer = StoreImporter(client, settings, ports)
        report = importer.import_items(preview=args.dry_run, mapping=args.mapping)
    if args.json:
        data = {"command": "import items", "dry_run": bool(args.dry_run), **report.to_dict()}
        sys.stdout.write(json_text(data) + "\n")
    else:
        _print_items(report)
    sys.stdout.flush()
    return 1 if report.failed or report.items_quarantined else 0


def _print_items(report: ItemImportReport) -> None:
    w = sys.stdout.write
    mode = " (dry run: nothing was written)" if report.preview else ""
    w(f"\nItem import of {terminal_text(report.store or 'the store')}{mode}\n")
    w(
        f"  items       {report.items_created} created, {report.items_updated} updated, "
        f"{report.items_skipped} unchanged, {report.items_quarantined} quarantined\n"
    )
    w(f"  API calls   {report.api_calls} in {report.duration_seconds:.1f}s\n")
    for title, notes in (
        ("notifications", report.notifications),
        ("would notify", report.would_notify),
    ):
        for note in notes[:8]:
            w(f"  {title}: [{note.kind.value}] {terminal_text(note.code)}: ")
            w(f"{terminal_text(note.message)}\n")
    for error in report.errors:
        w(f"  error: {terminal_text(error)}\n")
