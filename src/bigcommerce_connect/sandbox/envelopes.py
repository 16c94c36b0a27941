"""Answer shapes: the v3 ``{data, meta}`` envelope, the v2 list answer, and v3 errors."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.error_bodies import error_v3
from bigcommerce_connect.sandbox.formats import dumps, to_v3
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response


def envelope(data: Any, meta: dict[str, Any] | None = None, status: int = 200) -> Response:
    """A v3 answer ``{data, meta}`` (``meta`` empty for single objects)."""
    return Response(status, {"data": to_v3(data), "meta": meta or {}})


def list_response(rows: list[Any]) -> Response:
    """A v2 list answer: the rows, or 204 with no body when there are none."""
    if not rows:
        return Response(204)
    return Response(200, raw=dumps(rows))


def unprocessable(title: str, errors: dict[str, str], status: int = 422) -> ApiError:
    """A v3 422 (or other) error with an ``errors`` map."""
    return ApiError(status, error_v3(status, title, errors))


def not_found(req: Request, what: str = "resource") -> ApiError:
    """A v3 404 ``{status, title, type, instance}``."""
    return ApiError(404, error_v3(404, f"The requested {what} was not found.", instance=req.path))


def too_large(limit: int) -> ApiError:
    """The 413 answer for a batch above its maximum."""
    return ApiError(
        413,
        error_v3(
            413,
            f"The request payload is too large. The maximum items allowed in the array is {limit}",
            {},
        ),
    )


def conflict(title: str, errors: dict[str, str]) -> ApiError:
    """The catalog's 409: the v3 error body plus the ``code`` the catalog API adds."""
    return ApiError(409, {**error_v3(409, title, errors), "code": 409})
