"""Import the sandbox store's customers and orders into an ERP kept in a SQLite file.

Run it twice: the second run imports nothing, because the bindings and cursors live in the
file (``erp.db`` in the current directory, or the path given as the first argument).
"""

from __future__ import annotations

import sys
from datetime import timedelta

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter


def catalogue(sandbox: Sandbox) -> list[ItemRef]:
    """ERP items for the sandbox's SKUs (a real host's ERP already has its items)."""
    with sandbox.store.locked() as store:
        return [
            ItemRef(local_id=f"I{v['id']}", sku=v["sku"], is_variant=True)
            for v in store.variants.values()
            if v.get("sku")
        ] + [
            ItemRef(local_id=f"P{p['id']}", sku=p["sku"])
            for p in store.products.values()
            if p.get("sku")
        ]


def main(path: str = "erp.db") -> None:
    with run_sandbox(SandboxConfig(seed=1, orders=60)) as sandbox:
        settings = StoreSettings.from_dict(
            {
                "api_path": sandbox.api_path,
                "api_token": sandbox.access_token,
                "allow_insecure_host": True,
                "description": "sandbox",
                "code": "BC",
                "notify_to": "pat",
            }
        )
        with (
            settings.connect() as client,
            SqliteErp(path, items=catalogue(sandbox)) as erp,
        ):
            ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=SystemClock())
            importer = StoreImporter(client, settings, ports, ImportOptions(settle=timedelta(0)))
            report = importer.import_all()
            print(
                f"{report.customers_created} customer(s) created, "
                f"{report.orders_imported} order(s) imported, {report.statuses_moved} moved"
            )
            print(f"{len(erp.sales_orders.all())} sales order(s) in {erp.path}")
            for notification in erp.notifier.notifications():
                print(f"  [{notification.kind.value}] {notification.code}: {notification.message}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
