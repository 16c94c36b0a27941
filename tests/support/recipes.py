"""The scheduling recipes' store folder (examples/stores.py) over sandbox stores, for tests.

``Registry.add`` starts a sandbox store and writes its settings file (0600) and a SQLite ERP
that knows the store's items; ``recipe_env`` is the environment of a worker process that
imports the recipes from this repository.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.sandbox import Sandbox
from support.reliability import catalogue
from support.sandboxes import StartSandbox

ROOT = Path(__file__).resolve().parents[2]
AWAITING_FULFILLMENT = 11
AWAITING_SHIPMENT = 9
#: The variables the recipes read (examples/stores.py).
STORES_ENV = "BIGCOMMERCE_CONNECT_STORES"
EVERY_ENV = "BIGCOMMERCE_CONNECT_SYNC_EVERY"

#: ``import_recipe("celery_app")`` -> the module ``examples.celery_app``, imported afresh.
ImportRecipe = Callable[[str], ModuleType]


@dataclass
class Registry:
    """A store folder as examples/stores.py reads it, with one sandbox per store."""

    folder: Path
    start_sandbox: StartSandbox
    sandboxes: dict[str, Sandbox] = field(default_factory=dict)

    def add(self, store_id: str, *, orders: int = 30, **settings: Any) -> Sandbox:
        """A sandbox store and its settings file (0600: it holds the token)."""
        sandbox = self.start_sandbox(seed=len(self.sandboxes) + 3, orders=orders, customers=10)
        with sandbox.store.locked() as store:  # every order waits: work for each cycle
            for order in store.orders.values():
                order["status_id"] = AWAITING_FULFILLMENT
        data = {
            "api_path": sandbox.api_path,
            "api_token": sandbox.access_token,
            "allow_insecure_host": True,
            "auto_import": True,
            "notify_to": "ops",
            **settings,
        }
        path = self.folder / f"{store_id}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        path.chmod(0o600)
        # The host's ERP already knows the items the store sells.
        with SqliteErp(self.folder / f"{store_id}.db", items=catalogue(sandbox)):
            pass
        self.sandboxes[store_id] = sandbox
        return sandbox

    def waiting(self, store_id: str) -> list[int]:
        """The store's orders in the "get" status (Awaiting Fulfillment)."""
        return self._orders_in(store_id, AWAITING_FULFILLMENT)

    def moved(self, store_id: str) -> list[int]:
        """The store's orders in the "set" status (Awaiting Shipment)."""
        return self._orders_in(store_id, AWAITING_SHIPMENT)

    def erp_order_refs(self, store_id: str) -> list[str]:
        """The store order ids the store's ERP file holds, one entry per ERP order."""
        with SqliteErp(self.folder / f"{store_id}.db") as erp:
            return sorted(order.external_ref for order, _ in erp.sales_orders.all().values())

    def _orders_in(self, store_id: str, status_id: int) -> list[int]:
        with self.sandboxes[store_id].store.locked() as store:
            return sorted(o["id"] for o in store.orders.values() if o["status_id"] == status_id)


def recipe_env(registry: Registry, **extra: str) -> dict[str, str]:
    """The environment of a worker process: the repository importable, the registry named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIGCOMMERCE_")}
    path = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)
    env[STORES_ENV] = str(registry.folder)
    env.update(extra)
    return env
