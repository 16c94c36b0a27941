"""The quarantine of a run: records that failed to import, kept with their reason and payload.

One public place for everything a run does with the host's quarantine port: keep a failed
record (with one alert per record and code), let it go once it imports, and the helpers that
make sure keeping it can never fail on the data it keeps (:func:`clean_text`,
:func:`quarantine_key`, :func:`record_payload`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Final, Protocol

import attrs

from bigcommerce_connect.clock import Clock
from bigcommerce_connect.models import unstructure
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import QuarantineEntry, QuarantineRepository
from bigcommerce_connect.sync.report import RunReport
from bigcommerce_connect.sync.wire_ids import wire_id

__all__ = [
    "KEY_LIMIT",
    "REASON_LIMIT",
    "RunQuarantine",
    "clean_text",
    "quarantine_key",
    "record_payload",
]

#: The longest key (and code) an entry or a notification gets.
KEY_LIMIT: Final = 200
#: The longest reason an entry or a notification gets.
REASON_LIMIT: Final = 500
#: Code points that are text in Python but not in UTF-8 (lone or paired surrogate halves).
_SURROGATES = re.compile("[\ud800-\udfff]")


class Notify(Protocol):
    """Sends one notification (the run's :meth:`SyncContext.notify`)."""

    def __call__(self, kind: NotificationKind, code: str, message: str, **context: Any) -> None:
        """Send it, naming what it is about in ``context``."""
        ...


def clean_text(value: object, limit: int = REASON_LIMIT) -> str:
    """``value`` as text any store can hold: surrogates become U+FFFD, at most ``limit`` long.

    What a quarantine or a notification keeps comes from the wire or from an exception about
    it; it must never be the next thing that fails.
    """
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # an exception whose __str__ itself fails
        text = type(value).__name__
    text = _SURROGATES.sub("\ufffd", text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def quarantine_key(payload: object, record_id: int | None) -> str:
    """The record's id, or for junk with none a stable key from its content (one entry each)."""
    found = record_id if record_id is not None else wire_id(payload)
    if found:
        return str(found)
    try:
        # ASCII JSON: a lone surrogate is escaped, never an encoding error.
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=True).encode()
    except (ValueError, TypeError, RecursionError):
        text = type(payload).__name__.encode()  # too deep or circular: one shared entry
    return "unidentified-" + hashlib.sha1(text, usedforsecurity=False).hexdigest()[:12]


def record_payload(record: object, record_id: int) -> dict[str, Any]:
    """A typed record as plain data for a person to read; its id at least."""
    try:
        data = unstructure(record)
    except Exception:  # the payload is for a person to read; the id is the least of it
        return {"id": record_id}
    return data if isinstance(data, dict) else {"id": record_id}


class RunQuarantine:
    """One run's view of the host's quarantine: keep failed records, release imported ones.

    Reads the entries of an entity once per run (to alert once per record and code) and keeps
    that view as it writes; a preview only reports what it would quarantine.
    """

    def __init__(
        self, repository: QuarantineRepository, *, notify: Notify, report: RunReport, clock: Clock
    ) -> None:
        self._repository = repository
        self._notify = notify
        self._report = report
        self._clock = clock
        self._known: dict[str, dict[str, str]] = {}

    def keep(self, entity: str, key: str, error: Exception, payload: Mapping[str, Any]) -> None:
        """Keep a record that failed to import, with an alert; the caller counts it.

        The entry holds the raw payload for a person to read and the reason. A record that
        fails again with the same code while its entry is still there refreshes the entry (one
        more attempt) without a new alert: a run re-reads every order still waiting in the
        "get" status. Keeping the entry can never stop the run: key and reason are cleaned
        text, and if the host's quarantine still refuses the entry, a minimal one is tried,
        then an error is reported.
        """
        key = clean_text(key, KEY_LIMIT)
        code = clean_text(getattr(error, "code", None) or type(error).__name__, KEY_LIMIT)
        reason = clean_text(error)
        self._report.plan(entity, key, "quarantine", reason)
        if self._entries_of(entity).get(key) != code:
            self._notify(
                NotificationKind.ALERT,
                f"{entity}.import.{code}",
                f"{entity} {key} was not imported: {reason}",
                entity=entity,
                external_id=key,
                request_id=getattr(error, "request_id", None),
            )
        if self._report.preview:
            return
        now = self._clock.now()
        entry = QuarantineEntry(
            entity=entity,
            external_id=key,
            code=code,
            reason=reason,
            payload=payload,
            first_failed=now,
            last_failed=now,
        )
        self._put(entry)

    def release(self, entity: str, key: str) -> None:
        """A record imported after all: its entry, if any, goes (not in preview)."""
        if self._report.preview:
            return
        self._repository.remove(entity, key)
        known = self._known.get(entity)  # read only once something was quarantined
        if known is not None:
            known.pop(key, None)

    def refresh(self) -> None:
        """Read the entries again at the next failure (between a webhook's deliveries).

        A run reads them once; a long-lived context must not decide on an old view whether a
        failure was already alerted.
        """
        self._known.clear()

    def _entries_of(self, entity: str) -> dict[str, str]:
        """This entity's quarantined keys and codes, read once per run (for the alerts)."""
        known = self._known.get(entity)
        if known is None:
            try:
                entries = self._repository.entries(entity)
                known = {entry.external_id: entry.code for entry in entries}
            except Exception:  # unreadable quarantine: alert every time rather than never
                known = {}
            self._known[entity] = known
        return known

    def _put(self, entry: QuarantineEntry) -> None:
        """Put the entry; on failure a minimal one; on failure again, report and go on.

        The record was neither imported nor moved, so it is still in the "get" status and the
        next run brings it back either way.
        """
        minimal = attrs.evolve(entry, payload={"id": entry.external_id, "payload_stored": False})
        failure: Exception | None = None
        for candidate in (entry, minimal):
            try:
                self._repository.put(candidate)
            except Exception as error:  # a host adapter may fail on anything
                failure = error
                continue
            self._entries_of(entry.entity)[entry.external_id] = entry.code
            return
        message = (
            f"{entry.entity} {entry.external_id} could not be quarantined: {clean_text(failure)}"
        )
        self._report.errors.append(message)
        self._notify(
            NotificationKind.ERROR,
            f"{entry.entity}.quarantine.failed",
            message,
            entity=entry.entity,
            external_id=entry.external_id,
        )
