"""Typed errors for everything that can go wrong talking to a store.

One function, :func:`error_for_response`, maps an HTTP answer to an exception. Every API error
carries the method, the path (never the query's secrets, never the token), the status and the
store's request id, so a log line or a notification can be traced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "BigCommerceError",
    "ConflictError",
    "NetworkError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "UnexpectedResponseError",
    "UnsupportedOperationError",
    "ValidationError",
    "error_for_response",
]

_SNIPPET: Final = 200
_REQUEST_ID_HEADERS: Final = ("X-Request-Id", "X-Correlation-Id", "X-Bc-Request-Id")


class BigCommerceError(Exception):
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
        parts = [f"{self.method} {self.path} -> {self.status}"]
        if self.title:
            parts.append(self.title)
        if self.field_errors:
            fields = ", ".join(f"{k}: {v}" for k, v in list(self.field_errors.items())[:10])
            parts.append(f"fields: {fields}")
        if self.hint:
            parts.append(self.hint)
        if self.request_id:
            parts.append(f"request id {self.request_id}")
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
    """429 after the allowed waits: the store's shared quota is exhausted."""

    code = "rate_limited"
    retryable = True


class ServerError(ApiError):
    """5xx: the store had a problem; retried for idempotent requests."""

    code = "server_error"
    retryable = True


class UnexpectedResponseError(ApiError):
    """A status or body this SDK cannot use: a redirect, or a success with broken JSON."""

    code = "unexpected_response"


_BY_STATUS: Final[dict[int, type[ApiError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: ValidationError,
    429: RateLimitedError,
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


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The store's request id from a response's headers, if it sent one."""
    for name in _REQUEST_ID_HEADERS:
        if name in headers:
            return headers[name][:100]
    return None


def shorten(text: str, limit: int = _SNIPPET) -> str:
    """One line of at most ``limit`` characters, for an error message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _text_of(body: bytes) -> str:
    return shorten(body.decode("utf-8", errors="replace")) if body else ""


def _as_field_errors(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(k): shorten(str(v), 120) for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): shorten(str(v), 120) for i, v in enumerate(value)}
    return {}


def describe_error_body(body: bytes) -> tuple[str, dict[str, str]]:
    """Title and per-field errors from a v2 or v3 error body; any other body gives its text."""
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return _text_of(body), {}
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        # v2: [{"status": 400, "message": "..."}]
        messages = [str(item.get("message", "")) for item in data if isinstance(item, Mapping)]
        return shorten(" | ".join(m for m in messages if m)), {}
    if isinstance(data, Mapping):
        title = str(data.get("title") or data.get("message") or data.get("detail") or "")
        return shorten(title), _as_field_errors(data.get("errors"))
    return _text_of(body), {}


def error_for_response(
    *, method: str, path: str, status: int, headers: Mapping[str, str], body: bytes
) -> ApiError:
    """The typed error for an HTTP error answer (any status that is not a usable success)."""
    title, field_errors = describe_error_body(body)
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
    return cls(
        method=method,
        path=path,
        status=status,
        request_id=request_id,
        title=title,
        field_errors=field_errors,
        hint=hint,
    )
