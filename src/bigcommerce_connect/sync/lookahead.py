"""Reading the next page of a list while the current one is imported: one page ahead.

A run's pages come from a lazy listing; :class:`PageLookahead` reads them on one background
thread, so the importer can ask for the next page (:meth:`~PageLookahead.prefetch`) near the
end of the current one and find it there when it is done. Each page carries the wire repairs
of its own answer (taken on the reading thread) and when it arrived, for the status guard.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

import attrs

from bigcommerce_connect.repairs import WireRepair
from bigcommerce_connect.sync.wire_repairs import WireRepairs

__all__ = ["ListedPage", "PageLookahead"]


@attrs.frozen
class ListedPage:
    """One page as the store sent it, with its answer's wire repairs and arrival time."""

    items: list[Any]
    repairs: list[WireRepair]
    read_at: float  # time.monotonic() when the answer was in


class PageLookahead:
    """Iterates a listing's pages, reading each on a background thread, at most one ahead.

    A failure while reading (a paging error, the network) is raised by the ``next`` that
    wanted that page. Leaving the ``with`` block waits for a read under way and closes the
    listing. With ``ahead=False`` every page is read when asked for, on the calling thread:
    for runs with nothing to overlap (no moves), where two pages alive at once would only
    fragment the heap (peak memory grew with the run's length that way).
    """

    def __init__(
        self,
        pages: Iterator[list[Any]],
        repairs: WireRepairs,
        clock: Callable[[], float] = time.monotonic,
        *,
        ahead: bool = True,
    ) -> None:
        self._pages = pages
        self._repairs = repairs
        self._clock = clock
        self._ahead = ahead
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bc-pages")
        self._next: Future[ListedPage | None] | None = None
        self._ended = False
        self.reads = 0  # pages asked for: a test can see a read start before it is needed

    def __enter__(self) -> PageLookahead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> PageLookahead:
        return self

    def __next__(self) -> ListedPage:
        if not self._ahead:
            return self._read_here()
        self.prefetch()
        future, self._next = self._next, None
        if future is None:
            raise StopIteration
        try:
            page = future.result()
        except BaseException:
            self._ended = True
            raise
        if page is None:
            self._ended = True
            raise StopIteration
        return page

    def prefetch(self) -> None:
        """Start reading the next page now, unless one is on its way or the list ended."""
        if self._ahead and self._next is None and not self._ended:
            self.reads += 1
            self._next = self._reader.submit(self._read)

    def close(self) -> None:
        """Wait for a read under way (its page is dropped) and close the listing."""
        self._ended = True
        self._reader.shutdown(wait=True)
        self._next = None
        close = getattr(self._pages, "close", None)
        if close is not None:
            close()

    def _read_here(self) -> ListedPage:
        if self._ended:
            raise StopIteration
        self.reads += 1
        try:
            page = self._read()
        except BaseException:
            self._ended = True
            raise
        if page is None:
            self._ended = True
            raise StopIteration
        return page

    def _read(self) -> ListedPage | None:
        items = next(self._pages, None)
        if items is None:
            return None
        # This thread's repairs are this answer's: taken here, they travel with the page.
        return ListedPage(items, self._repairs.collect(), self._clock())
