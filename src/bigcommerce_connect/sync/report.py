"""What one run did: counts, calls, time, notifications, and (in preview) what it would do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from bigcommerce_connect.notifications import KEEP_SENT, Notification

__all__ = ["PlannedAction", "RunReport"]


@attrs.frozen
class PlannedAction:
    """One thing a run did or (in preview) would do: ``create``, ``update``, ``skip``, ``move``."""

    entity: str
    external_id: str
    action: str
    detail: str = ""


@attrs.define
class RunReport:
    """The outcome of one import or sync run."""

    store: str = ""
    preview: bool = False
    started_at: datetime | None = None
    customers_created: int = 0
    customers_updated: int = 0
    customers_skipped: int = 0
    customers_quarantined: int = 0
    orders_imported: int = 0
    orders_updated: int = 0
    orders_skipped: int = 0
    orders_quarantined: int = 0
    statuses_moved: int = 0
    status_moves_failed: int = 0
    #: Imported orders not moved: another app took them out of the "get" status meanwhile.
    orders_changed_elsewhere: int = 0
    #: Orders the reconcile sweep found unbound in the "get" status (the window missed them).
    orders_reconciled: int = 0
    inventory_pushed: int = 0
    #: Store-side changes of imported orders delivered to the host, per kind ("cancelled"...).
    order_changes: dict[str, int] = attrs.field(factory=dict)
    #: Changes of imported orders that could not be read or applied (delivered on a later run).
    order_changes_failed: int = 0
    api_calls: int = 0
    duration_seconds: float = 0.0
    cursor: datetime | None = None
    failed: bool = False
    #: The run was stopped by the user (Ctrl-C) part way; every cursor stayed where it was
    #: (or at the last finished page), so running again is safe.
    interrupted: bool = False
    #: Why the cycle did nothing at all (``SyncRunner.run_cycle`` while ``auto_import`` is
    #: off: "auto_import is off"); ``None`` when it ran. Tells a skip from an empty run.
    skipped: str | None = None
    #: Why the run (or one of its stages) stopped early: the ``code`` of the first error that
    #: stopped it ("rate_limited", "network", "server_error", "authentication",
    #: "permission_denied", "locked", "unexpected_response", ...); ``None`` when nothing did.
    #: A job queue maps it to "retry later" or "do not retry" without parsing messages.
    stopped_by: str | None = None
    #: Seconds the store asked to wait before the next try (a rate limit's reset), when a
    #: rate limit stopped the run or a stage; the longest such wait. ``None`` otherwise.
    retry_after: float | None = None
    errors: list[str] = attrs.field(factory=list)
    notifications: list[Notification] = attrs.field(factory=list)
    #: Notifications delivered to the host but not kept here (past the first thousand).
    notifications_dropped: int = 0
    planned: list[PlannedAction] = attrs.field(factory=list)
    #: In preview: the notifications the run would have sent (none is delivered).
    would_notify: list[Notification] = attrs.field(factory=list)
    #: In preview: notifications it would have sent past the first thousand kept here.
    would_notify_dropped: int = 0

    def would(self, notification: Notification) -> None:
        """Keep a notification a preview would have sent (the first thousand; then count)."""
        if len(self.would_notify) < KEEP_SENT:
            self.would_notify.append(notification)
        else:
            self.would_notify_dropped += 1

    def stopped(self, code: str, *, retry_after: float | None = None) -> None:
        """Record that an error with ``code`` stopped the run or a stage (the first one wins).

        ``retry_after`` (a rate limit's reset) is kept as the longest wait any stop asked for.
        """
        if self.stopped_by is None:
            self.stopped_by = code
        if retry_after is not None:
            self.retry_after = max(retry_after, self.retry_after or 0.0)

    def plan(self, entity: str, external_id: object, action: str, detail: str = "") -> None:
        """Record an action (kept in preview runs, where nothing is written)."""
        if self.preview:
            self.planned.append(PlannedAction(entity, str(external_id), action, detail))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data (the CLI's ``--json`` output)."""
        return {
            "store": self.store,
            "preview": self.preview,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "customers_created": self.customers_created,
            "customers_updated": self.customers_updated,
            "customers_skipped": self.customers_skipped,
            "customers_quarantined": self.customers_quarantined,
            "orders_imported": self.orders_imported,
            "orders_updated": self.orders_updated,
            "orders_skipped": self.orders_skipped,
            "orders_quarantined": self.orders_quarantined,
            "statuses_moved": self.statuses_moved,
            "status_moves_failed": self.status_moves_failed,
            "orders_changed_elsewhere": self.orders_changed_elsewhere,
            "orders_reconciled": self.orders_reconciled,
            "inventory_pushed": self.inventory_pushed,
            "order_changes": dict(sorted(self.order_changes.items())),
            "order_changes_failed": self.order_changes_failed,
            "api_calls": self.api_calls,
            "duration_seconds": round(self.duration_seconds, 3),
            "cursor": self.cursor.isoformat() if self.cursor else None,
            "failed": self.failed,
            "interrupted": self.interrupted,
            "skipped": self.skipped,
            "stopped_by": self.stopped_by,
            "retry_after": self.retry_after,
            "errors": list(self.errors),
            "notifications": [_note(n) for n in self.notifications],
            "notifications_dropped": self.notifications_dropped,
            "planned": [attrs.asdict(action) for action in self.planned],
            "would_notify": [_note(n) for n in self.would_notify],
            "would_notify_dropped": self.would_notify_dropped,
        }


def _note(notification: Notification) -> dict[str, str]:
    return {
        "kind": notification.kind.value,
        "code": notification.code,
        "message": notification.message,
    }
