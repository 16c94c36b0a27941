"""HTTP transport: the only layer that does network I/O.

A transport sends one request and returns one response. It never looks at status codes,
never retries and never parses JSON; that is the client's job. Network failures become a
single :class:`TransportError` that says whether trying again makes sense.

Every answer is bounded: its size on the wire (``max_body_bytes``), its size once
decompressed (``max_decoded_bytes``), the number of content-encodings stacked on it
(``max_content_encodings``) and, per attempt, the time from connecting to the last body
byte (:attr:`HttpRequest.deadline`). Nothing but :class:`TransportError` leaves
:meth:`Urllib3Transport.send`.

Where each part lives: :mod:`~bigcommerce_connect.transport.messages` (requests, responses,
headers), :mod:`~bigcommerce_connect.transport.protocol` (the :class:`Transport` protocol),
:mod:`~bigcommerce_connect.transport.failures` (the error and how a network failure is
classified), :mod:`~bigcommerce_connect.transport.urllib3_transport` (the default
transport), :mod:`~bigcommerce_connect.transport.decompression` (bounded content-decoding)
and :mod:`~bigcommerce_connect.transport.deadline` (the time an attempt may take). Import
the names from here.
"""

from __future__ import annotations

from bigcommerce_connect.transport.failures import TLS_ADVICE, TransportError
from bigcommerce_connect.transport.failures import (
    classify_network_error as classify_network_error,
)
from bigcommerce_connect.transport.messages import Headers, HttpRequest, HttpResponse
from bigcommerce_connect.transport.protocol import Transport
from bigcommerce_connect.transport.urllib3_transport import (
    DEFAULT_MAX_BODY_BYTES,
    Urllib3Transport,
    trust_context,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "TLS_ADVICE",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "TransportError",
    "Urllib3Transport",
    "trust_context",
]
