"""How a transport fails: one :class:`TransportError`, and the classification that turns a
urllib3 or socket failure into one that says whether trying again makes sense.

Messages name the host, never the query (it may hold a signature), and quote a foreign
exception's text escaped and bounded.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Final

import urllib3
from urllib3 import exceptions as u3exc

from bigcommerce_connect.errors import ConnectError, safe_text

__all__ = [
    "TransportError",
    "classify_network_error",
    "deadline_error",
    "decoding_error",
    "header_error",
    "host_of",
    "unexpected_error",
]

# Characters of a foreign message (an exception's text) kept in a transport error.
_DETAIL: Final = 160


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


def host_of(url: str) -> str:
    """The ``host[:port]`` of ``url`` for a message (never its path or query)."""
    try:
        parsed = urllib3.util.parse_url(url)
    except u3exc.LocationParseError:
        return "the configured host"
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)


def _detail(error: BaseException) -> str:
    # An exception's text may quote the peer (a certificate's names): escaped and bounded.
    return safe_text(f"{error.__class__.__name__}: {error}", _DETAIL)


def _tls_error(url: str, cause: BaseException) -> TransportError:
    host = host_of(url)
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


def deadline_error(url: str, deadline: float, body_bytes: int = 0) -> TransportError:
    """The attempt's deadline passed before the answer was complete (retryable)."""
    return TransportError(
        f"no complete answer from {host_of(url)} within the {max(deadline, 0.0):g} s deadline "
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
    host = host_of(url)
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
            return deadline_error(url, deadline)
        return TransportError(
            f"timed out talking to {host}", retryable=True, kind="timeout", url=url
        )
    if isinstance(error, u3exc.LocationValueError):
        return TransportError(f"bad URL for {host}", retryable=False, kind="url", url=url)
    if isinstance(error, u3exc.DecodeError):
        return decoding_error(url, "the body could not be decompressed")
    return TransportError(
        f"connection to {host} failed: {error.__class__.__name__}",
        retryable=True,
        kind="connection",
        url=url,
    )


def unexpected_error(url: str, error: Exception) -> TransportError:
    """Anything else that went wrong while talking to the store, never a raw exception."""
    host = host_of(url)
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


def header_error(url: str, name: str) -> TransportError:
    """A header ``name`` whose value no HTTP request can carry; the value is never quoted.

    A control character (a token file's newline) would end the header or smuggle another
    one, and http.client sends values as Latin-1: nothing is sent, and sending it again
    cannot help.
    """
    return TransportError(
        f"cannot send the {safe_text(name, 60)} header to {host_of(url)}: its value holds a "
        "control character or a character outside Latin-1 (check the credential's value)",
        retryable=False,
        kind="header",
        url=url,
    )


def decoding_error(url: str, why: str, *, retryable: bool = True) -> TransportError:
    """The answer's body could not be decoded (``why``); final when it never will be."""
    return TransportError(
        f"the answer from {host_of(url)} could not be decoded: {why}",
        retryable=retryable,
        kind="decoding",
        url=url,
    )
