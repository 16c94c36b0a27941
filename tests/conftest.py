"""Fixtures shared by every test directory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.sandboxes import StartSandbox


@pytest.fixture
def start_sandbox() -> Iterator[StartSandbox]:
    """Start sandboxes from ``SandboxConfig`` fields; each one stops after the test."""
    with ExitStack() as running:

        def start(**config: Any) -> Sandbox:
            return running.enter_context(run_sandbox(SandboxConfig(**config)))

        yield start
