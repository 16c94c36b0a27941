"""The one batch sender of the exporters: send, attribute failures per item, resend the rest.

A batch endpoint answers in one of three ways, and every exporter handles them alike:

* it takes the request (200), perhaps not all of it (207, or a 422 listing ``batch_errors``):
  the failed items are found by ``[n]`` in the errors' field names or by their keys (id,
  SKU, e-mail) — see :func:`batch_failures`;
* it refuses the whole request, naming some items (``[n].field`` errors): those items are
  refused and the others are sent again without them, once per refusal, until the store
  takes what is left or refuses it without naming anyone (see :func:`send_batch`);
* it fails another way (a network error, a refusal naming nobody or everybody): every item
  of the request failed, with the error's message.

:func:`write_batches` cuts the items to the endpoint's maximum (declared in
:mod:`bigcommerce_connect.resources`) and gives each batch's outcome per item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar

import attrs

from bigcommerce_connect.batch import BatchItemError, BatchResult, chunked
from bigcommerce_connect.errors import ApiError, BigCommerceError

__all__ = [
    "Accepted",
    "BatchWrite",
    "Refused",
    "batch_failures",
    "error_failures",
    "refused_items",
    "send_batch",
    "write_batches",
]

T = TypeVar("T")
B = TypeVar("B")
R = TypeVar("R")

_INDEX: Final = re.compile(r"\[(\d+)\]")


@attrs.frozen
class Accepted(Generic[R]):
    """A request the store took: the positions of the items it carried, and its answer."""

    indexes: list[int]
    answer: R


@attrs.frozen
class Refused:
    """Items the store refused, or that failed with their request: why, by position."""

    reasons: dict[int, str]
    error: BigCommerceError


def send_batch(
    send: Callable[[list[B]], R], items: Sequence[B], *, resend: bool = True
) -> Iterator[Accepted[R] | Refused]:
    """Send ``items`` in one request; after a refusal naming some, the others without them.

    Yields what happened, request by request, lazily: a caller handles a refusal before the
    rest is sent again. ``resend=False`` is for all-or-nothing endpoints, where a refusal
    fails every item of the request (they are tried again on the next run).
    """
    indexes = list(range(len(items)))
    while indexes:
        outcome = _attempt(send, [items[i] for i in indexes])
        if not isinstance(outcome, BigCommerceError):
            yield Accepted(indexes, outcome)
            return
        named = refused_items(outcome, len(indexes)) if isinstance(outcome, ApiError) else {}
        if not (resend and 0 < len(named) < len(indexes)):
            yield Refused({indexes[n]: why for n, why in _every(outcome, indexes).items()}, outcome)
            return
        yield Refused({indexes[n]: why for n, why in sorted(named.items())}, outcome)
        indexes = [i for n, i in enumerate(indexes) if n not in named]


def _attempt(send: Callable[[list[B]], R], sent: list[B]) -> R | BigCommerceError:
    try:
        return send(sent)
    except BigCommerceError as error:
        return error


def _every(error: BigCommerceError, indexes: list[int]) -> dict[int, str]:
    """Every item of a failed request, each with its message."""
    if isinstance(error, ApiError):
        return error_failures(error, len(indexes))
    return dict.fromkeys(range(len(indexes)), str(error))


@attrs.frozen
class BatchWrite(Generic[T]):
    """One batch's outcome: its items, the failed ones by position, the records written."""

    items: list[T]
    failures: dict[int, str]
    rows: list[Mapping[str, Any]]


def write_batches(
    send: Callable[[list[Mapping[str, Any]]], BatchResult],
    items: Sequence[T],
    *,
    body: Callable[[T], Mapping[str, Any]],
    size: int,
    keys: Sequence[str] = ("id",),
    atomic: bool = False,
) -> Iterator[BatchWrite[T]]:
    """Write ``items`` in batches of at most ``size`` (each sent as ``body(item)``), lazily.

    ``keys`` identify a sent item in the store's errors (see :func:`batch_failures`).
    ``atomic`` endpoints (product and variant batch updates) write nothing when they refuse:
    a 422 answer fails every item, and a refused request is not sent again without the
    items it named.
    """
    for chunk in chunked(items, size):
        sent = [body(item) for item in chunk]
        failures: dict[int, str] = {}
        rows: list[Mapping[str, Any]] = []
        for event in send_batch(send, sent, resend=not atomic):
            if isinstance(event, Refused):
                failures.update(event.reasons)
                continue
            answer = event.answer
            carried = [sent[i] for i in event.indexes]
            all_or_nothing = atomic and answer.status == 422
            found = batch_failures(answer, carried, keys=keys, all_or_nothing=all_or_nothing)
            failures.update({event.indexes[n]: why for n, why in found.items()})
            rows.extend(row for row in answer.data if isinstance(row, Mapping))
        yield BatchWrite(chunk, failures, rows)


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
