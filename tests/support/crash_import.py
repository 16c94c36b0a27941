"""Run one order import into a SQLite ERP and, if asked, die (SIGKILL) at a chosen step.

    python tests/support/crash_import.py API_PATH TOKEN DB_FILE

``CRASH_AT`` picks the step, ``CRASH_ON`` (default 3) which call of it dies:

* ``created``  - the ERP order was written, its transaction not committed yet
* ``bound``    - the binding was written, the transaction not committed yet
* ``moving``   - committed; the status move is about to be sent
* ``moved``    - the store moved the order; the run has not recorded anything after it
* ``cursor``   - every order handled; the cursor is about to be saved

The hooks wrap the ports and the client here, in the script: the library has no test hooks.
Without ``CRASH_AT`` it is a plain run that prints its report as JSON. More switches:

* ``FAST_RETRY=1`` - short retries and read timeout, for runs under faults
* ``HOSTILE=1`` - as ``FAST_RETRY``, plus the hostile-store soak's deadline and body cap
  (``HOSTILE_CLIENT`` in ``tests/support/reliability.py``), for every fault kind
* ``REPLAY=1`` - after the import, replay the order quarantine once (when it holds any)
* ``RUNNER=sync`` - a whole ``SyncRunner`` cycle instead of the order import
* ``BYPASS_LOCK=1`` - a store lock that always grants (as if a host's lock failed)
* ``START_BARRIER=PREFIX`` - wait until ``START_PARTIES`` processes have touched
  ``PREFIX.<pid>`` files, so they really run at once
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter, SyncRunner


def die() -> None:
    """The process is killed: no cleanup, no rollback but SQLite's own, no flushing."""
    os.kill(os.getpid(), signal.SIGKILL)


def dying(real: Callable[..., Any], nth: int, *, after: bool) -> Callable[..., Any]:
    """``real``, except that its ``nth`` call kills the process (before or after running)."""
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == nth and not after:
            die()
        result = real(*args, **kwargs)
        if calls[0] == nth and after:
            die()
        return result

    return wrapper


class GrantingLock:
    """A store lock that always says yes: only the bindings keep orders single now."""

    def try_acquire(self, name: str, owner: str) -> bool:
        return True

    def release(self, name: str, owner: str) -> None:
        return None


def barrier(prefix: str, parties: int) -> None:
    """Wait (bounded) until ``parties`` processes have reached this point."""
    Path(f"{prefix}.{os.getpid()}").touch()
    folder, name = Path(prefix).parent, Path(prefix).name
    deadline = time.monotonic() + 30
    while len(list(folder.glob(name + ".*"))) < parties and time.monotonic() < deadline:
        time.sleep(0.005)


def main(api_path: str, token: str, db: str) -> int:
    step = os.environ.get("CRASH_AT", "")
    nth = int(os.environ.get("CRASH_ON", "3"))
    settings = StoreSettings(
        api_path=api_path, api_token=token, allow_insecure_host=True, code="BC"
    )
    client_options: dict[str, Any] = {}
    if os.environ.get("FAST_RETRY"):
        # For soaks under faults: short real waits, and a read timeout below the stall.
        client_options = {
            "timeout": 0.2,
            "retry": RetryPolicy(max_attempts=6, base_delay=0.02, max_delay=0.3),
        }
    if os.environ.get("HOSTILE"):
        # The hostile-store soak's client (support.reliability.HOSTILE_CLIENT and FAST_RETRY): a
        # deadline that cuts a trickling body, a cap a huge body or gzip bomb runs into.
        client_options = {
            "timeout": 0.2,
            "deadline": 0.75,
            "max_body_bytes": 1024 * 1024,
            "retry": RetryPolicy(
                max_attempts=6, base_delay=0.02, max_delay=0.3, max_rate_limit_waits=12
            ),
        }
    with (
        SqliteErp(db) as erp,
        BigCommerceClient.from_settings(settings, **client_options) as client,
    ):
        if step == "created":
            erp.sales_orders.create = dying(erp.sales_orders.create, nth, after=True)  # type: ignore[method-assign]
        elif step == "bound":
            erp.bindings.bind = dying(erp.bindings.bind, nth, after=True)  # type: ignore[method-assign]
        elif step in ("moving", "moved"):
            orders = client.orders
            orders.move = dying(orders.move, nth, after=step == "moved")  # type: ignore[method-assign]
        elif step == "cursor":
            erp.sync_state.set_cursor = dying(erp.sync_state.set_cursor, 1, after=False)  # type: ignore[method-assign]
        elif step:
            raise SystemExit(f"unknown CRASH_AT {step!r}")
        if os.environ.get("BYPASS_LOCK"):
            erp.lock = GrantingLock()  # type: ignore[assignment]
        ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=SystemClock())
        # One status move at a time, so "the nth move" is one well-defined order.
        # Every move re-reads first: another app's ships always meet the guard here.
        options = ImportOptions(
            settle=timedelta(0),
            status_move_concurrency=1,
            page_size=20,
            move_guard_age=timedelta(0),
        )
        if os.environ.get("START_BARRIER"):
            barrier(os.environ["START_BARRIER"], int(os.environ.get("START_PARTIES", "2")))
        if os.environ.get("RUNNER") == "sync":
            report = SyncRunner(client, settings, ports, options).run_now()
        else:
            report = StoreImporter(client, settings, ports, options).import_orders()
        failed = report.failed
        if os.environ.get("REPLAY") and list(erp.quarantine.entries("order")):
            replay = StoreImporter(client, settings, ports, options).retry_quarantine()
            failed = failed or replay.failed or bool(replay.errors)
    sys.stdout.write(json.dumps(report.to_dict()) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
