"""How the client walks the store's lists: v2 by page number or by id keyset, v3 by page.

Each walker asks a :class:`~bigcommerce_connect.requester.Requester` for one page at a
time, lazily. Progress and completeness of numbered pages (no page repeated, none cut
short unnoticed) are :func:`~bigcommerce_connect._paging.numbered_pages`'s job; the keyset
walker checks that ids only go up. The client's ``pages_v2``, ``pages_v2_keyset`` and
``pages_v3`` document the rules a caller sees.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from bigcommerce_connect._paging import Page, numbered_pages, wire_id
from bigcommerce_connect.errors import PagingError
from bigcommerce_connect.requester import ApiResponse, Requester

__all__ = ["MAX_PAGE_SIZE", "keyset_pages_v2", "numbered_pages_v2", "numbered_pages_v3"]

#: The most items a page may hold (the store's own maximum).
MAX_PAGE_SIZE: Final = 250


def numbered_pages_v2(
    requester: Requester, path: str, params: Mapping[str, Any] | None, limit: int
) -> Iterator[list[Any]]:
    """The pages of a v2 collection by page number, until a 204 or ``[]``."""
    limit = _check_limit(limit)

    def fetch(number: int) -> Page:
        query = {**(params or {}), "page": number, "limit": limit}
        answer = requester.request("GET", "v2", path, params=query, expect="v2_list")
        return Page(answer.data, False, answer.status, answer.request_id)

    yield from numbered_pages(fetch, f"v2/{path.lstrip('/')}")


def keyset_pages_v2(
    requester: Requester, path: str, params: Mapping[str, Any] | None, key: str, limit: int
) -> Iterator[list[Any]]:
    """The pages of a v2 collection by id keyset (``key`` from the last highest id + 1)."""
    limit = _check_limit(limit)
    label = f"v2/{path.lstrip('/')}"
    query: dict[str, Any] = {**(params or {}), "sort": "id:asc", "limit": limit}
    lowest = _as_int(query.get(key))
    while True:
        answer = requester.request("GET", "v2", path, params=query, expect="v2_list")
        if not answer.data:
            return
        highest = _keyset_highest(answer, label, key, lowest)
        yield answer.data
        lowest = highest + 1
        query[key] = lowest


def numbered_pages_v3(
    requester: Requester, path: str, params: Mapping[str, Any] | None, limit: int
) -> Iterator[list[Any]]:
    """The pages of a v3 collection up to ``meta.pagination.total_pages``."""
    limit = _check_limit(limit)

    def fetch(number: int) -> Page:
        query = {**(params or {}), "page": number, "limit": limit}
        answer = requester.request("GET", "v3", path, params=query, expect="v3_list")
        total_pages = _total_pages(answer.data)
        last = total_pages is None or number >= total_pages
        return Page(answer.data["data"], last, answer.status, answer.request_id)

    yield from numbered_pages(fetch, f"v3/{path.lstrip('/')}")


def _keyset_highest(answer: ApiResponse, label: str, key: str, lowest: int | None) -> int:
    """The page's highest id, after checking every id is at or above ``lowest``."""
    ids = [number for number in map(wire_id, answer.data) if number is not None]
    problem = ""
    if not ids:
        problem = "no item of the page had an id"
    elif lowest is not None and min(ids) < lowest:
        problem = f"id {min(ids)} is below the requested {key}={lowest} (the store ignored it)"
    if problem:
        raise PagingError(
            method="GET",
            path=label,
            status=answer.status,
            request_id=answer.request_id,
            title=problem,
        )
    return max(ids)


def _as_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}, got {limit}")
    return limit


def _total_pages(body: Mapping[str, Any]) -> int | None:
    meta = body.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    if not isinstance(pagination, Mapping):
        return None
    total = pagination.get("total_pages")
    return total if isinstance(total, int) else None
