"""Many stores on Celery: scheduled cycles and webhook imports, one store id per task.

::

    from celery import Celery
    from bigcommerce_connect.adapters.sqlite import SqliteErp
    from bigcommerce_connect.contrib.celery import register
    from bigcommerce_connect.contrib.stores import FolderStores

    app = Celery("erp", broker="redis://localhost:6379/0", backend="redis://localhost:6379/0")
    connect = register(
        app,
        stores=FolderStores("/srv/erp/stores"),
        erp=lambda store_id: SqliteErp(f"/srv/erp/stores/{store_id}.db"),
        configure=True,
    )
    connect.install_schedule()  # beat: one sync_store entry per store with auto_import on

:func:`register` defines two tasks on the app (``bigcommerce_connect.sync_store`` and
``bigcommerce_connect.handle_webhook``) and returns a :class:`CeleryIntegration`; the mapping
from the SDK's errors to retries is in :mod:`.policy`. Celery is never imported by this
package: the tasks are defined on the application you pass in. docs/scheduling.md explains
the guarantees (exactly once, one cycle of a store at a time) and the settings they need.
"""

from __future__ import annotations

from bigcommerce_connect.contrib.celery.integration import (
    DEFAULT_EVERY,
    REFUSED_NOTIFICATION,
    SECRET_DIGEST_HEADER,
    CeleryIntegration,
    ErpFactory,
    recommended_config,
    register,
    secret_digest,
    webhook_wire_args,
)
from bigcommerce_connect.contrib.celery.policy import Backoff, Verdict, VerdictKind

__all__ = [
    "DEFAULT_EVERY",
    "REFUSED_NOTIFICATION",
    "SECRET_DIGEST_HEADER",
    "Backoff",
    "CeleryIntegration",
    "ErpFactory",
    "Verdict",
    "VerdictKind",
    "recommended_config",
    "register",
    "secret_digest",
    "webhook_wire_args",
]
