"""Many stores on Celery: one ``sync_store`` task per store per cycle, scheduled by beat.

From the repository's root (or with the module on your path)::

    export REDIS_URL=redis://localhost:6379/0 BIGCOMMERCE_CONNECT_STORES=/srv/erp/stores
    celery -A examples.celery_app worker --loglevel=INFO    # runs the cycles
    celery -A examples.celery_app beat --loglevel=INFO      # enqueues them on time

``REDIS_URL`` is the broker and the result backend. The stores, their settings files and
ERP files are the registry of :mod:`examples.stores`; beat's schedule has one entry per store
whose settings turn ``auto_import`` on, every ``BIGCOMMERCE_CONNECT_SYNC_EVERY`` seconds.

The schedule is built when this module is imported (by beat and by every worker), not in a
signal handler: Celery's signal dispatcher logs and swallows a handler's exception, so a
mistake there would leave beat running an empty schedule. Here a broken registry stops the
process at start with its message.

``acks_late`` leaves the task of a worker that dies mid-cycle to be run again: safe, because
a rerun imports nothing twice, and a cycle that finds the store's lock taken does nothing.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

from examples import stores

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
#: A cycle that runs longer than this is stopped by a prefork worker (the store lock's lease
#: lets the next cycle take over).
TIME_LIMIT = 30 * 60

app = Celery("erp", broker=REDIS_URL, backend=REDIS_URL)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    # One task at a time per worker process: a cycle is long, and acks_late re-runs it.
    worker_prefetch_multiplier=1,
    result_expires=24 * 3600,
    broker_connection_retry_on_startup=True,
)


@app.task(name="examples.celery_app.sync_store", acks_late=True, time_limit=TIME_LIMIT)
def sync_store(store_id: str) -> dict[str, Any]:
    """One cycle of one store (only its id travels through the broker); the report."""
    return stores.run_cycle(store_id)


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Beat's entries: one ``sync_store`` per store with ``auto_import`` on."""
    every = stores.sync_every()
    return {
        f"sync store {store_id}": {
            "task": sync_store.name,
            "schedule": every,
            "args": (store_id,),
            # A cycle not started before the next one is due is dropped, not stacked up.
            "options": {"expires": every},
        }
        for store_id in stores.scheduled_store_ids()
    }


app.conf.beat_schedule = beat_schedule()
