"""Paging by page number that must make progress, and must not skip what a cut page hid.

A list that ignores ``page``, repeats a page or shuffles one would otherwise be read forever
(or yield the same orders again). Every page must bring at least one item the stream has not
yielded yet; items already yielded (drift between pages) are dropped, so each item comes
once. Remembering every key exactly is what makes that a guarantee, not a heuristic: a store
has finitely many records, so a stream that must bring a new one each page ends.

A page shorter than the pages after it was cut (a proxy, a store that served half a page):
page numbers step over what it did not hold. Such a page is read again, and its missing
items yielded, before the page that revealed it; a page that stays short stops the stream
with :class:`~bigcommerce_connect.errors.PagingError`. A short page followed by an empty
one is the end of the list: that costs no extra call.

Memory: integer ids live in sorted ``array('q')`` runs, 8 bytes an id (100,000 orders:
0.8 MB; a Python ``set`` would take about 70 bytes an id), plus a set of the newest few
thousand. Runs merge like a binary counter, so there are at most log2(n / 4096) of them and a
lookup is a few binary searches. Items without an integer id are remembered by a 64-bit
digest of their JSON.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from array import array
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import PagingError

__all__ = ["Page", "SeenKeys", "item_key", "numbered_pages", "unseen", "wire_id"]

_RECENT_MAX: Final = 4096
_INT64: Final = range(-(2**63), 2**63)


def wire_id(item: object) -> int | None:
    """The integer ``id`` of a list item, or None when it has none (or a non-integer one)."""
    if isinstance(item, dict):
        value = item.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def item_key(item: object) -> Hashable:
    """What identifies a list item: its integer id, else its id text, else a digest of it."""
    number = wire_id(item)
    if number is not None:
        return number
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return ("id", item["id"])
    try:
        text = json.dumps(item, sort_keys=True, ensure_ascii=True, default=str)
    except (ValueError, TypeError, RecursionError):
        return ("object", id(item))  # cannot be fingerprinted: always new
    return ("digest", hashlib.blake2b(text.encode("ascii"), digest_size=8).digest())


class SeenKeys:
    """The keys a stream has yielded, exactly, at 8 bytes an integer id."""

    def __init__(self) -> None:
        self._runs: list[array[int]] = []  # sorted, each at most half the one before
        self._recent: set[int] = set()
        self._other: set[Hashable] = set()

    def __contains__(self, key: object) -> bool:
        if isinstance(key, int) and key in _INT64:
            return key in self._recent or any(_in_sorted(run, key) for run in self._runs)
        return key in self._other

    def __len__(self) -> int:
        return sum(map(len, self._runs)) + len(self._recent) + len(self._other)

    def add(self, key: Hashable) -> None:
        """Remember ``key``."""
        if isinstance(key, int) and key in _INT64:
            if key not in self:
                self._recent.add(key)
                if len(self._recent) >= _RECENT_MAX:
                    self._compact()
        else:
            self._other.add(key)

    def _compact(self) -> None:
        run = array("q", sorted(self._recent))
        self._recent = set()
        while self._runs and len(self._runs[-1]) <= len(run):
            run = array("q", heapq.merge(self._runs.pop(), run))
        self._runs.append(run)


def _in_sorted(run: Sequence[int], key: int) -> bool:
    index = bisect_left(run, key)
    return index < len(run) and run[index] == key


def unseen(items: list[Any], seen: SeenKeys) -> list[Any]:
    """The items of a page not yielded before; remembers the page's keys."""
    keys = [item_key(item) for item in items]
    fresh = [item for item, key in zip(items, keys, strict=True) if key not in seen]
    for key in keys:
        seen.add(key)
    return fresh


@attrs.frozen
class Page:
    """One page as read: its items, whether the store said it is the last, status, request id."""

    items: list[Any]
    last: bool
    status: int
    request_id: str | None


def numbered_pages(fetch: Callable[[int], Page], label: str) -> Iterator[list[Any]]:
    """Yield the new items of pages 1, 2, ... until an empty page or one marked last."""
    seen = SeenKeys()
    lengths: list[int] = []  # every page's length as read: a cut page is one shorter than later
    size = 0
    number = 1
    while True:
        page = fetch(number)
        if not page.items:
            return
        grown = len(page.items) > size
        size = max(size, len(page.items))
        # Usually only the page before can be found cut; when pages grow, any before can.
        earlier = range(1, number) if grown else range(max(1, number - 1), number)
        for cut in [before for before in earlier if lengths[before - 1] < size]:
            yield from _reread(fetch, cut, size, seen, label)
            lengths[cut - 1] = size
        fresh = unseen(page.items, seen)
        if not fresh:
            raise _paging_error(
                page,
                label,
                f"page {number} brought no item not already read (the store ignored the page "
                "number or repeated a page)",
            )
        yield fresh
        lengths.append(len(page.items))
        if page.last:
            return
        number += 1


def _reread(
    fetch: Callable[[int], Page], number: int, size: int, seen: SeenKeys, label: str
) -> Iterator[list[Any]]:
    page = fetch(number)
    if len(page.items) < size:
        raise _paging_error(
            page,
            label,
            f"page {number} held {len(page.items)} items where the pages around it held "
            f"{size}, read twice: the items it left out would be skipped",
        )
    fresh = unseen(page.items, seen)
    if fresh:
        yield fresh


def _paging_error(page: Page, label: str, title: str) -> PagingError:
    return PagingError(
        method="GET", path=label, status=page.status, request_id=page.request_id, title=title
    )
