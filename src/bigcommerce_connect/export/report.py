"""What one export did, record by record: action, store ids, admin URL or error; calls; time."""

from __future__ import annotations

import enum
from collections import Counter
from datetime import datetime
from typing import Any, Final

import attrs

__all__ = ["Action", "ContactResult", "ExportReport", "ItemResult", "LevelResult", "admin_url"]

# The control panel opens a record at these paths on the store's permanent
# ``store-{hash}.mybigcommerce.com`` host, which works whatever custom domain the store uses.
_ADMIN_PATHS: Final = {
    "product": "manage/products/{id}/edit",
    "customer": "manage/customers/{id}/edit",
}


def admin_url(store_hash: str | None, kind: str, record_id: int | None) -> str:
    """The control-panel URL that opens a product or customer in a browser ("" if unknown)."""
    if not store_hash or record_id is None:
        return ""
    path = _ADMIN_PATHS[kind].format(id=int(record_id))
    return f"https://store-{store_hash}.mybigcommerce.com/{path}"


class Action(str, enum.Enum):
    """What happened to one record."""

    CREATED = "created"
    UPDATED = "updated"
    LINKED = "linked"  # an existing store record was found (by SKU or e-mail) and bound
    UNCHANGED = "unchanged"  # nothing changed since the last export: nothing was sent
    FAILED = "failed"


@attrs.frozen(kw_only=True)
class ItemResult:
    """The outcome for one ERP item (product export, upload or inventory push)."""

    local_id: str
    sku: str = ""
    action: Action
    product_id: int | None = None
    variant_id: int | None = None
    error: str = ""
    admin_url: str = ""


@attrs.frozen(kw_only=True)
class ContactResult:
    """The outcome for one ERP contact exported as a store customer."""

    local_id: str
    email: str = ""
    action: Action
    customer_id: int | None = None
    customer_group_id: int | None = None
    error: str = ""
    admin_url: str = ""


@attrs.frozen(kw_only=True)
class LevelResult:
    """The outcome for one price level: its customer group and/or price list."""

    level: str
    action: Action
    customer_group_id: int | None = None
    price_list_id: int | None = None
    customers_assigned: int = 0
    records_upserted: int = 0
    failed_skus: tuple[str, ...] = ()
    error: str = ""


Result = ItemResult | ContactResult | LevelResult


@attrs.define
class ExportReport:
    """The outcome of one export run."""

    started_at: datetime | None = None
    items: list[ItemResult] = attrs.field(factory=list)
    contacts: list[ContactResult] = attrs.field(factory=list)
    levels: list[LevelResult] = attrs.field(factory=list)
    api_calls: int = 0
    duration_seconds: float = 0.0

    @property
    def results(self) -> list[Result]:
        """Every per-record result, items first."""
        return [*self.items, *self.contacts, *self.levels]

    @property
    def counts(self) -> dict[str, int]:
        """How many records ended in each action (every action listed, zeros included)."""
        counted = Counter(result.action.value for result in self.results)
        return {action.value: counted.get(action.value, 0) for action in Action}

    @property
    def failed(self) -> list[Result]:
        """The results that failed."""
        return [result for result in self.results if result.action is Action.FAILED]

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return not self.failed

    def item(self, local_id: str) -> ItemResult:
        """The result of one item (raises KeyError if it was not part of the run)."""
        for result in self.items:
            if result.local_id == local_id:
                return result
        raise KeyError(local_id)

    def contact(self, local_id: str) -> ContactResult:
        """The result of one contact (raises KeyError if it was not part of the run)."""
        for result in self.contacts:
            if result.local_id == local_id:
                return result
        raise KeyError(local_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data."""

        def plain(result: Result) -> dict[str, Any]:
            data = attrs.asdict(result)
            data["action"] = result.action.value
            return data

        return {
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "counts": self.counts,
            "api_calls": self.api_calls,
            "duration_seconds": round(self.duration_seconds, 3),
            "items": [plain(r) for r in self.items],
            "contacts": [plain(r) for r in self.contacts],
            "levels": [plain(r) for r in self.levels],
        }
