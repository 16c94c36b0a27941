"""HTTP transport: the only layer that does network I/O.

A transport sends one request and returns one response. It never looks at status codes,
never retries and never parses JSON; that is the client's job. Network failures become a
single :class:`TransportError` that says whether trying again makes sense.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

import attrs
import urllib3
from urllib3 import exceptions as u3exc

__all__ = [
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "TransportError",
    "Urllib3Transport",
]


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
    """One HTTP request as the client hands it to a transport."""

    method: str
    url: str
    headers: Headers = attrs.field(factory=Headers, converter=_as_headers, repr=False)
    body: bytes | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0


@attrs.frozen
class HttpResponse:
    """One HTTP response: status, case-insensitive headers and the raw body."""

    status: int
    headers: Headers = attrs.field(factory=Headers, converter=_as_headers)
    body: bytes = attrs.field(default=b"", repr=False)


class TransportError(Exception):
    """The request did not produce an HTTP response.

    ``retryable`` says whether the same request may succeed later (resets, timeouts);
    certificate failures and bad URLs are final.
    """

    def __init__(self, message: str, *, retryable: bool, kind: str, url: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.kind = kind
        self.url = url


class Transport(Protocol):
    """What the client needs from the network: send one request, and close."""

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the response, or raise :class:`TransportError`."""
        ...

    def close(self) -> None:
        """Release pooled connections."""
        ...


def _host_of(url: str) -> str:
    parsed = urllib3.util.parse_url(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)


def _tls_error(url: str, cause: BaseException) -> TransportError:
    host = _host_of(url)
    return TransportError(
        f"TLS/certificate problem talking to {host}: the server's certificate could not be "
        f"verified ({cause.__class__.__name__}: {cause}). Check that the API path's host is "
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


def classify_network_error(url: str, error: BaseException) -> TransportError:
    """Turn a urllib3/socket failure into a :class:`TransportError` that says if a retry helps."""
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
        return TransportError(
            f"timed out talking to {host}", retryable=True, kind="timeout", url=url
        )
    if isinstance(error, u3exc.LocationParseError):
        return TransportError(f"bad URL for {host}", retryable=False, kind="url", url=url)
    return TransportError(
        f"connection to {host} failed: {error.__class__.__name__}",
        retryable=True,
        kind="connection",
        url=url,
    )


class Urllib3Transport:
    """The default transport: one urllib3 pool, TLS verified, no automatic retries or redirects."""

    def __init__(
        self,
        *,
        ca_file: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_connections: int = 8,
    ) -> None:
        kwargs: dict[str, object] = {"cert_reqs": "CERT_REQUIRED"}
        if ca_file is not None:
            kwargs["ca_certs"] = ca_file
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=max_connections,
            block=False,
            retries=False,
            **kwargs,  # type: ignore[arg-type]
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send one request; redirects come back as responses, never followed."""
        timeout = urllib3.Timeout(
            connect=self._connect_timeout, read=min(request.timeout, self._read_timeout)
        )
        try:
            raw = self._pool.request(
                request.method,
                request.url,
                body=request.body,
                headers=dict(request.headers.items()),
                timeout=timeout,
                retries=False,
                redirect=False,
                preload_content=True,
            )
        except (u3exc.HTTPError, OSError) as error:
            raise classify_network_error(request.url, error) from None
        return HttpResponse(status=raw.status, headers=Headers(raw.headers.items()), body=raw.data)

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def __repr__(self) -> str:
        return "Urllib3Transport()"
