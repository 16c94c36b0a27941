"""Batch writes: items cut to an endpoint's maximum, and results with per-item errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from bigcommerce_connect.errors import shorten

__all__ = ["BatchItemError", "BatchResult", "chunked"]

T = TypeVar("T")


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


@attrs.frozen
class BatchItemError:
    """One failure inside a batch: its status, title, per-field errors and the item if known."""

    status: int
    title: str
    errors: Mapping[str, str] = attrs.field(factory=dict)
    item: Mapping[str, Any] | None = None


@attrs.frozen
class BatchResult:
    """What a batch write did: the records written and the failures, item by item."""

    status: int
    data: list[Any] = attrs.field(factory=list)
    errors: list[BatchItemError] = attrs.field(factory=list)
    request_id: str | None = None

    @property
    def ok(self) -> bool:
        """True only when every item was written."""
        return not self.errors

    @classmethod
    def from_body(cls, status: int, body: Any, request_id: str | None) -> BatchResult:
        """Read a 200, 207 (``data`` + ``errors``) or 422 (``batch_errors``) batch answer."""
        if not isinstance(body, Mapping):
            return cls(status=status, request_id=request_id)
        data = body.get("data")
        records = data if isinstance(data, list) else ([data] if data else [])
        raw_errors: list[Any] = []
        if isinstance(body.get("batch_errors"), list):
            raw_errors.extend(body["batch_errors"])
        if status == 207 and isinstance(body.get("errors"), Mapping):
            raw_errors.append(body["errors"])
        if status == 422 and not raw_errors:
            raw_errors.append(body)
        errors = [_item_error(status, raw) for raw in raw_errors if isinstance(raw, Mapping)]
        return cls(status=status, data=records, errors=errors, request_id=request_id)


def _item_error(default_status: int, raw: Mapping[str, Any]) -> BatchItemError:
    fields = raw.get("errors")
    item = raw.get("data")
    status = raw.get("status")
    return BatchItemError(
        status=status if isinstance(status, int) else default_status,
        title=shorten(str(raw.get("title") or raw.get("message") or ""), 160),
        errors=(
            {str(k): shorten(str(v), 160) for k, v in fields.items()}
            if isinstance(fields, Mapping)
            else {}
        ),
        item=item if isinstance(item, Mapping) else None,
    )
