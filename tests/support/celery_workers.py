"""Real Celery processes for tests and benchmarks, and the webhook deliveries they are sent.

``celery_process(app, role, env=..., log=..., cwd=...)`` runs ``celery -A <app> <role>`` with
this interpreter until a warm shutdown (SIGTERM: a worker finishes its current task), then a
kill if it hangs. ``solo_worker`` and ``prefork_worker`` are the roles the tests use.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

#: The flags every test worker takes: no chatter between workers, which tests never need.
QUIET = ("--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO")


def solo_worker(name: str) -> list[str]:
    """A worker running one task at a time in its own process (``--pool=solo``)."""
    return ["worker", "--pool=solo", *QUIET, "--hostname", f"{name}@localhost"]


def prefork_worker(concurrency: int, name: str) -> list[str]:
    """A prefork worker with ``concurrency`` pool processes."""
    return [
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        *QUIET,
        "--hostname",
        f"{name}@localhost",
    ]


@contextmanager
def celery_process(
    app: str, role: Sequence[str], *, env: Mapping[str, str], log: Path, cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``celery -A app <role>`` until a warm shutdown when the block ends."""
    command = [sys.executable, "-m", "celery", "-A", app, *role]
    with log.open("wb") as output:
        # This interpreter, a module by name, arguments from the callers' constants.
        process = subprocess.Popen(  # noqa: S603
            command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """SIGTERM (a worker finishes its current task), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (a prefork worker's pool processes)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.extend(int(child) for child in task.read_text().split())
    return found


def tail(log: Path) -> str:
    """The end of a process's log, for an assertion message."""
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""


def python_path(*folders: Path) -> str:
    """``PYTHONPATH`` with ``folders`` in front of the current one."""
    return os.pathsep.join([*(str(f) for f in folders), os.environ.get("PYTHONPATH", "")])


def write_webhook_secret(folder: Path, store_id: str, secret: str) -> None:
    """A store's webhook secret file as ``FolderStores`` reads it (0600)."""
    path = folder / f"{store_id}.webhook-secret"
    path.write_text(secret, encoding="utf-8")
    path.chmod(0o600)


def order_created(store_hash: str, order_id: int) -> bytes:
    """The body of a ``store/order/created`` delivery for ``order_id``."""
    return json.dumps(
        {
            "scope": "store/order/created",
            "store_id": "1001",
            "producer": f"stores/{store_hash}",
            "data": {"type": "order", "id": order_id},
            "hash": f"h{order_id}",
            "created_at": 1767225600,
        }
    ).encode()
