"""A transport that sends through urllib3 and remembers every request body (for tests)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport


@attrs.frozen
class Sent:
    """One request as sent: method, path below the store (``/v3/...``), query, JSON body."""

    method: str
    path: str
    query: str
    body: Any


class RecordingTransport:
    """Real HTTP, plus a list of what was sent."""

    def __init__(self) -> None:
        self.inner = Urllib3Transport()
        self.sent: list[Sent] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        """Remember the request, then send it."""
        parts = urlsplit(request.url)
        path = parts.path.split("/", 3)[-1] if parts.path.startswith("/stores/") else parts.path
        body = json.loads(request.body) if request.body else None
        self.sent.append(Sent(request.method, "/" + path, unquote(parts.query), body))
        return self.inner.send(request)

    def close(self) -> None:
        """Close the pool."""
        self.inner.close()

    def writes(self, path_prefix: str = "") -> list[Sent]:
        """Non-GET requests whose path starts with ``path_prefix`` (e.g. ``/v3/catalog``)."""
        return [s for s in self.sent if s.method != "GET" and s.path.startswith(path_prefix)]
