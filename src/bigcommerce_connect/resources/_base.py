"""Shared plumbing of the resource groups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from bigcommerce_connect.errors import UnexpectedResponseError

if TYPE_CHECKING:
    from bigcommerce_connect.client import BigCommerceClient

T = TypeVar("T")


class Resource:
    """A group of endpoints on one client."""

    def __init__(self, client: BigCommerceClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split ``items`` into lists of at most ``size`` (for batch endpoints' maxima)."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def v3_data(body: Any, label: str) -> Any:
    """The ``data`` member of a v3 envelope, or a typed error when it is missing."""
    if not isinstance(body, Mapping) or "data" not in body:
        raise UnexpectedResponseError(
            method="GET", path=label, status=200, title="the v3 answer had no data member"
        )
    return body["data"]


def without_none(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters minus the ones left unset."""
    return {key: value for key, value in params.items() if value is not None}
