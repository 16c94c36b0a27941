"""Fixtures shared by every test directory."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from hypothesis import settings

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.postgres_server import PostgresServer, start_postgres
from support.redis_server import RedisServer, start_redis
from support.sandboxes import StartSandbox

# Hypothesis keeps no example database: a failing example saved under .hypothesis/ would fail
# every later run of that checkout. A failure prints the blob that reproduces it instead
# (@reproduce_failure); HYPOTHESIS_PROFILE picks another registered profile.
settings.register_profile("sdk", database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "sdk"))


@pytest.fixture
def start_sandbox() -> Iterator[StartSandbox]:
    """Start sandboxes from ``SandboxConfig`` fields; each one stops after the test."""
    with ExitStack() as running:

        def start(**config: Any) -> Sandbox:
            return running.enter_context(run_sandbox(SandboxConfig(**config)))

        yield start


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real ``redis-server`` on a free loopback port, stopped after the test.

    Skips the test, saying why, when ``redis-server`` is not installed.
    """
    with start_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A real PostgreSQL server on a free loopback port, shared by the whole session.

    One per session: initdb and a start cost seconds. Tests isolate themselves with
    ``postgres_conninfo`` (a database each). Skips, saying why, when PostgreSQL is not
    installed.
    """
    with start_postgres(tmp_path_factory.mktemp("postgres")) as server:
        yield server


@pytest.fixture
def postgres_conninfo(postgres_server: PostgresServer) -> Iterator[str]:
    """The conninfo of a fresh, empty database of its own, dropped after the test.

    Skips, saying why, when psycopg (the ``postgres`` extra) is not installed.
    """
    name = f"test_{uuid.uuid4().hex}"
    conninfo = postgres_server.create_database(name)
    yield conninfo
    # Dropped, not left for the session's end: each database is a copy of template1 (MBs).
    postgres_server.drop_database(name)
