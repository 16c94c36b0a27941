"""The window a run reads: ``[cursor - overlap, now - settle]``, fixed for the whole run.

Customers are always read by window. Orders are, only in runs that do not move statuses: a
run that moves imported orders out of the "get" status lists all of that status (its work
queue) and only records the window's end as the cursor.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from bigcommerce_connect.sync.context import SyncContext

__all__ = ["SyncWindow", "is_newer", "window_for"]


@attrs.frozen
class SyncWindow:
    """Records modified in ``[start, end]`` (``start`` None: from the beginning)."""

    start: datetime | None
    end: datetime


def window_for(ctx: SyncContext, stream: str) -> SyncWindow:
    """The window after a stream's cursor, with the context's overlap and settle times.

    The cursor lives in the ports' sync state. The settings' ``last_update`` is only where a
    stream with no cursor yet starts (a host moving from another tool sets it); the run never
    writes it back.
    """
    cursor = ctx.ports.sync_state.get_cursor(stream)
    if cursor is None and ctx.settings.last_update is not None:
        cursor = ctx.settings.last_update
    end = ctx.now().astimezone(timezone.utc) - ctx.options.settle
    start = None if cursor is None else min(cursor - ctx.options.overlap, end)
    return SyncWindow(start=start, end=end)


def is_newer(modified: datetime | None, synced: datetime | None) -> bool:
    """Whether a store record changed after the version we imported (unknown counts as newer)."""
    if modified is None or synced is None:
        return True
    return modified > synced
