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
    "TLS_ADVICE",
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
    deadline, a garbled compressed body); TLS failures (``kind="tls"``: a certificate, a TLS
    version or a client certificate refused), bad URLs and answers over a size cap
    (``kind="too_large"``) are final. ``body_bytes`` / ``decoded_bytes`` say how
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


#: What to do about any TLS failure, as the original product advised for its "TLS Unknown"
#: errors (install the update that brings current security files), plus the proxy case.
TLS_ADVICE: Final = (
    "Update the system's TLS library and CA certificates (install the operating system's and "
    "Python's latest updates); behind a TLS-inspecting proxy, trust its CA with --ca-file "
    "(ca_file=), which adds to the system's trusted CAs. Check too that the API path's host is "
    "right and the machine's clock is correct. Certificate verification is never switched off."
)

# What a TLS failure's reason says, tested in order: (markers, what it means).
_TLS_PROBLEMS: Final = (
    (
        ("CERTIFICATE_VERIFY_FAILED", "CERTIFICATE VERIFY FAILED", "HOSTNAME MISMATCH"),
        "the server's certificate could not be verified: the CA bundle (ca_file) and the "
        "system's CAs do not trust it",
    ),
    (
        ("PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "WRONG_VERSION_NUMBER", "NO_PROTOCOLS"),
        "the server and this machine share no TLS version",
    ),
    (
        ("CERTIFICATE_REQUIRED", "PEER DID NOT RETURN A CERTIFICATE", "BAD_CERTIFICATE"),
        "the server demands a client certificate (usually a proxy or firewall in between)",
    ),
)
# ssl errors that say the peer went away rather than refused: a reset or a cut mid-handshake
# may pass, so those stay retryable network failures.
_NOT_TLS: Final = (
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
    ssl.SSLSyscallError,
    ssl.SSLWantReadError,
    ssl.SSLWantWriteError,
)


def _tls_error(url: str, cause: BaseException) -> TransportError:
    """A TLS failure: final, with what it means and the advice that fixes it."""
    text = str(cause).upper()
    what = "the TLS handshake failed"
    for markers, meaning in _TLS_PROBLEMS:
        if isinstance(cause, ssl.SSLCertVerificationError) or any(m in text for m in markers):
            what = meaning
            break
    return TransportError(
        f"TLS/certificate problem talking to {host_of(url)}: {what} ({_detail(cause)}). "
        f"{TLS_ADVICE}",
        retryable=False,
        kind="tls",
        url=url,
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


def _tls_failure(error: BaseException) -> BaseException | None:
    """The TLS failure behind ``error``, if any: certificate, version, client certificate...

    Every refusal by either side's TLS is final (the same handshake fails the same way);
    a peer that merely went away mid-handshake (EOF, reset) is not a TLS failure.
    """
    for link in _error_chain(error):
        if isinstance(link, ssl.SSLCertVerificationError):
            return link
        if isinstance(link, ssl.SSLError) and not isinstance(link, _NOT_TLS):
            return link
        text = str(link).upper()
        if any(marker in text for markers, _ in _TLS_PROBLEMS for marker in markers):
            return link
    return None


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
    tls = _tls_failure(error)
    if tls is not None:
        return _tls_error(url, tls)
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
