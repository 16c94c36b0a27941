"""HTTP transport: the only layer that does network I/O.

A transport sends one request and returns one response. It never looks at status codes,
never retries and never parses JSON; that is the client's job. Network failures become a
single :class:`TransportError` that says whether trying again makes sense.

Every answer is bounded: its size on the wire (``max_body_bytes``), its size once
decompressed (``max_decoded_bytes``), the number of content-encodings stacked on it
(``max_content_encodings``) and, per attempt, the time from connecting to the last body
byte (:attr:`HttpRequest.deadline`). Nothing but :class:`TransportError` leaves
:meth:`Urllib3Transport.send`.
"""

from __future__ import annotations

import io
import math
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from typing import Any, Final, Protocol

import attrs
import urllib3
from urllib3 import exceptions as u3exc

from bigcommerce_connect.errors import ConnectError, safe_text

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "TransportError",
    "Urllib3Transport",
]

#: The default cap on an answer's body, as received and once decompressed.
DEFAULT_MAX_BODY_BYTES: Final = 64 * 1024 * 1024
# Bytes asked for per socket read, and the most one decompression step may produce.
_CHUNK: Final = 64 * 1024
_GZIP_CODINGS: Final = frozenset({"gzip", "x-gzip"})
# Codings a store could send that this transport cannot decode (no optional packages).
_UNSUPPORTED_CODINGS: Final = frozenset({"br", "zstd", "compress", "x-compress"})
# Characters of a foreign message (an exception's text) kept in a transport error.
_DETAIL: Final = 160


class Headers(Mapping[str, str]):
    """Immutable, case-insensitive HTTP headers (response header names ignore case)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, tuple[str, str]] = {k.lower(): (k, v) for k, v in pairs}

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()][1]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return {k: v for k, (_, v) in self._items.items()} == {
            str(k).lower(): v for k, v in other.items()
        }

    def __hash__(self) -> int:
        return hash(frozenset((k, v) for k, (_, v) in self._items.items()))

    def __repr__(self) -> str:
        # Header values may hold credentials: a repr shows names only.
        return f"Headers({sorted(self)!r})"


def _as_headers(value: Mapping[str, str] | Headers) -> Headers:
    return value if isinstance(value, Headers) else Headers(value)


@attrs.frozen
class HttpRequest:
    """One HTTP request as the client hands it to a transport.

    ``timeout`` bounds each read; ``deadline`` (seconds, ``None`` for none) bounds the whole
    attempt: connecting, sending, the answer's headers and its body.
    """

    method: str
    url: str
    headers: Headers = attrs.field(factory=Headers, converter=_as_headers, repr=False)
    body: bytes | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0
    deadline: float | None = None


@attrs.frozen
class HttpResponse:
    """One HTTP response: status, case-insensitive headers and the (decoded) body."""

    status: int
    headers: Headers = attrs.field(factory=Headers, converter=_as_headers)
    body: bytes = attrs.field(default=b"", repr=False)


class TransportError(ConnectError):
    """The request did not produce a usable HTTP response.

    ``retryable`` says whether the same request may succeed later (resets, timeouts, a
    deadline, a garbled compressed body); certificate failures, bad URLs and answers over a
    size cap (``kind="too_large"``) are final. ``body_bytes`` / ``decoded_bytes`` say how
    much of the answer's body was read (as received / decompressed) before giving up.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        kind: str,
        url: str = "",
        body_bytes: int = 0,
        decoded_bytes: int = 0,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.kind = kind
        self.url = url
        self.body_bytes = body_bytes
        self.decoded_bytes = decoded_bytes


class Transport(Protocol):
    """What the client needs from the network: send one request, and close."""

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the response, or raise :class:`TransportError`."""
        ...

    def close(self) -> None:
        """Release pooled connections."""
        ...


def _host_of(url: str) -> str:
    try:
        parsed = urllib3.util.parse_url(url)
    except u3exc.LocationParseError:
        return "the configured host"
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)


def _detail(error: BaseException) -> str:
    # An exception's text may quote the peer (a certificate's names): escaped and bounded.
    return safe_text(f"{error.__class__.__name__}: {error}", _DETAIL)


def _tls_error(url: str, cause: BaseException) -> TransportError:
    host = _host_of(url)
    return TransportError(
        f"TLS/certificate problem talking to {host}: the server's certificate could not be "
        f"verified ({_detail(cause)}). Check that the API path's host is "
        "right, that the machine's clock is correct, and that the CA bundle (ca_file) "
        "trusts the server's certificate. Certificate verification is never switched off.",
        retryable=False,
        kind="tls",
        url=url,
    )


_CERTIFICATE_MARKERS = (
    "CERTIFICATE_VERIFY_FAILED",
    "CERTIFICATE VERIFY FAILED",
    "HOSTNAME MISMATCH",
)


def _error_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        nested = reason if isinstance(reason, BaseException) else None
        current = nested or current.__cause__ or current.__context__


def _is_certificate_failure(error: BaseException) -> bool:
    # A failed certificate check is final; other TLS trouble (a reset mid-handshake) is transient.
    for link in _error_chain(error):
        if isinstance(link, ssl.SSLCertVerificationError):
            return True
        text = str(link).upper()
        if any(marker in text for marker in _CERTIFICATE_MARKERS):
            return True
    return False


def _deadline_error(url: str, deadline: float, body_bytes: int = 0) -> TransportError:
    return TransportError(
        f"no complete answer from {_host_of(url)} within the {max(deadline, 0.0):g} s deadline "
        "(connect, headers and body)",
        retryable=True,
        kind="deadline",
        url=url,
        body_bytes=body_bytes,
    )


def classify_network_error(
    url: str, error: BaseException, *, deadline: float | None = None
) -> TransportError:
    """Turn a urllib3/socket failure into a :class:`TransportError` that says if a retry helps.

    ``deadline`` (seconds) is given when the attempt's deadline had passed when ``error``
    happened: a read that timed out then is reported as ``kind="deadline"``.
    """
    if _is_certificate_failure(error):
        return _tls_error(url, error)
    host = _host_of(url)
    if isinstance(error, u3exc.ConnectTimeoutError):
        # Includes NewConnectionError: the request never left, so even a POST may be retried.
        return TransportError(
            f"could not connect to {host}: {error.__class__.__name__}",
            retryable=True,
            kind="connect",
            url=url,
        )
    if isinstance(error, (u3exc.TimeoutError, TimeoutError)):
        if deadline is not None:
            return _deadline_error(url, deadline)
        return TransportError(
            f"timed out talking to {host}", retryable=True, kind="timeout", url=url
        )
    if isinstance(error, u3exc.LocationValueError):
        return TransportError(f"bad URL for {host}", retryable=False, kind="url", url=url)
    if isinstance(error, u3exc.DecodeError):
        return _decoding_error(url, "the body could not be decompressed")
    return TransportError(
        f"connection to {host} failed: {error.__class__.__name__}",
        retryable=True,
        kind="connection",
        url=url,
    )


def _unexpected_error(url: str, error: Exception) -> TransportError:
    """Anything else that went wrong while talking to the store, never a raw exception."""
    host = _host_of(url)
    if isinstance(error, MemoryError):
        return TransportError(
            f"the answer from {host} did not fit in memory (MemoryError); lower "
            "max_body_bytes / max_decoded_bytes",
            retryable=False,
            kind="too_large",
            url=url,
        )
    # Mostly a request urllib3 cannot send (a header value that is not Latin-1, a timeout
    # too large for the OS): sending it again cannot help. The class name only: the text may
    # quote the request or the answer.
    return TransportError(
        f"could not talk to {host}: unexpected {error.__class__.__name__}",
        retryable=False,
        kind="unexpected",
        url=url,
    )


def _decoding_error(url: str, why: str, *, retryable: bool = True) -> TransportError:
    return TransportError(
        f"the answer from {_host_of(url)} could not be decoded: {why}",
        retryable=retryable,
        kind="decoding",
        url=url,
    )


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


class _TooLarge(ConnectError):
    """An answer over a cap; ``send`` turns it into a ``too_large`` TransportError.

    ``what`` is "announced", "received", "decompressed" or "encodings"; ``count`` the number
    the answer announced (Content-Length or codings), when there is one.
    """

    def __init__(self, what: str, count: int = 0) -> None:
        super().__init__(what)
        self.what = what
        self.count = count


class _Broken(ConnectError):
    """A body that cannot be decoded; ``send`` turns it into a ``decoding`` TransportError.

    ``final``: the same answer will never decode (an unsupported coding), so no retry.
    """

    def __init__(self, why: str, *, final: bool = False) -> None:
        super().__init__(why)
        self.final = final


class _Budget:
    """The time left for one attempt: per-read timeouts shrink to it (``None``: no deadline)."""

    def __init__(self, deadline: float | None, per_read: float, clock: Callable[[], float]):
        self.deadline = _finite_or_none(deadline)
        self.per_read = per_read
        self._clock = clock
        self._ends = None if self.deadline is None else clock() + max(0.0, self.deadline)

    def left(self) -> float | None:
        """Seconds left before the deadline (at most 0 once passed); ``None``: no deadline."""
        return None if self._ends is None else self._ends - self._clock()

    def expired(self) -> bool:
        """Whether the deadline (if any) has passed."""
        left = self.left()
        return left is not None and left <= 0

    def read_timeout(self) -> float:
        """The timeout for the next socket read: the per-read timeout or the time left."""
        left = self.left()
        return self.per_read if left is None else min(self.per_read, left)


def _finite_or_none(value: float | None) -> float | None:
    # inf and NaN mean "no deadline": neither can bound a socket timeout.
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return value


class _Inflater:
    """One gzip or deflate layer whose output per step is bounded (bomb-proof)."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding in _GZIP_CODINGS
        self._obj = self._new()
        self._pending = b""  # input not yet consumed
        self._more = False  # zlib may hold output for the input it already took
        self._sniffed = self._gzip  # deflate: zlib-wrapped or raw, told by the first bytes
        self._head = b""  # deflate: the first bytes, kept until the wrapper is known
        self._ignoring = False  # garbage after a complete gzip member is ignored, like curl
        self.started = False

    def _new(self, raw: bool = False) -> Any:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)

    def push(self, data: bytes) -> None:
        """Queue compressed input."""
        if data and not self._ignoring:
            self.started = True
            self._pending += data

    def step(self, limit: int) -> bytes:
        """At most ``limit`` decompressed bytes; ``b""`` when more input is needed."""
        while (self._pending or self._more) and not self._ignoring:
            data, self._pending = self._pending, b""
            out = self._inflate(data, limit)
            if out:
                return out
        return b""

    def _inflate(self, data: bytes, limit: int) -> bytes:
        if self._obj.eof:
            if not (self._gzip and data):
                self._ignoring = bool(data)
                self._more = False
                return b""
            self._obj = self._new()  # the next gzip member
            self._more = False
            try:
                return self._decompress(data, limit)
            except zlib.error:
                self._ignoring = True  # trailing garbage after a complete member
                self._pending = b""
                return b""
        if not self._sniffed:
            return self._sniff(data, limit)
        return self._decompress(data, limit)

    def _sniff(self, data: bytes, limit: int) -> bytes:
        # HTTP "deflate" is zlib-wrapped by the standard, raw deflate by some servers.
        self._head += data
        try:
            out = self._decompress(data, limit)
        except zlib.error:
            self._obj = self._new(raw=True)
            self._sniffed = True
            return self._decompress(self._head, limit)
        if len(self._head) >= 2:
            self._sniffed, self._head = True, b""
        return out

    def _decompress(self, data: bytes, limit: int) -> bytes:
        out: bytes = self._obj.decompress(data, limit)
        self._pending = self._obj.unconsumed_tail or self._obj.unused_data
        self._more = len(out) >= limit and not self._obj.eof
        return out

    def complete(self) -> bool:
        """Whether every compressed stream that started also ended."""
        return not self.started or self._ignoring or bool(self._obj.eof)


class _BodyDecoder:
    """Undo the answer's content-encodings, each layer's output counted against a cap."""

    def __init__(self, codings: list[str], max_decoded: int) -> None:
        # Content-Encoding lists codings in the order they were applied: undo them backwards.
        self._layers = [_Inflater(c) for c in reversed(codings)]
        self._made = [0] * len(self._layers)
        self._max = max_decoded
        self.decoded = 0

    def feed(self, chunk: bytes, out: io.BytesIO) -> None:
        """Decode ``chunk`` (b"" at the end of the body) into ``out``."""
        for piece in self._pump(len(self._layers) - 1, chunk):
            if self.decoded + len(piece) > self._max:
                raise _TooLarge("decompressed")
            self.decoded += len(piece)
            out.write(piece)

    def _pump(self, index: int, chunk: bytes) -> Iterator[bytes]:
        if index < 0:
            if chunk:
                yield chunk
            return
        layer = self._layers[index]
        upstream = self._pump(index - 1, chunk)
        while True:
            try:
                piece = layer.step(_CHUNK)
            except zlib.error as error:
                raise _Broken(str(error)) from None
            if piece:
                self._made[index] += len(piece)
                if self._made[index] > self._max:
                    raise _TooLarge("decompressed")  # an inner layer inflating without end
                yield piece
                continue
            data = next(upstream, None)
            if data is None:
                return
            layer.push(data)

    def finish(self) -> None:
        """Raise :class:`_Broken` if a compressed stream was cut short."""
        if not all(layer.complete() for layer in self._layers):
            raise _Broken("the compressed stream ends early")


def _content_codings(value: str, max_codings: int) -> list[str]:
    """The codings to undo, in the order they were applied; raise if too many or unknown."""
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > max_codings:
        raise _TooLarge("encodings", len(codings))
    for coding in codings:
        if coding in _UNSUPPORTED_CODINGS:
            raise _Broken(f"content-encoding {coding!r} is not supported", final=True)
    # Codings nobody can decode (a server's mislabel) are left alone, as urllib3 does.
    return [c for c in codings if c in _GZIP_CODINGS or c == "deflate"]


def _discard(raw: Any) -> None:
    """Close a half-read answer's connection: the pool gets the slot back, never the bytes."""
    with suppress(Exception):
        raw.close()
    with suppress(Exception):
        raw.release_conn()


class Urllib3Transport:
    """The default transport: one urllib3 pool, TLS verified, no automatic retries or redirects.

    Bodies are streamed and bounded: more than ``max_body_bytes`` received (default 64 MiB; a
    larger ``Content-Length`` fails before reading), more than ``max_decoded_bytes`` once
    decompressed (default: ``max_body_bytes``) or more than ``max_content_encodings`` stacked
    codings raise ``TransportError(kind="too_large")``. With :attr:`HttpRequest.deadline`
    every socket read waits at most for the time left, and the body is read chunk by chunk,
    so a trickling answer ends with ``kind="deadline"``. (The status line and headers are
    read with a timeout shrunk to the time left when they start.)
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
        kwargs: dict[str, object] = {"cert_reqs": "CERT_REQUIRED"}
        if ca_file is not None:
            kwargs["ca_certs"] = ca_file
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
            **kwargs,  # type: ignore[arg-type]
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send one request; redirects come back as responses, never followed.

        Raises :class:`TransportError` and nothing else.
        """
        budget = _Budget(request.deadline, min(request.timeout, self._read_timeout), self._clock)
        try:
            return self._send(request, budget)
        except TransportError:
            raise
        except (u3exc.HTTPError, OSError) as error:
            expired = budget.deadline if budget.expired() else None
            raise classify_network_error(request.url, error, deadline=expired) from None
        except Exception as error:  # MemoryError, ValueError...: never past this boundary
            raise _unexpected_error(request.url, error) from None

    def _send(self, request: HttpRequest, budget: _Budget) -> HttpResponse:
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

    def _timeout(self, url: str, budget: _Budget) -> urllib3.Timeout:
        left = budget.left()
        if left is None:
            return urllib3.Timeout(connect=self._connect_timeout, read=budget.per_read)
        if left <= 0 or budget.deadline is None:
            raise _deadline_error(url, budget.deadline or 0.0)
        # total: the headers' read timeout is what connecting left of the deadline.
        return urllib3.Timeout(
            connect=min(self._connect_timeout, left), read=min(budget.per_read, left), total=left
        )

    def _read_body(self, raw: Any, url: str, budget: _Budget) -> bytes:
        received = 0
        decoder: _BodyDecoder | None = None
        try:
            codings = _content_codings(
                raw.headers.get("Content-Encoding", ""), self.max_content_encodings
            )
            announced = raw.length_remaining
            if announced is not None and announced > self.max_body_bytes:
                raise _TooLarge("announced", announced)
            decoder = _BodyDecoder(codings, self.max_decoded_bytes)
            out = io.BytesIO()
            while True:
                chunk = self._read_chunk(raw, url, budget, received)
                if not chunk:
                    break
                received += len(chunk)
                if received > self.max_body_bytes:
                    raise _TooLarge("received")
                decoder.feed(chunk, out)
            decoder.feed(b"", out)
            decoder.finish()
        except _TooLarge as over:
            raise self._too_large(url, over, received, decoder) from None
        except _Broken as broken:
            error = _decoding_error(url, str(broken), retryable=not broken.final)
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

    def _read_chunk(self, raw: Any, url: str, budget: _Budget, received: int) -> bytes:
        """One socket read at most: never waits past the deadline."""
        # length_remaining 0: nothing left to wait for, the read only closes the answer.
        if budget.deadline is not None and raw.length_remaining != 0:
            if budget.expired():
                raise _deadline_error(url, budget.deadline, received)
            sock = getattr(raw.connection, "sock", None)
            if sock is not None:
                sock.settimeout(max(budget.read_timeout(), 0.001))
        chunk: bytes | None = raw.read1(_CHUNK, decode_content=False)
        return chunk or b""

    def _too_large(
        self, url: str, over: _TooLarge, received: int, decoder: _BodyDecoder | None
    ) -> TransportError:
        host = _host_of(url)
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
