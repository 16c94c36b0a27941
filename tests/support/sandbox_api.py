"""A tiny urllib3 client bound to one sandbox, for tests that talk raw HTTP."""

from __future__ import annotations

import json
from typing import Any

import urllib3

from bigcommerce_connect.sandbox import Sandbox


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
