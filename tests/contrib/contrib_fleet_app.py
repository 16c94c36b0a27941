"""The Celery app the contrib worker tests run: ``register`` over a folder of stores.

``celery -A contrib_fleet_app worker`` builds it from ``REDIS_URL`` and ``CONTRIB_STORES``;
the tests build the same app in-process with :func:`build` to enqueue (the producer side).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery import Celery

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.contrib.celery import CeleryIntegration, register
from bigcommerce_connect.contrib.stores import FolderStores, check_store_id


def build(folder: Path, broker: str, **options: Any) -> tuple[Celery, CeleryIntegration]:
    """An app and its integration over the stores in ``folder``, on ``broker``."""
    app = Celery("contrib-fleet", broker=broker, backend=broker, set_as_current=False)

    def erp(store_id: str) -> SqliteErp:
        return SqliteErp(folder / f"{check_store_id(store_id)}.db")

    integration = register(
        app, stores=FolderStores(folder), erp=erp, configure=True, every=60, **options
    )
    return app, integration


if "CONTRIB_STORES" in os.environ:  # the worker process
    app, integration = build(Path(os.environ["CONTRIB_STORES"]), os.environ["REDIS_URL"])
