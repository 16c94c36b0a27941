"""The :class:`Transport` protocol: what the client needs from the network."""

from __future__ import annotations

from typing import Protocol

from bigcommerce_connect.transport.messages import HttpRequest, HttpResponse

__all__ = ["Transport"]


class Transport(Protocol):
    """What the client needs from the network: send one request, and close."""

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the response, or raise :class:`TransportError`."""
        ...

    def close(self) -> None:
        """Release pooled connections."""
        ...
