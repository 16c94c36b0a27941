"""Paging of list answers: v2 ``page``/``limit`` slices and v3 ``meta.pagination``.

Both honour ``knobs.max_page_size``: a store serving fewer items than asked, pages consistent.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.envelopes import unprocessable
from bigcommerce_connect.sandbox.routing import Request
from bigcommerce_connect.sandbox.rows import Row

MAX_LIMIT = 250
DEFAULT_LIMIT = 50


def page_of(req: Request, items: list[Any]) -> tuple[list[Any], int, int]:
    """Slice one v2 page; ``limit`` above 250 (or ``knobs.max_page_size``) is capped."""
    page, limit = page_window(req)
    start = (page - 1) * limit
    return items[start : start + limit], page, limit


def page_window(req: Request) -> tuple[int, int]:
    """A v2 request's ``page`` and capped ``limit`` (a 400 when not positive)."""
    page = req.query_int("page", 1) or 1
    limit = req.query_int("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT
    if page < 1 or limit < 1:
        raise req.fail(400, "The 'page' and 'limit' parameters must be positive integers.")
    limit = min(limit, MAX_LIMIT)
    cap = req.knobs.max_page_size
    if cap is not None:
        limit = min(limit, cap)  # a store serving fewer items than asked, pages consistent
    return page, limit


def paginate(req: Request, rows: list[Row]) -> tuple[list[Row], dict[str, Any]]:
    """One page plus ``meta.pagination`` with relative ``links``."""
    page = _positive(req, "page", 1)
    limit = min(_positive(req, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    cap = req.knobs.max_page_size
    if cap is not None:
        limit = min(limit, cap)  # a store serving fewer items than asked; meta agrees
    total = len(rows)
    total_pages = max(1, -(-total // limit))
    chunk = rows[(page - 1) * limit : page * limit]
    links: dict[str, str] = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    meta = {
        "pagination": {
            "total": total,
            "count": len(chunk),
            "per_page": limit,
            "current_page": page,
            "total_pages": total_pages,
            "links": links,
        }
    }
    return chunk, meta


def _positive(req: Request, name: str, default: int) -> int:
    value = req.query_int(name, default)
    if value is None or value < 1:
        raise unprocessable("Invalid pagination parameter", {name: "must be a positive integer"})
    return value
