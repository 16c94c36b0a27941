"""Shared plumbing of the resource groups: the requester they use, query and answer helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from bigcommerce_connect.errors import UnexpectedResponseError
from bigcommerce_connect.requester import Requester

__all__ = ["Resource", "WirePage", "query_params", "v3_data", "v3_pagination"]


class Resource:
    """A group of endpoints, sending its requests through a :class:`Requester` (the client)."""

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@attrs.frozen
class WirePage:
    """One answer of a v3 list as the store sent it: the items and the pagination it claims.

    ``total_pages`` and ``per_page`` are None when the answer does not give a positive count.
    """

    items: list[Any]
    total_pages: int | None
    per_page: int | None

    @classmethod
    def from_body(cls, body: Any) -> WirePage:
        """Read a v3 list answer (``data`` + ``meta.pagination``); anything missing is empty."""
        items = body.get("data") if isinstance(body, Mapping) else None
        pagination = v3_pagination(body)
        return cls(
            items=items if isinstance(items, list) else [],
            total_pages=_positive(pagination.get("total_pages")),
            per_page=_positive(pagination.get("per_page")),
        )


def v3_data(body: Any, label: str) -> Any:
    """The ``data`` member of a v3 envelope, or a typed error when it is missing."""
    if not isinstance(body, Mapping) or "data" not in body:
        raise UnexpectedResponseError(
            method="GET", path=label, status=200, title="the v3 answer had no data member"
        )
    return body["data"]


def v3_pagination(body: Any) -> Mapping[str, Any]:
    """``meta.pagination`` of a v3 list answer, or an empty mapping when it has none."""
    meta = body.get("meta") if isinstance(body, Mapping) else None
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    return pagination if isinstance(pagination, Mapping) else {}


def query_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters minus the filters left unset (None): an unset filter is not sent."""
    return {key: value for key, value in params.items() if value is not None}


def _positive(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None
