"""``bigcommerce-connect demo``: the whole product in a minute, with nothing to set up.

Starts the sandbox store in-process, opens a fresh SQLite ERP (a temporary folder, or --db),
runs one full cycle — customers, orders with status moves, inventory push — and prints what
happened.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import ranges
from bigcommerce_connect.cli.display import print_summary, progress_printer, terminal_text
from bigcommerce_connect.cli.preflight import check_start
from bigcommerce_connect.cli.subcommand import Subparsers
from bigcommerce_connect.cli.sync_cmd import exit_code, mappings_dir
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync import ErpPorts, SyncRunner, dashboard, push_inventory

__all__ = ["add_parser"]


def add_parser(subparsers: Subparsers) -> None:
    """Register ``demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="run a full cycle against the built-in sandbox store with a SQLite ERP",
        description=__doc__,
    )
    parser.add_argument("--db", help="SQLite ERP file to keep (default: a temporary folder)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete the --db file first, so a kept ERP imports the sandbox's orders again",
    )
    parser.add_argument(
        "--orders", type=ranges.count, default=300, help="orders in the sandbox store"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the sandbox data")
    parser.set_defaults(handler=run)


@contextmanager
def _database(path: str | None) -> Iterator[str]:
    if path is not None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="bigcommerce-connect-demo-") as folder:
        yield str(Path(folder) / "erp.db")


def _skus(sb: Sandbox) -> list[tuple[int, str]]:
    with sb.store.locked() as store:
        return [(vid, v["sku"]) for vid, v in sorted(store.variants.items()) if v.get("sku")]


def _fill_erp(erp: SqliteErp, sb: Sandbox) -> None:
    # The demo ERP already knows the store's products and has its own stock counts for
    # them, as an ERP that sells them would: the cycle pushes those counts to the store.
    skus = _skus(sb)
    erp.items.add_all(
        [ItemRef(local_id=f"ITEM-{vid}", sku=sku, is_variant=True) for vid, sku in skus]
    )
    for vid, sku in skus:
        stock = Decimal((vid * 7) % 40)
        erp.item_source.put(f"ITEM-{vid}", ErpItem(item_code=sku, quantity_on_hand=stock))


def run(args: argparse.Namespace) -> int:
    """Run the demo and print its summary."""
    out = sys.stdout
    config = SandboxConfig(seed=args.seed, orders=args.orders, customers=60, products=40)
    out.write("Starting the sandbox store and a fresh SQLite ERP ...\n")
    if args.fresh and args.db:
        _delete_database(args.db)
    with (
        run_sandbox(config) as sb,
        _database(args.db) as db,
        SqliteErp(db) as erp,
    ):
        _fill_erp(erp, sb)
        settings = StoreSettings(
            api_path=sb.api_path,
            api_token=sb.access_token,
            allow_insecure_host=True,
            description="Demo store (sandbox)",
            code="BC",
            notify_to="demo",
            auto_import=True,
        )
        out.write(f"  store  {sb.api_path}\n  ERP    {db}\n")
        with settings.connect() as client:
            mappings = JsonFileMappingStore(mappings_dir(db))
            ports = ErpPorts.from_erp(erp, mappings=mappings, clock=SystemClock())
            waiting = check_start(client, settings, mappings).waiting
            progress = progress_printer(total=waiting)
            runner = SyncRunner(
                client,
                settings,
                ports,
                inventory=push_inventory(erp.stock),
                progress=progress,
            )
            before = dashboard(client, settings)
            out.write("Running one cycle: customers, orders (then status moves), inventory\n")
            report = runner.run_now()
            progress.end()
            after = dashboard(client, settings)
        print_summary(report, before=before, after=after)
        if args.db and report.orders_skipped and not report.orders_imported:
            out.write(nothing_imported(waiting, args.db) + "\n")
    return exit_code(report) if report.failed else 0


def nothing_imported(waiting: int | None, db: str) -> str:
    """Why a demo on a kept ``--db`` imported no order: an earlier run did (all skipped)."""
    # Every demo starts the same seeded sandbox; the kept ERP already binds its orders, so
    # they are skipped (and only moved on) rather than imported twice.
    orders = f"the {waiting} orders" if waiting else "the orders"
    return (
        f"nothing new to import: {orders} of this sandbox were imported by an earlier run "
        f"into {terminal_text(db)}; use a new --db or --fresh"
    )


def _delete_database(db: str) -> None:
    """Remove the ERP file and SQLite's side files (``--fresh``)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(db + suffix).unlink(missing_ok=True)
