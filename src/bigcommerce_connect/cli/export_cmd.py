"""``bigcommerce-connect export products|inventory|b2b|shipments``: exports from the SQLite ERP.

* ``products`` — "Update Products": the items changed since the last good run, through the
  mapping the settings' ``item_export`` names (the built-in one when unset).
* ``inventory`` — changed stock, absolute values from a fresh snapshot.
* ``b2b`` — price levels as customer groups, contacts as customers, price lists; the acting
  ``--employee`` must be one the settings' ``b2b_employees`` grant access.
* ``shipments`` — the ERP's shipments as store shipments, each once (``--final-status``).

Each takes ``--dry-run`` (reads only: nothing is written to the store or the ERP) and
``--json`` (one JSON object). Exit code 1 when a record failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import ranges, shipments_cmd
from bigcommerce_connect.cli.display import json_text, terminal_text
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.cli.subcommand import CliError, Subparsers
from bigcommerce_connect.cli.sync_cmd import mappings_dir
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.export import (
    AccessDeniedError,
    Action,
    B2BExporter,
    EmployeeListPolicy,
    ExportReport,
    InventoryPusher,
    ItemResult,
    ProductExporter,
)
from bigcommerce_connect.settings import StoreSettings

__all__ = [
    "ExportSession",
    "access_hint",
    "add_export_flags",
    "add_parser",
    "export_session",
    "granted",
    "product_exporter",
    "report_export",
]


def add_export_flags(parser: argparse.ArgumentParser, *, employee: bool = False) -> None:
    """The flags every export-side command shares (store, ERP, dry run, JSON)."""
    add_store_flags(parser)
    parser.add_argument("--db", default="bigcommerce-connect.db", help="the SQLite ERP file")
    parser.add_argument(
        "--dry-run", action="store_true", help="preview: read the store, write nothing anywhere"
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--concurrency",
        type=ranges.int_between(1, 32),
        metavar="N",
        help="requests in flight at once, 1 to 32 (default: the settings' concurrency, 4)",
    )
    if employee:
        parser.add_argument(
            "--employee",
            required=True,
            metavar="NAME",
            help="the acting employee; must be in the settings' b2b_employees (B2B access)",
        )


def add_parser(subparsers: Subparsers) -> None:
    """Register ``export`` and its three targets."""
    parser = subparsers.add_parser(
        "export", help="export products, inventory or B2B data to the store", description=__doc__
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    products = targets.add_parser("products", help="changed items through Update Products")
    add_export_flags(products)
    products.set_defaults(handler=run_products)
    inventory = targets.add_parser("inventory", help="changed stock levels")
    add_export_flags(inventory)
    inventory.set_defaults(handler=run_inventory)
    b2b = targets.add_parser("b2b", help="price levels, contacts as customers, price lists")
    add_export_flags(b2b, employee=True)
    b2b.set_defaults(handler=run_b2b)
    shipments_cmd.add_target(targets)  # the ERP's shipments (its own module)


@attrs.frozen
class ExportSession:
    """What one export command works with: settings, the ERP, its mappings, a client."""

    settings: StoreSettings
    erp: SqliteErp
    mappings: JsonFileMappingStore
    client: BigCommerceClient


@contextmanager
def export_session(
    args: argparse.Namespace, settings: StoreSettings | None = None
) -> Iterator[ExportSession]:
    """Settings, the SQLite ERP, the mappings beside it and a client; all closed after."""
    settings = settings or load_settings(args)
    with SqliteErp(args.db) as erp, client_for(args, settings) as client:
        mappings = JsonFileMappingStore(mappings_dir(args.db))
        yield ExportSession(settings, erp, mappings, client)


def granted(session: ExportSession) -> EmployeeListPolicy:
    """The settings' access policy: the employees ``b2b_employees`` lists."""
    return EmployeeListPolicy(session.settings.b2b_employees)


def product_exporter(session: ExportSession) -> ProductExporter:
    """The "Update Products" exporter the settings describe (their ``item_export`` mapping)."""
    erp = session.erp
    return ProductExporter.from_settings(
        session.settings,
        session.client,
        items=erp.item_source,
        bindings=erp.bindings,
        clock=SystemClock(),
        sync_state=erp.sync_state,
        mappings=session.mappings,
        access=granted(session),
    )


@contextmanager
def access_hint() -> Iterator[None]:
    """An access refusal, with what to change to grant it."""
    try:
        yield
    except AccessDeniedError as error:
        raise CliError(
            f"{error}: add the employee to b2b_employees in the settings file to grant access"
        ) from None


def run_products(args: argparse.Namespace) -> int:
    """Export the items changed since the last good run."""
    with export_session(args) as session:
        report = product_exporter(session).export_changed(preview=args.dry_run)
        return report_export("export products", report, args, session)


def run_inventory(args: argparse.Namespace) -> int:
    """Push changed stock (a dry run lists it and sends nothing)."""
    warnings: list[dict[str, str]] = []
    with export_session(args) as session:
        if args.dry_run:
            report = _stock_preview(session)
        else:
            pusher = InventoryPusher(
                session.client,
                stock=session.erp.stock,
                bindings=session.erp.bindings,
                clock=SystemClock(),
                warn=lambda code, message: warnings.append({"code": code, "message": message}),
            )
            report = pusher.push()
        return report_export("export inventory", report, args, session, warnings=warnings)


def _stock_preview(session: ExportSession) -> ExportReport:
    """What a push would send: items whose stock differs from what was last pushed."""
    stock = session.erp.stock
    report = ExportReport(started_at=SystemClock().now())
    for level in stock.stock_snapshot():
        if stock.stock_pushed(level.local_id, level.location_id) != level.quantity:
            report.items.append(
                ItemResult(local_id=level.local_id, sku=level.sku, action=Action.UPDATED)
            )
    return report


def run_b2b(args: argparse.Namespace) -> int:
    """Price levels, then contacts, then each level's price list, as one report."""
    settings = load_settings(args)
    if not settings.b2b:  # before the ERP file is opened (or created)
        raise CliError("B2B is off in the settings: set b2b = true to export B2B data")
    with export_session(args, settings) as session, access_hint():
        report = _b2b(session, args.employee, preview=args.dry_run)
        return report_export("export b2b", report, args, session)


def _b2b(session: ExportSession, employee: str, *, preview: bool) -> ExportReport:
    erp = session.erp
    exporter = B2BExporter(
        session.client,
        access=granted(session),
        bindings=erp.bindings,
        clock=SystemClock(),
        contacts=erp.contacts,
        price_levels=erp.price_levels,
    )
    started, clock = time.monotonic(), SystemClock()
    report = ExportReport(started_at=clock.now())
    levels = list(erp.price_levels.price_levels())
    parts = [
        exporter.sync_price_levels(employee, levels=levels, preview=preview),
        exporter.sync_contacts(employee, preview=preview),
    ]
    for level in levels:
        # A preview created no group: the level's prices wait for the real run's group.
        if not preview or _has_group(parts[0], level):
            parts.append(exporter.sync_customer_pricing(employee, level, preview=preview))
    for part in parts:
        report.contacts.extend(part.contacts)
        report.levels.extend(part.levels)
        report.api_calls += part.api_calls
    report.duration_seconds = time.monotonic() - started
    return report


def _has_group(report: ExportReport, level: str) -> bool:
    return any(r.level == level and r.customer_group_id is not None for r in report.levels)


def report_export(
    command: str,
    report: ExportReport,
    args: argparse.Namespace,
    session: ExportSession,
    *,
    warnings: list[dict[str, str]] | None = None,
) -> int:
    """Print the report (text, or one JSON object); 1 when a record failed."""
    warnings = warnings or []
    if args.json:
        data: dict[str, Any] = {"command": command, "dry_run": bool(args.dry_run)}
        data.update(report.to_dict())
        data["warnings"] = warnings
        sys.stdout.write(json_text(data) + "\n")
    else:
        _print_report(command, report, session, dry_run=bool(args.dry_run), warnings=warnings)
    sys.stdout.flush()
    return 0 if report.ok else 1


def _print_report(
    command: str,
    report: ExportReport,
    session: ExportSession,
    *,
    dry_run: bool,
    warnings: list[dict[str, str]],
) -> None:
    w: Callable[[str], object] = sys.stdout.write
    store = session.settings.description or session.settings.endpoint.store_hash or "the store"
    mode = " (dry run: nothing was written; actions are what would happen)" if dry_run else ""
    w(f"\n{command} for {terminal_text(store)}{mode}\n")
    for item in report.items:
        where = f"  product {item.product_id}" if item.product_id is not None else ""
        w(f"  {terminal_text(item.local_id)}  {terminal_text(item.sku)}  {item.action.value}")
        w(f"{where}{_tail(item.error, item.admin_url)}\n")
    for contact in report.contacts:
        where = f"  customer {contact.customer_id}" if contact.customer_id is not None else ""
        w(f"  contact {terminal_text(contact.local_id)}  {terminal_text(contact.email)}  ")
        w(f"{contact.action.value}{where}{_tail(contact.error, contact.admin_url)}\n")
    for level in report.levels:
        w(f"  level {terminal_text(level.level)}  {level.action.value}")
        w(f"{_tail(level.error, '')}\n")
    counts = ", ".join(f"{count} {action}" for action, count in report.counts.items())
    w(f"  {counts}; {report.api_calls} API calls in {report.duration_seconds:.1f}s\n")
    for warning in warnings:
        w(f"  warning: {terminal_text(warning['code'])}: {terminal_text(warning['message'])}\n")


def _tail(error: str, url: str) -> str:
    if error:
        return f": {terminal_text(error)}"
    return f"  {terminal_text(url)}" if url else ""
