"""The SDK's exception root, and typed errors for what can go wrong talking to a store.

:class:`ConnectError` is the root of every exception the SDK raises on purpose: a host that
catches it catches them all, and an exception that is not one is a bug. Store failures sit
under :class:`BigCommerceError`. This module is the foundation every other one raises from,
so it imports nothing else of the SDK.

One function, :func:`error_for_response`, maps an HTTP answer to an exception. Every API error
carries the method, the path (never the query's secrets, never the token), the status and the
store's request id, so a log line or a notification can be traced.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "BigCommerceError",
    "ConflictError",
    "ConnectError",
    "NetworkError",
    "NotFoundError",
    "PagingError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "UnexpectedResponseError",
    "UnsupportedOperationError",
    "ValidationError",
    "WireValueError",
    "error_for_response",
]

_SNIPPET: Final = 200
# Field errors kept from one error body (a message shows the first 10).
_MAX_FIELDS: Final = 50
_SHORT_ESCAPES: Final = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}
# Bidi embeddings, overrides and isolates, and the line/paragraph separators: they reorder
# or break what a terminal or a log viewer shows.
_INVISIBLE: Final = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029])
_REQUEST_ID_HEADERS: Final = ("X-Request-Id", "X-Correlation-Id", "X-Bc-Request-Id")


class ConnectError(Exception):
    """Root of every exception the SDK raises on purpose; catch it to catch them all.

    Store failures are :class:`BigCommerceError`; settings, models, mappings, ports, the
    transport and the command line raise their own subclasses. Where callers expect a
    builtin family an error keeps it as a second base (``ModelError`` and ``SettingsError``
    are ``ValueError``, ``UnknownStatusError`` is a ``LookupError``). It has no ``code``:
    notifications fall back to the class name for errors that do not name one.
    """


class BigCommerceError(ConnectError):
    """Base of every error this SDK raises about a store."""

    code: str = "bigcommerce_error"


class UnsupportedOperationError(BigCommerceError):
    """The operation cannot run with these credentials (e.g. v3 on a legacy v2-only path)."""

    code = "unsupported"


class NetworkError(BigCommerceError):
    """No HTTP answer: connection refused or reset, timeout, TLS/certificate failure."""

    code = "network"

    def __init__(self, message: str, *, method: str, path: str, kind: str, retryable: bool):
        super().__init__(f"{method} {path}: {message}")
        self.method = method
        self.path = path
        self.kind = kind
        self.retryable = retryable


class WireValueError(BigCommerceError):
    """A request body holds a value the API cannot take; raised before anything is sent.

    NaN, infinity, a number with more than 20 integer digits, a v2 amount with more than four
    decimal places, text with a lone surrogate, or a type JSON has no form for. ``path`` is
    where in the body (``$[3].variants[0].price``); the message names it, never other values.
    """

    code = "wire_value"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot send {path}: {reason}")
        self.path = path
        self.reason = reason


class ApiError(BigCommerceError):
    """The store answered with an error status."""

    code = "api_error"
    retryable: bool = False

    def __init__(
        self,
        *,
        method: str,
        path: str,
        status: int,
        request_id: str | None = None,
        title: str = "",
        field_errors: Mapping[str, str] | None = None,
        hint: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.request_id = request_id
        self.title = title
        self.field_errors: dict[str, str] = dict(field_errors or {})
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        # safe_text again: a title or field error may come from a caller, not only from
        # error_for_response (safe_text leaves already-safe text as it is).
        parts = [f"{self.method} {self.path} -> {self.status}"]
        if self.title:
            parts.append(safe_text(self.title, 4 * _SNIPPET))
        if self.field_errors:
            shown = list(self.field_errors.items())[:10]
            fields = ", ".join(f"{safe_text(k, 80)}: {safe_text(v, 120)}" for k, v in shown)
            parts.append(f"fields: {fields}")
        if self.hint:
            parts.append(self.hint)
        if self.request_id:
            parts.append(f"request id {safe_text(self.request_id, 100)}")
        return "; ".join(parts)


class BadRequestError(ApiError):
    """400: the request was malformed or wrote a read-only field."""

    code = "bad_request"


class AuthenticationError(ApiError):
    """401: the token is wrong, revoked or missing. Never retried."""

    code = "authentication"


class PermissionDeniedError(ApiError):
    """403: the API account lacks a scope; ``scope`` names it."""

    code = "permission_denied"

    @property
    def scope(self) -> str:
        """The scope the store's API account needs, e.g. "Orders (modify)"."""
        return _scope_for(self.method, self.path)


class NotFoundError(ApiError):
    """404: no such resource."""

    code = "not_found"


class ConflictError(ApiError):
    """409: a unique value (product name, SKU) is taken, or a reference is invalid."""

    code = "conflict"


class PayloadTooLargeError(ApiError):
    """413: a batch had more items than the endpoint takes."""

    code = "payload_too_large"


class ValidationError(ApiError):
    """422: the data was refused; ``field_errors`` says which field and why."""

    code = "validation"


class RateLimitedError(ApiError):
    """429 (or the older API's 509) after the allowed waits: the store's quota is exhausted.

    ``retry_after`` is how many seconds the store said to wait until its quota resets
    (``X-Rate-Limit-Time-Reset-Ms``, ``X-Retry-After`` or ``Retry-After``), ``None`` when the
    answer said nothing usable. A job queue uses it as the countdown of its retry.
    """

    code = "rate_limited"
    retryable = True

    def __init__(self, *, retry_after: float | None = None, **fields: Any) -> None:
        super().__init__(**fields)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the store had a problem; retried for idempotent requests."""

    code = "server_error"
    retryable = True


class UnexpectedResponseError(ApiError):
    """A status or body this SDK cannot use: a redirect, or a success with broken JSON."""

    code = "unexpected_response"


class PagingError(UnexpectedResponseError):
    """A list did not make progress: a page brought nothing new, or an id broke the keyset.

    The store ignored ``page`` or ``min_id``, repeated or shuffled a page, or sent an id not
    above the last page's highest. The stream stops here rather than loop or yield the same
    records again; a sync keeps its cursor, so the next run reads the list again.
    """

    code = "paging"


_BY_STATUS: Final[dict[int, type[ApiError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: ValidationError,
    429: RateLimitedError,
    509: RateLimitedError,  # the older API's rate limit, not a server failure
}

_SCOPES: Final = (
    (("orders", "order_statuses"), "Orders"),
    (("customers", "customer_groups"), "Customers"),
    (("catalog", "pricelists"), "Products"),
    (("inventory",), "Store Inventory"),
    (("hooks",), "default (webhooks)"),
)


def _scope_for(method: str, path: str) -> str:
    segments = [s for s in path.split("?")[0].split("/") if s and s not in ("v2", "v3")]
    level = "read-only" if method in ("GET", "HEAD") else "modify"
    for segment in segments:
        for prefixes, scope in _SCOPES:
            if segment in prefixes:
                return f"{scope} ({level})"
    return f"the scope for {path} ({level})"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # Transport headers ignore case; a plain dict (a test, a caller) may not.
    if name in headers:
        return headers[name]
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The store's request id from a response's headers, if it sent one (made safe to print)."""
    for name in _REQUEST_ID_HEADERS:
        value = _header(headers, name)
        if value is not None:
            return safe_text(value, 100)
    return None


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF or code in _INVISIBLE:
        return f"\\u{code:04x}"
    return char


def safe_text(text: str, limit: int = _SNIPPET) -> str:
    """``text`` made safe for an error message or a log line, at most ``limit`` characters.

    Control characters (C0, DEL, C1: a terminal escape shows as ``\\x1b``, CR/LF/TAB as
    ``\\r``/``\\n``/``\\t``), lone surrogates and bidi overrides are escaped; runs of spaces
    become one; the end is cut with "…". Applying it twice changes nothing.
    """
    pieces: list[str] = []
    size = 0
    space = True  # drops leading spaces
    # Escapes at most quadruple a character: a bounded prefix is all that can show.
    for char in text[: limit * 8]:
        if char == " ":
            if not space:
                pieces.append(" ")
                size += 1
            space = True
            continue
        space = False
        piece = _escape(char)
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            break
    if pieces and pieces[-1] == " ":
        pieces.pop()
        size -= 1
    if size <= limit and len(text) <= limit * 8:
        return "".join(pieces)
    while pieces and size > limit - 1:  # cut between escapes, never inside one
        size -= len(pieces.pop())
    return "".join(pieces).rstrip(" ") + "…"


def shorten(text: str, limit: int = _SNIPPET) -> str:
    """One line of at most ``limit`` characters, for an error message (see :func:`safe_text`)."""
    return safe_text(text, limit)


def _charset_of(content_type: str | None) -> str:
    """The charset a Content-Type declares, if Python knows it; UTF-8 otherwise."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            name = value.strip().strip("\"'")
            try:
                return codecs.lookup(name).name
            except (LookupError, ValueError):
                return "utf-8"
    return "utf-8"


def _text_of(body: bytes, content_type: str | None = None) -> str:
    if not body:
        return ""
    head = body[: _SNIPPET * 8]  # enough for any snippet, whatever the body's size
    try:
        text = head.decode(_charset_of(content_type), errors="replace")
    except (LookupError, UnicodeError, ValueError, TypeError):  # a codec that is not text
        text = head.decode("utf-8", errors="replace")
    return safe_text(text)


def _as_field_errors(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        items = list(value.items())[:_MAX_FIELDS]
        return {safe_text(str(k), 80): safe_text(str(v), 120) for k, v in items}
    if isinstance(value, list):
        return {str(i): safe_text(str(v), 120) for i, v in enumerate(value[:_MAX_FIELDS])}
    return {}


def describe_error_body(body: bytes, content_type: str | None = None) -> tuple[str, dict[str, str]]:
    """Title and per-field errors from a v2 or v3 error body; any other body gives its text.

    A text body is decoded with the charset ``content_type`` declares; everything returned
    is made safe by :func:`safe_text`.
    """
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _text_of(body, content_type), {}
    try:
        return _describe_json(data, body, content_type)
    except RecursionError:  # a body nested too deep to print
        return _text_of(body, content_type), {}


def _describe_json(data: Any, body: bytes, content_type: str | None) -> tuple[str, dict[str, str]]:
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        # v2: [{"status": 400, "message": "..."}]
        items = data[:_MAX_FIELDS]
        messages = [str(item.get("message", "")) for item in items if isinstance(item, Mapping)]
        return safe_text(" | ".join(m for m in messages if m)), {}
    if isinstance(data, Mapping):
        title = str(data.get("title") or data.get("message") or data.get("detail") or "")
        return safe_text(title), _as_field_errors(data.get("errors"))
    return _text_of(body, content_type), {}


def error_for_response(
    *,
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    retry_after: float | None = None,
) -> ApiError:
    """The typed error for an HTTP error answer (any status that is not a usable success).

    ``retry_after`` is the wait a rate-limited answer asked for, as the client read it from
    the headers (:func:`bigcommerce_connect.ratelimit.requested_delay`); a
    :class:`RateLimitedError` keeps it when finite.
    """
    title, field_errors = describe_error_body(body, _header(headers, "Content-Type"))
    request_id = request_id_of(headers)
    if status in _BY_STATUS:
        cls = _BY_STATUS[status]
    elif status >= 500:
        cls = ServerError
    else:
        cls = UnexpectedResponseError
    hint = ""
    if cls is PermissionDeniedError:
        hint = f"the API account needs the {_scope_for(method, path)} scope"
    elif cls is AuthenticationError:
        hint = "check the API token and that the API account still exists"
    elif 300 <= status < 400:
        hint = "redirect not followed: credentials are only sent to the configured API path"
    fields: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "request_id": request_id,
        "title": title,
        "field_errors": field_errors,
        "hint": hint,
    }
    if cls is RateLimitedError:
        wait = None
        if retry_after is not None and math.isfinite(retry_after):
            wait = max(0.0, retry_after)
        return RateLimitedError(retry_after=wait, **fields)
    return cls(**fields)
