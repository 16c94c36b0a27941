"""Fixtures shared by every test directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from hypothesis import settings

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
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
