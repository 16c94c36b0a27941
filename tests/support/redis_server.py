"""A real ``redis-server`` for tests: free loopback port, temporary folder, nothing persisted.

The Celery and RQ recipe tests (and any test that needs a broker) run against it instead of a
fake. ``start_redis(folder)`` starts one and waits until it answers ``PING``; leaving the
``with`` stops it. When ``redis-server`` is not on PATH the test is skipped with the reason
(``.ci/run`` installs it, so CI always runs these tests).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

#: How long a server may take to answer its first PING (a cold start on a busy machine).
START_TIMEOUT = 20.0
#: How long a stopping server may take before it is killed.
STOP_TIMEOUT = 10.0
#: A free port can be taken by someone else before the server binds it: try a few.
PORT_ATTEMPTS = 3


@dataclass(frozen=True)
class RedisServer:
    """A running server: where to reach it."""

    host: str
    port: int

    @property
    def url(self) -> str:
        """The ``redis://`` URL of database 0."""
        return f"redis://{self.host}:{self.port}/0"


def redis_server_binary() -> str:
    """The path of ``redis-server``; skips the calling test when there is none."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "redis-server is not on PATH (install the Debian package redis-server; "
            ".ci/run does when it runs as root)"
        )
    return binary


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers_ping(port: int) -> bool:
    """Whether a Redis server on ``port`` answers ``PING`` (the inline command form)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _wait_until_ready(process: subprocess.Popen[bytes], port: int) -> bool:
    """True once the server answers PING; False if it exited (the port was taken, say)."""
    for _ in range(int(START_TIMEOUT / 0.05)):
        if answers_ping(port):
            return True
        try:
            # Waiting on the process, not sleeping: returns at once if it died.
            process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        return False
    raise TimeoutError(f"redis-server on port {port} did not answer PING in {START_TIMEOUT} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def start_redis(folder: Path) -> Iterator[RedisServer]:
    """Run ``redis-server`` on a free loopback port with its files in ``folder``."""
    binary = redis_server_binary()
    log = folder / "redis.log"
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        options = {
            "--port": str(port),
            "--bind": "127.0.0.1",
            "--save": "",
            "--appendonly": "no",
            "--dir": str(folder),
            "--logfile": str(log),
        }
        command = [binary, *(part for pair in options.items() for part in pair)]
        # The binary comes from PATH and every argument from this function.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603
        try:
            ready = _wait_until_ready(process, port)
        except BaseException:
            _stop(process)
            raise
        if not ready:
            continue
        try:
            yield RedisServer("127.0.0.1", port)
        finally:
            _stop(process)
        return
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"redis-server did not start in {PORT_ATTEMPTS} attempts:\n{tail}")
