"""The default transport: one urllib3 pool, TLS verified, every answer bounded.

Bounded in size on the wire (``max_body_bytes``), once decompressed (``max_decoded_bytes``),
in stacked content-encodings (``max_content_encodings``) and, per attempt, in time from
connecting to the last body byte (:attr:`~bigcommerce_connect.transport.HttpRequest.deadline`).
Nothing but :class:`~bigcommerce_connect.transport.TransportError` leaves
:meth:`Urllib3Transport.send`.
"""

from __future__ import annotations

import io
import re
import ssl
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, Final

import urllib3
from urllib3 import exceptions as u3exc
from urllib3.util.ssl_ import create_urllib3_context

from bigcommerce_connect.errors import safe_text
from bigcommerce_connect.transport.deadline import AttemptBudget
from bigcommerce_connect.transport.decompression import (
    CHUNK,
    BodyDecoder,
    BrokenBody,
    TooLarge,
    content_codings,
)
from bigcommerce_connect.transport.failures import (
    TransportError,
    classify_network_error,
    deadline_error,
    decoding_error,
    header_error,
    host_of,
    unexpected_error,
)
from bigcommerce_connect.transport.messages import Headers, HttpRequest, HttpResponse

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Urllib3Transport", "trust_context"]

#: The default cap on an answer's body, as received and once decompressed.
DEFAULT_MAX_BODY_BYTES: Final = 64 * 1024 * 1024


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


# What no header name or value may hold: C0 controls but TAB, and DEL. Values are sent as
# Latin-1, so anything above U+00FF cannot be sent either.
_BAD_HEADER_TEXT: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]")
_BAD_HEADER_NAME: Final = re.compile("[^!#$%&'*+.^_`|~0-9A-Za-z-]")


def _check_headers(request: HttpRequest) -> None:
    """Refuse a header http.client would refuse, before sending, naming only the header.

    http.client's own refusals (``UnicodeEncodeError``, ``ValueError: Invalid header value
    b'...'``) quote the value, which may be a credential.
    """
    for name, value in request.headers.items():
        if not name or _BAD_HEADER_NAME.search(name) or _BAD_HEADER_TEXT.search(value):
            raise header_error(request.url, name)


def _discard(raw: Any) -> None:
    """Close a half-read answer's connection: the pool gets the slot back, never the bytes."""
    with suppress(Exception):
        raw.close()
    with suppress(Exception):
        raw.release_conn()


def trust_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A verifying TLS context: the system's trusted CAs, plus those of ``ca_file`` if given.

    urllib3 given ``ca_certs`` trusts only that file; a TLS-inspecting proxy's CA must be
    trusted besides the system's, not instead of them. A ``ca_file`` that cannot be read
    raises ``TransportError(kind="tls")`` here, before any request.
    """
    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
    context.load_default_certs()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError, ValueError) as error:
            raise TransportError(
                f"cannot use the CA bundle ca_file={safe_text(str(ca_file), 200)}: "
                f"{error.__class__.__name__} (it must be a readable PEM file of CA certificates)",
                retryable=False,
                kind="tls",
            ) from None
    return context


class Urllib3Transport:
    """The default transport: one urllib3 pool, TLS verified, no automatic retries or redirects.

    Bodies are streamed and bounded: more than ``max_body_bytes`` received (default 64 MiB; a
    larger ``Content-Length`` fails before reading), more than ``max_decoded_bytes`` once
    decompressed (default: ``max_body_bytes``) or more than ``max_content_encodings`` stacked
    codings raise ``TransportError(kind="too_large")``. With :attr:`HttpRequest.deadline`
    every socket read waits at most for the time left, and the body is read chunk by chunk,
    so a trickling answer ends with ``kind="deadline"``. (The status line and headers are
    read with a timeout shrunk to the time left when they start.)

    ``max_connections`` connections per host are kept for reuse; more requests in flight at
    once still go out, each on a connection opened for it and closed after it.

    ``ca_file`` adds a CA bundle to the system's trusted CAs (a TLS-inspecting proxy's CA);
    :attr:`ssl_context` is the context every connection uses (see :func:`trust_context`).
    Every TLS failure is ``TransportError(kind="tls")``, final, with advice in its message.
    """

    def __init__(
        self,
        *,
        ca_file: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_connections: int = 8,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_decoded_bytes: int | None = None,
        max_content_encodings: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_body_bytes < 1 or (max_decoded_bytes is not None and max_decoded_bytes < 1):
            raise ValueError("max_body_bytes and max_decoded_bytes must be at least 1")
        if max_content_encodings < 0:
            raise ValueError("max_content_encodings must not be negative")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.ssl_context = trust_context(ca_file)
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self.max_body_bytes = max_body_bytes
        self.max_decoded_bytes = max_decoded_bytes or max_body_bytes
        self.max_content_encodings = max_content_encodings
        self._clock = clock
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=max_connections,
            block=False,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ssl_context=self.ssl_context,
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send one request; redirects come back as responses, never followed.

        Raises :class:`TransportError` and nothing else.
        """
        budget = AttemptBudget(
            request.deadline, min(request.timeout, self._read_timeout), self._clock
        )
        try:
            return self._send(request, budget)
        except TransportError:
            raise
        except (u3exc.HTTPError, OSError) as error:
            expired = budget.deadline if budget.expired() else None
            raise classify_network_error(request.url, error, deadline=expired) from None
        except Exception as error:  # MemoryError, ValueError...: never past this boundary
            raise unexpected_error(request.url, error) from None

    def _send(self, request: HttpRequest, budget: AttemptBudget) -> HttpResponse:
        _check_headers(request)
        raw = self._pool.request(
            request.method,
            request.url,
            body=request.body,
            headers=dict(request.headers.items()),
            timeout=self._timeout(request.url, budget),
            retries=False,
            redirect=False,
            preload_content=False,
            decode_content=False,  # decompressed here, under the caps
        )
        try:
            body = self._read_body(raw, request.url, budget)
        except BaseException:
            _discard(raw)
            raise
        raw.release_conn()  # a no-op when urllib3 already gave the connection back
        return HttpResponse(status=raw.status, headers=Headers(raw.headers.items()), body=body)

    def _timeout(self, url: str, budget: AttemptBudget) -> urllib3.Timeout:
        left = budget.left()
        if left is None:
            return urllib3.Timeout(connect=self._connect_timeout, read=budget.per_read)
        if left <= 0 or budget.deadline is None:
            raise deadline_error(url, budget.deadline or 0.0)
        # total: the headers' read timeout is what connecting left of the deadline.
        return urllib3.Timeout(
            connect=min(self._connect_timeout, left), read=min(budget.per_read, left), total=left
        )

    def _read_body(self, raw: Any, url: str, budget: AttemptBudget) -> bytes:
        received = 0
        decoder: BodyDecoder | None = None
        try:
            codings = content_codings(
                raw.headers.get("Content-Encoding", ""), self.max_content_encodings
            )
            announced = raw.length_remaining
            if announced is not None and announced > self.max_body_bytes:
                raise TooLarge("announced", announced)
            decoder = BodyDecoder(codings, self.max_decoded_bytes)
            out = io.BytesIO()
            while True:
                chunk = self._read_chunk(raw, url, budget, received)
                if not chunk:
                    break
                received += len(chunk)
                if received > self.max_body_bytes:
                    raise TooLarge("received")
                decoder.feed(chunk, out)
            decoder.feed(b"", out)
            decoder.finish()
        except TooLarge as over:
            raise self._too_large(url, over, received, decoder) from None
        except BrokenBody as broken:
            error = decoding_error(url, str(broken), retryable=not broken.final)
            error.body_bytes = received
            raise error from None
        except (u3exc.HTTPError, OSError) as cause:
            # A cut or timed-out read: say how far the body got (the last read of a trickle
            # is the one that runs into the deadline).
            expired = budget.deadline if budget.expired() else None
            error = classify_network_error(url, cause, deadline=expired)
            error.body_bytes = received
            raise error from None
        return out.getvalue()

    def _read_chunk(self, raw: Any, url: str, budget: AttemptBudget, received: int) -> bytes:
        """One socket read at most: never waits past the deadline."""
        # length_remaining 0: nothing left to wait for, the read only closes the answer.
        if budget.deadline is not None and raw.length_remaining != 0:
            if budget.expired():
                raise deadline_error(url, budget.deadline, received)
            sock = getattr(raw.connection, "sock", None)
            if sock is not None:
                sock.settimeout(max(budget.read_timeout(), 0.001))
        chunk: bytes | None = raw.read1(CHUNK, decode_content=False)
        return chunk or b""

    def _too_large(
        self, url: str, over: TooLarge, received: int, decoder: BodyDecoder | None
    ) -> TransportError:
        host = host_of(url)
        body_cap = f"max_body_bytes={self.max_body_bytes} ({_size(self.max_body_bytes)})"
        if over.what == "decompressed":
            cap = f"max_decoded_bytes={self.max_decoded_bytes} ({_size(self.max_decoded_bytes)})"
            text = f"the answer from {host} decompresses to more than {cap}"
        elif over.what == "encodings":
            text = (
                f"the answer from {host} stacks {over.count} content-encodings, more than "
                f"max_content_encodings={self.max_content_encodings}"
            )
        elif over.what == "announced":
            text = f"the answer from {host} announces {over.count} bytes, more than {body_cap}"
        else:
            text = f"the answer from {host} is larger than {body_cap}"
        return TransportError(
            text,
            retryable=False,
            kind="too_large",
            url=url,
            body_bytes=received,
            decoded_bytes=decoder.decoded if decoder else 0,
        )

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def __repr__(self) -> str:
        return "Urllib3Transport()"
