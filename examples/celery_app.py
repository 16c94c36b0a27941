"""Many stores on Celery, with the SDK's integration (``bigcommerce_connect.contrib.celery``).

From the repository's root (or with the module on your path)::

    export REDIS_URL=redis://localhost:6379/0 BIGCOMMERCE_CONNECT_STORES=/srv/erp/stores
    celery -A examples.celery_app worker --loglevel=INFO    # runs the cycles and webhooks
    celery -A examples.celery_app beat --loglevel=INFO      # enqueues the cycles on time

``REDIS_URL`` is the broker and the result backend. The stores, their settings files and
ERP files are the registry of :mod:`examples.stores`; beat's schedule has one entry per store
whose settings turn ``auto_import`` on, every ``BIGCOMMERCE_CONNECT_SYNC_EVERY`` seconds.

``register`` defines ``sync_store(store_id)`` and ``handle_webhook(store_id, headers, body)``
and, with ``configure=True``, the settings they rely on (late acknowledgement, one task
prefetched per process, JSON only, the Redis visibility timeout); docs/scheduling.md says why
each one matters. A web endpoint queues a webhook with ``integration.enqueue_webhook``.

The schedule is built when this module is imported (by beat and by every worker), not in a
signal handler: Celery's signal dispatcher logs and swallows a handler's exception, so a
mistake there would leave beat running an empty schedule. Here a broken registry stops the
process at start with its message.
"""

from __future__ import annotations

import os

from celery import Celery

from bigcommerce_connect.contrib.celery import register
from examples import stores

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")

app = Celery("erp", broker=REDIS_URL, backend=REDIS_URL)
app.conf.result_expires = 24 * 3600

integration = register(
    app,
    stores=stores.directory(),
    erp=stores.open_erp,
    mappings=stores.mappings,
    inventory=True,
    every=stores.sync_every(),
    configure=True,
)
sync_store = integration.sync_store
handle_webhook = integration.handle_webhook
integration.install_schedule()
