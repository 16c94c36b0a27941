"""Order statuses: fixed ids 0–14, labels a store may rename.

Always map and write on the id (``{"status_id": N}``); labels are for people. A store's
renamed label ("Ready to Pick") still resolves to its id through :class:`StatusLabels`, and so
do the names the original product's documentation uses (:data:`STATUS_ALIASES`, e.g.
"Verification Required" for status 12).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from bigcommerce_connect.errors import ConnectError, safe_text

__all__ = ["STATUS_ALIASES", "OrderStatus", "StatusLabels", "UnknownStatusError"]


class UnknownStatusError(ConnectError, LookupError):
    """A status name or id matches none of the store's statuses.

    The message lists the names the store knows (``valid_names``), so a typo in the settings
    can be fixed from the error alone.
    """

    def __init__(self, message: str, valid_names: Iterable[str] = ()) -> None:
        self.valid_names = list(valid_names)
        if self.valid_names:
            # A store's labels are its own text: escaped and bounded for a log or a terminal.
            names = ", ".join(safe_text(name, 60) for name in self.valid_names)
            message = f"{message}; valid names: {names}"
        super().__init__(message)


class OrderStatus(enum.IntEnum):
    """BigCommerce's order statuses by their fixed ids."""

    INCOMPLETE = 0
    PENDING = 1
    SHIPPED = 2
    PARTIALLY_SHIPPED = 3
    REFUNDED = 4
    CANCELLED = 5
    DECLINED = 6
    AWAITING_PAYMENT = 7
    AWAITING_PICKUP = 8
    AWAITING_SHIPMENT = 9
    COMPLETED = 10
    AWAITING_FULFILLMENT = 11
    MANUAL_VERIFICATION_REQUIRED = 12
    DISPUTED = 13
    PARTIALLY_REFUNDED = 14

    @property
    def default_label(self) -> str:
        """The label BigCommerce shows before a merchant renames it."""
        return _DEFAULT_LABELS[self]

    @classmethod
    def from_id(cls, status_id: int) -> OrderStatus | None:
        """The enum member for ``status_id``, or None for an id this SDK does not know yet."""
        try:
            return cls(status_id)
        except ValueError:
            return None


_DEFAULT_LABELS: dict[OrderStatus, str] = {
    OrderStatus.INCOMPLETE: "Incomplete",
    OrderStatus.PENDING: "Pending",
    OrderStatus.SHIPPED: "Shipped",
    OrderStatus.PARTIALLY_SHIPPED: "Partially Shipped",
    OrderStatus.REFUNDED: "Refunded",
    OrderStatus.CANCELLED: "Cancelled",
    OrderStatus.DECLINED: "Declined",
    OrderStatus.AWAITING_PAYMENT: "Awaiting Payment",
    OrderStatus.AWAITING_PICKUP: "Awaiting Pickup",
    OrderStatus.AWAITING_SHIPMENT: "Awaiting Shipment",
    OrderStatus.COMPLETED: "Completed",
    OrderStatus.AWAITING_FULFILLMENT: "Awaiting Fulfillment",
    OrderStatus.MANUAL_VERIFICATION_REQUIRED: "Manual Verification Required",
    OrderStatus.DISPUTED: "Disputed",
    OrderStatus.PARTIALLY_REFUNDED: "Partially Refunded",
}


#: Other names for a status, as the original product (and BigCommerce Help, in places) calls
#: it: its "Order Status" list says "Verification Required" where the API says "Manual
#: Verification Required", and American English spells "Canceled".
STATUS_ALIASES: Final[Mapping[str, OrderStatus]] = {
    "Verification Required": OrderStatus.MANUAL_VERIFICATION_REQUIRED,
    "Manual Verification": OrderStatus.MANUAL_VERIFICATION_REQUIRED,
    "Canceled": OrderStatus.CANCELLED,
    "Awaiting Fulfilment": OrderStatus.AWAITING_FULFILLMENT,
}


def _normalise(label: str) -> str:
    return " ".join(label.replace("_", " ").split()).casefold()


@attrs.frozen
class StatusLabels:
    """A store's status labels: resolves a default name, a custom label or an id to the id."""

    custom_labels: Mapping[int, str] = attrs.field(factory=dict)

    @classmethod
    def from_store(cls, statuses: Iterable[tuple[int, str]]) -> StatusLabels:
        """Build from ``(id, custom_label)`` pairs as ``GET /v2/order_statuses`` returns them."""
        return cls({status_id: label for status_id, label in statuses if label})

    def resolve(self, name_or_id: int | str) -> int:
        """The status id for an id, a default name (any case) or the store's custom label."""
        if isinstance(name_or_id, int):
            return self._known_id(name_or_id)
        text = name_or_id.strip()
        if text.isdigit():
            return self._known_id(int(text))
        wanted = _normalise(text)
        # The store's own labels win: a renamed status must resolve to the id the store uses.
        for status_id, label in self.custom_labels.items():
            if _normalise(label) == wanted:
                return status_id
        for status, label in _DEFAULT_LABELS.items():
            if _normalise(label) == wanted or _normalise(status.name) == wanted:
                return int(status)
        for alias, status in STATUS_ALIASES.items():
            if _normalise(alias) == wanted:
                return int(status)
        raise UnknownStatusError(
            f"no order status is called {text!r} in this store", self.valid_names()
        )

    def valid_names(self) -> list[str]:
        """The name of every status the store has, by id: its own label, else the default."""
        ids = sorted({int(status) for status in OrderStatus} | set(self.custom_labels))
        return [self.label(status_id) for status_id in ids]

    def label(self, status_id: int) -> str:
        """What the store shows for ``status_id``: its custom label, else the default one."""
        if status_id in self.custom_labels:
            return self.custom_labels[status_id]
        status = OrderStatus.from_id(status_id)
        return status.default_label if status is not None else f"Status {status_id}"

    def _known_id(self, status_id: int) -> int:
        if OrderStatus.from_id(status_id) is None and status_id not in self.custom_labels:
            raise UnknownStatusError(f"no order status has id {status_id}", self.valid_names())
        return status_id
