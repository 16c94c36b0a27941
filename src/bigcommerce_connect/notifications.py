"""Notifications the SDK raises for people: errors, alerts, elections and warnings.

They go to the host's :class:`~bigcommerce_connect.ports.Notifier`, addressed to the
settings' ``notify_to`` employee. A notifier that raises never breaks an import.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import Any, Final, Protocol

import attrs

__all__ = ["Notification", "NotificationKind", "Notifier", "SafeNotifier"]

log = logging.getLogger("bigcommerce_connect.notifications")


class NotificationKind(enum.Enum):
    """What kind of attention a notification asks for."""

    ERROR = "error"  # something failed: carries a code (and the store's request id if any)
    ALERT = "alert"  # what a user would have seen as a dialog, e.g. a failed import
    ELECTION = "election"  # the SDK chose one of several matches, or chose an option
    WARNING = "warning"  # credit limit exceeded, stock short, a one-cent rounding difference


@attrs.frozen(kw_only=True)
class Notification:
    """One message for a person, with enough context to act on it."""

    kind: NotificationKind
    code: str
    message: str
    recipient: str = ""
    store: str = ""
    entity: str = ""
    external_id: str = ""
    request_id: str | None = None
    details: Mapping[str, Any] = attrs.field(factory=dict)


class Notifier(Protocol):
    """Where notifications go: the host's inbox, e-mail, task list or log."""

    def notify(self, notification: Notification) -> None:
        """Deliver one notification."""
        ...


#: How many notifications a :class:`SafeNotifier` keeps in ``sent`` (and a run report): enough
#: to read, bounded so a run over a large store stays flat in memory. Every notification is
#: still delivered to the host's notifier.
KEEP_SENT: Final = 1000


class SafeNotifier:
    """Wraps a host notifier so that its failures are logged, never raised into an import.

    ``sent`` keeps the first ``keep`` notifications delivered; ``dropped`` counts the rest.
    """

    def __init__(
        self, inner: Notifier, *, recipient: str = "", store: str = "", keep: int = KEEP_SENT
    ) -> None:
        self._inner = inner
        self._recipient = recipient
        self._store = store
        self._keep = keep
        self.sent: list[Notification] = []
        self.dropped = 0

    def notify(self, notification: Notification) -> None:
        """Address and deliver ``notification``; swallow and log a notifier failure."""
        addressed = attrs.evolve(
            notification,
            recipient=notification.recipient or self._recipient,
            store=notification.store or self._store,
        )
        if len(self.sent) < self._keep:
            self.sent.append(addressed)
        else:
            self.dropped += 1
        try:
            self._inner.notify(addressed)
        except Exception:
            log.exception("the host notifier failed on a %s notification", addressed.kind.value)

    def emit(self, kind: NotificationKind, code: str, message: str, **context: Any) -> None:
        """Build and deliver a notification in one call."""
        self.notify(Notification(kind=kind, code=code, message=message, **context))
