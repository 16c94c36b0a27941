"""Shared fixtures: a running sandbox (the Api helper lives in support.sandbox_api)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.sandbox_api import Api
from support.sandboxes import StartSandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A default sandbox shared by a test module (tests that mutate use their own)."""
    with run_sandbox(SandboxConfig(seed=1)) as sb:
        yield sb


@pytest.fixture
def fresh(start_sandbox: StartSandbox) -> Sandbox:
    """A sandbox for one test that changes state or knobs."""
    return start_sandbox(seed=7, orders=60, customers=20, products=15)


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    """Client for the module's shared sandbox."""
    return Api(sandbox)


@pytest.fixture
def fresh_api(fresh: Sandbox) -> Api:
    """Client for the per-test sandbox."""
    return Api(fresh)
