"""A transport that answers from a script, and a clock whose sleep only moves time forward.

These stand in at the transport seam only, for answers the sandbox cannot produce on demand.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from bigcommerce_connect.transport import Headers, HttpRequest, HttpResponse, TransportError

Step = HttpResponse | TransportError | Callable[[HttpRequest], HttpResponse]


def respond(
    status: int = 200, body: Any = None, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """A response with ``body`` encoded as JSON (bytes and str are sent as they are)."""
    if body is None:
        raw = b""
    elif isinstance(body, bytes):
        raw = body
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = json.dumps(body).encode()
    return HttpResponse(status=status, headers=Headers(dict(headers or {})), body=raw)


class ScriptedTransport:
    """Plays back responses in order and records every request it was sent."""

    def __init__(self, *steps: Step) -> None:
        self.steps: deque[Step] = deque(steps)
        self.requests: list[HttpRequest] = []
        self.closed = False

    def add(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unscripted request: {request.method} {request.url}")
        step = self.steps.popleft()
        if isinstance(step, TransportError):
            raise step
        if isinstance(step, HttpResponse):
            return step
        return step(request)

    def close(self) -> None:
        self.closed = True

    def json_bodies(self) -> list[Any]:
        return [json.loads(r.body) if r.body else None for r in self.requests]


class FakeClock:
    """Monotonic time that advances only when code sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds
