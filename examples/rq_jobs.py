"""Many stores on RQ: one ``sync_store`` job per store per cycle, enqueued by RQ's scheduler.

From the repository's root (or with the module on your path)::

    export REDIS_URL=redis://localhost:6379/0 BIGCOMMERCE_CONNECT_STORES=/srv/erp/stores
    rq worker sync --url "$REDIS_URL"          # runs the jobs
    python -m examples.rq_jobs                 # enqueues each store's job on time

The stores, their settings files and ERP files are the registry of :mod:`examples.stores`;
the scheduler has one job per store whose settings turn ``auto_import`` on, every
``BIGCOMMERCE_CONNECT_SYNC_EVERY`` seconds (RQ's own ``CronScheduler``).

Importing this module schedules nothing (a worker imports it for every job):
:func:`build_scheduler` registers the jobs on a scheduler object, and only that scheduler's
process enqueues them. Run one scheduler process; a second one would enqueue every job
twice, which is safe (the store's lock makes the second cycle do nothing) but wasted.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from redis import Redis
from rq.cron import CronScheduler

from examples import stores

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
QUEUE = "sync"
#: RQ stops a job that runs longer (its default is 180 s, short for a large store's first
#: import); the store lock's lease lets the next cycle take over.
JOB_TIMEOUT = 30 * 60


def sync_store(store_id: str) -> dict[str, Any]:
    """One cycle of one store (only its id travels through Redis); the report."""
    return stores.run_cycle(store_id)


def build_scheduler(connection: Redis, store_ids: Sequence[str] | None = None) -> CronScheduler:
    """A scheduler with one ``sync_store`` job per store; nothing is enqueued until it runs.

    ``store_ids`` defaults to the stores whose settings turn ``auto_import`` on.
    """
    every = max(1, round(stores.sync_every()))
    scheduler = CronScheduler(connection=connection)
    chosen = stores.scheduled_store_ids() if store_ids is None else store_ids
    for store_id in chosen:
        scheduler.register(
            sync_store,
            queue_name=QUEUE,
            args=(store_id,),
            interval=every,
            job_timeout=JOB_TIMEOUT,
            name=f"sync store {store_id}",
        )
    return scheduler


def main() -> None:
    """Run the scheduler until SIGINT or SIGTERM."""
    build_scheduler(Redis.from_url(REDIS_URL)).start()


if __name__ == "__main__":
    main()
