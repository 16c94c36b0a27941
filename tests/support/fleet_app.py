"""The fleet's Celery application: what a host with many stores deploys, configured for tests.

Workers and beat import it by name (``celery -A support.fleet_app worker``, with ``tests`` on
the path); the fleet test imports it too, to enqueue webhook deliveries. Everything comes
from the environment the test gives the processes:

``FLEET_BROKER``  the Redis URL (broker and result backend);
``FLEET_STORES``  the folder of store settings files and webhook secrets (``FolderStores``);
``FLEET_ERP``     the PostgreSQL conninfo of the ERP database (one schema per store);
``FLEET_EVERY``   seconds between two scheduled cycles of a store;
``FLEET_LEASE``   seconds of a store lock's lease (short: a killed worker's store waits it out);
``FLEET_VISIBILITY`` seconds before Redis redelivers a task a dead worker had taken.
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery

from bigcommerce_connect.adapters.postgres import PostgresErp, schema_for
from bigcommerce_connect.contrib.celery import Backoff, register
from bigcommerce_connect.contrib.stores import FolderStores
from bigcommerce_connect.retry import RetryPolicy

BROKER = os.environ.get("FLEET_BROKER", "redis://127.0.0.1:6379/0")
EVERY = float(os.environ.get("FLEET_EVERY", "3"))
LEASE = timedelta(seconds=float(os.environ.get("FLEET_LEASE", "20")))
#: Redis hands an unacknowledged task to another worker after this long (a worker that died
#: as a whole); longer than any cycle of the fleet and than the longest retry countdown.
VISIBILITY_TIMEOUT = float(os.environ.get("FLEET_VISIBILITY", "120"))
#: The client of a hostile store: short retries, a timeout below the sandbox's stall.
CLIENT_OPTIONS = {
    "timeout": 2.0,
    "retry": RetryPolicy(max_attempts=6, base_delay=0.02, max_delay=0.3, max_rate_limit_waits=12),
}


def open_erp(store_id: str) -> PostgresErp:
    """The store's ERP: its schema of the fleet's database, with a short lock lease."""
    return PostgresErp(os.environ["FLEET_ERP"], schema=schema_for(store_id), lock_lease=LEASE)


app = Celery("fleet", broker=BROKER, backend=BROKER)
integration = register(
    app,
    stores=FolderStores(os.environ.get("FLEET_STORES", ".")),
    erp=open_erp,
    every=EVERY,
    client_options=CLIENT_OPTIONS,
    backoff=Backoff(base=0.5, maximum=5.0),
    max_retries=20,
    configure=True,
    visibility_timeout=VISIBILITY_TIMEOUT,
)
if os.environ.get("FLEET_STORES"):
    integration.install_schedule()
