"""The client's wire repairs, drained after each page a run imports from.

The client repairs what it cannot pass on as sent (text that is not valid Unicode, a value
nested too deep) and keeps a note of each repair. A run drains the notes right after a page
arrives: a repaired text keeps its record and gets a warning; a record of that page that lost
a too-deep value is set aside for quarantine instead of being imported half-read.

A run reads pages on one thread while others move statuses, so every drain here takes the
calling thread's notes only; a page read ahead on another thread carries its own (``collect``).
"""

from __future__ import annotations

from collections.abc import Iterable

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.repairs import WireRepair
from bigcommerce_connect.sync.quarantine import KEY_LIMIT, Notify, clean_text

__all__ = ["WireRepairs"]


class WireRepairs:
    """Turns the client's wire repairs into warnings and records to set aside."""

    def __init__(self, client: BigCommerceClient, notify: Notify) -> None:
        self._client = client
        self._notify = notify

    def collect(self) -> list[WireRepair]:
        """This thread's repairs, taken now: a page read ahead carries them to its import."""
        return self._client.take_wire_repairs(this_thread=True)

    def take(
        self, entity: str, ids: Iterable[object], repairs: list[WireRepair] | None = None
    ) -> set[str]:
        """Drain the repairs after a page arrived; return the ids to set aside.

        ``ids`` are the records of the page that just arrived. A text repair (a lone surrogate
        or undecodable bytes, now U+FFFD) keeps the record and sends a warning naming it and
        the field. A value nested too deep was dropped by the client: a record of this page
        that lost one is set aside (the caller quarantines it), not imported half-read.
        ``repairs`` are the page's own when it was read on another thread (see ``collect``).
        """
        on_page = {str(record_id) for record_id in ids}
        deep: set[str] = set()
        for repair in self.collect() if repairs is None else repairs:
            record_id = repair.record_id
            if repair.kind == "depth" and record_id is not None and record_id in on_page:
                deep.add(record_id)
                continue
            self._notify(
                NotificationKind.WARNING,
                f"record.{clean_text(repair.kind, 20)}.repaired",
                _message(entity, repair),
                entity=entity,
                external_id=None if record_id is None else clean_text(record_id, KEY_LIMIT),
                details={"field": clean_text(repair.field), "path": clean_text(repair.path)},
            )
        return deep

    def drop(self) -> None:
        """Forget this thread's repairs in answers the run does not import from (re-reads)."""
        self._client.take_wire_repairs(this_thread=True)


def _message(entity: str, repair: WireRepair) -> str:
    record = "" if repair.record_id is None else f" {clean_text(repair.record_id, KEY_LIMIT)}"
    if repair.kind == "text":
        what = "held text that is not valid Unicode; it was kept with U+FFFD in its place"
    else:
        what = "was nested too deep to read; it was dropped"
    return f"{entity}{record}: {clean_text(repair.field)} {what} ({clean_text(repair.path)})"
