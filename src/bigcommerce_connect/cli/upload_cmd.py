"""``bigcommerce-connect upload ITEM...``: the Item Card's B2B button for the named ERP items.

Each item's product is linked by SKU or created (then updated) now, through the mapping the
settings' ``item_export`` names, even if nothing changed; the store ids are written to the
ERP's bindings and each line shows the control-panel URL that opens the product. The acting
``--employee`` must be one the settings' ``b2b_employees`` grant access; a refusal sends
nothing. ``--dry-run`` reads the store (SKU lookups) and writes nothing anywhere.
"""

from __future__ import annotations

import argparse

from bigcommerce_connect.cli.export_cmd import (
    access_hint,
    add_export_flags,
    export_session,
    product_exporter,
    report_export,
)
from bigcommerce_connect.cli.subcommand import Subparsers

__all__ = ["add_parser"]


def add_parser(subparsers: Subparsers) -> None:
    """Register ``upload``."""
    parser = subparsers.add_parser(
        "upload",
        help="create or update the named ERP items' products now (the Item Card action)",
        description=__doc__,
    )
    parser.add_argument("items", nargs="+", metavar="ITEM", help="ERP item ids (local ids)")
    add_export_flags(parser, employee=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Upload the named items for the employee; 1 when one failed."""
    with export_session(args) as session, access_hint():
        exporter = product_exporter(session)
        report = exporter.item_card(args.employee, args.items, preview=args.dry_run)
        return report_export("upload", report, args, session)
