"""Shared fixtures: a running sandbox and a tiny urllib3 client for real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox


class Api:
    """Minimal HTTP helper bound to one sandbox (X-Auth-Token auth)."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.base = sb.api_path.removesuffix("v3/")
        self.http = urllib3.PoolManager(retries=False, timeout=10.0)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> urllib3.BaseHTTPResponse:
        """Send a request to ``<store>/<path>`` (path like ``v2/orders``)."""
        hdrs = {"X-Auth-Token": self.sb.access_token, "Accept": "application/json"}
        hdrs.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        return self.http.request(method, self.base + path, body=data, headers=hdrs)

    def get(self, path: str, **kw: Any) -> urllib3.BaseHTTPResponse:
        """GET shortcut."""
        return self.request("GET", path, **kw)

    def json(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        """Send, check the status and decode the JSON body."""
        resp = self.request(method, path, body)
        assert resp.status == status, (resp.status, resp.data[:500])
        return json.loads(resp.data) if resp.data else None


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A default sandbox shared by a test module (tests that mutate use their own)."""
    with run_sandbox(SandboxConfig(seed=1)) as sb:
        yield sb


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox for one test that changes state or knobs."""
    with run_sandbox(SandboxConfig(seed=7, orders=60, customers=20, products=15)) as sb:
        yield sb


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    """Client for the module's shared sandbox."""
    return Api(sandbox)


@pytest.fixture
def fresh_api(fresh: Sandbox) -> Api:
    """Client for the per-test sandbox."""
    return Api(fresh)
