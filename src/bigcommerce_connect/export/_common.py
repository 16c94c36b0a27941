"""Small helpers shared by the exporters: admin URLs, fingerprints, batch error attribution."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from bigcommerce_connect.batch import BatchItemError, BatchResult
from bigcommerce_connect.errors import ApiError

__all__ = [
    "admin_url",
    "batch_failures",
    "error_failures",
    "fingerprint",
    "refused_items",
    "without_none",
]

# The control panel opens a record at these paths on the store's permanent
# ``store-{hash}.mybigcommerce.com`` host, which works whatever custom domain the store uses.
_ADMIN_PATHS: Final = {
    "product": "manage/products/{id}/edit",
    "customer": "manage/customers/{id}/edit",
}
_INDEX: Final = re.compile(r"\[(\d+)\]")


def admin_url(store_hash: str | None, kind: str, record_id: int | None) -> str:
    """The control-panel URL that opens a product or customer in a browser ("" if unknown)."""
    if not store_hash or record_id is None:
        return ""
    path = _ADMIN_PATHS[kind].format(id=int(record_id))
    return f"https://store-{store_hash}.mybigcommerce.com/{path}"


def without_none(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload minus unset (None) fields: None means "the ERP does not say", never "clear"."""
    return {key: value for key, value in payload.items() if value is not None}


def fingerprint(payload: Any) -> str:
    """A stable hash of what would be sent, so an unchanged record is recognised without a call."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _describe(error: BatchItemError, fields: Mapping[str, str] | None = None) -> str:
    shown = error.errors if fields is None else fields
    details = "; ".join(f"{key}: {value}" for key, value in shown.items())
    return ": ".join(part for part in (error.title, details) if part) or f"HTTP {error.status}"


def _by_index(fields: Mapping[str, str]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for key, value in fields.items():
        match = _INDEX.search(key)
        if match:
            found.setdefault(int(match.group(1)), {})[key] = value
    return found


def _match(item: Mapping[str, Any], sent: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> int:
    for key in keys:
        if key in item:
            for index, candidate in enumerate(sent):
                if candidate.get(key) == item[key]:
                    return index
    return -1


def batch_failures(
    result: BatchResult,
    sent: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str] = ("id",),
    all_or_nothing: bool = False,
) -> dict[int, str]:
    """Which of the ``sent`` items failed, by index, with a message each.

    Errors are attributed by ``[n]`` in their field names, else by the failed item's ``keys``
    (id, sku ...). When the answer lists the written records, a sent record missing from it
    failed too. An error that names no item fails the items nobody accounted for (a partial
    failure is never reported as success); ``all_or_nothing`` endpoints fail every item.
    """
    if result.ok:
        return {}
    failed: dict[int, str] = {}
    loose: list[str] = []
    for error in result.errors:
        indexed = _by_index(error.errors)
        for index, fields in indexed.items():
            if 0 <= index < len(sent):
                failed[index] = _describe(error, fields)
        position = -1 if error.item is None else _match(error.item, sent, keys)
        if position >= 0:
            failed[position] = _describe(error)
        elif not indexed:
            loose.append(_describe(error))
    written = {row.get("id") for row in result.data if isinstance(row, Mapping)}
    if result.data and "id" in keys:
        for index, item in enumerate(sent):
            if index not in failed and item.get("id") not in written:
                failed[index] = "; ".join(loose) or "not written (the store did not say why)"
    if all_or_nothing or (loose and not failed):
        reason = "; ".join(loose) or "rejected together with the rest of its batch"
        for index in range(len(sent)):
            failed.setdefault(index, reason)
    return failed


def error_failures(error: ApiError, count: int) -> dict[int, str]:
    """Per-item messages for a batch the store refused as a whole (every item failed)."""
    named = refused_items(error, count)
    return {index: named.get(index) or str(error) for index in range(count)}


def refused_items(error: ApiError, count: int) -> dict[int, str]:
    """The items a refused batch named (``[n].field`` errors), with their messages."""
    return {
        index: "; ".join(f"{k}: {v}" for k, v in fields.items())
        for index, fields in _by_index(error.field_errors).items()
        if 0 <= index < count
    }
