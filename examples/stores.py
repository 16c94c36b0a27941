"""The store registry every scheduling recipe shares: one settings file per store, in a folder.

A host that serves several stores keeps each store's settings somewhere of its own (a table,
a folder). These recipes use a folder, named by ``BIGCOMMERCE_CONNECT_STORES``, read by the
SDK's :class:`~bigcommerce_connect.contrib.stores.FolderStores`::

    stores/
        shop-eu.toml      one settings file per store, named by its store id (docs/settings.md);
        shop-us.json      it holds the API token, so chmod 600 (a readable one is refused)
        shop-eu.db        the store's SQLite ERP, created by its first cycle
        mappings/         saved mappings, shared by the stores

Only stores whose settings say ``auto_import = true`` are scheduled; the others are left out
with a log line saying so (``run_cycle`` would report them skipped anyway).
``BIGCOMMERCE_CONNECT_SYNC_EVERY`` is the seconds between two cycles of a store (300).

``run_cycle(store_id)`` is the whole job of the cron and RQ recipes: it opens the store's ERP
and client, runs one cycle, closes both and returns the report as plain data. The queues pass
it the store id, never the settings: settings hold the token, and task arguments are stored
in the broker. (The Celery recipe uses ``bigcommerce_connect.contrib.celery`` instead.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bigcommerce_connect import StoreSettings, SyncRunner
from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.contrib.stores import (
    FolderStores,
    StoreDirectoryError,
    check_store_id,
)
from bigcommerce_connect.contrib.stores import scheduled_store_ids as scheduled_in
from bigcommerce_connect.sync import ErpPorts, push_inventory

__all__ = [
    "EVERY_ENV",
    "STORES_ENV",
    "StoreRegistryError",
    "all_store_ids",
    "directory",
    "load_store_settings",
    "mappings",
    "open_erp",
    "run_cycle",
    "scheduled_store_ids",
    "stores_folder",
    "sync_every",
]

STORES_ENV = "BIGCOMMERCE_CONNECT_STORES"
EVERY_ENV = "BIGCOMMERCE_CONNECT_SYNC_EVERY"
DEFAULT_EVERY = 300.0

#: The registry's errors are the SDK's store directory errors (never worth a retry).
StoreRegistryError = StoreDirectoryError


def stores_folder() -> Path:
    """The folder of the stores' settings files (``BIGCOMMERCE_CONNECT_STORES``)."""
    folder = os.environ.get(STORES_ENV, "")
    if not folder:
        raise StoreRegistryError(
            f"{STORES_ENV} is not set: name the folder that holds one settings file per store"
        )
    path = Path(folder)
    if not path.is_dir():
        raise StoreRegistryError(f"{STORES_ENV}={folder} is not a folder")
    return path


def directory() -> FolderStores:
    """The stores of the folder, by id."""
    return FolderStores(stores_folder())


def sync_every() -> float:
    """Seconds between two cycles of one store (``BIGCOMMERCE_CONNECT_SYNC_EVERY``, 300)."""
    text = os.environ.get(EVERY_ENV, "")
    try:
        every = float(text) if text else DEFAULT_EVERY
    except ValueError:
        raise StoreRegistryError(f"{EVERY_ENV} must be a number of seconds") from None
    if not every > 0:
        raise StoreRegistryError(f"{EVERY_ENV} must be more than 0 seconds")
    return every


def all_store_ids() -> list[str]:
    """Every store with a settings file in the folder, sorted."""
    return directory().store_ids()


def scheduled_store_ids() -> list[str]:
    """The stores whose settings turn ``auto_import`` on: the ones a scheduler runs."""
    return scheduled_in(directory())


def load_store_settings(store_id: str) -> StoreSettings:
    """The settings of one store, from its file (checked private: it holds the token)."""
    return directory().settings(store_id)


def open_erp(store_id: str) -> SqliteErp:
    """The store's SQLite ERP (``{store_id}.db`` in the folder); use it in a ``with``."""
    return SqliteErp(stores_folder() / f"{check_store_id(store_id)}.db")


def mappings(_store_id: str) -> JsonFileMappingStore:
    """The saved mappings, shared by every store of the folder."""
    return JsonFileMappingStore(stores_folder() / "mappings")


def run_cycle(store_id: str) -> dict[str, Any]:
    """One scheduled cycle of one store; the report as JSON-compatible data.

    The ERP file and the client are closed before this returns, whatever happens. A cycle
    that finds the store's lock taken (another worker runs it) reports ``locked`` and does
    nothing, so overlapping triggers double nothing.
    """
    settings = load_store_settings(store_id)
    with open_erp(store_id) as erp, settings.connect() as client:
        ports = ErpPorts.from_erp(erp, mappings=mappings(store_id), clock=SystemClock())
        runner = SyncRunner(client, settings, ports, inventory=push_inventory(erp.stock))
        report = runner.run_cycle()
    return {"store_id": store_id, **report.to_dict()}
