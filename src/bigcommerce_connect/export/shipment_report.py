"""What one shipment export did: one result per ERP shipment, the final moves, the counts."""

from __future__ import annotations

import enum
from collections import Counter
from datetime import datetime
from typing import Any

import attrs

__all__ = ["ShipmentAction", "ShipmentReport", "ShipmentResult"]


class ShipmentAction(str, enum.Enum):
    """What happened to one ERP shipment."""

    CREATED = "created"  # one POST made the store shipment, and it was bound
    FOUND = "found"  # the store had it already (a lost answer, a crash before the bind): bound
    ALREADY_EXPORTED = "already_exported"  # bound before this run: nothing sent
    REFUSED = "refused"  # the store (or the order's lines) cannot take it as it stands
    FAILED = "failed"  # not sent, or its outcome not known yet: the next run tries again
    PLANNED = "planned"  # a dry run: would be created (or found and bound)


@attrs.frozen(kw_only=True)
class ShipmentResult:
    """The outcome for one ERP shipment."""

    local_id: str
    action: ShipmentAction
    order_id: int | None = None
    shipment_id: int | None = None
    error: str = ""
    detail: str = ""


@attrs.define
class ShipmentReport:
    """The outcome of one shipment export run.

    ``final_moves`` lists the orders moved to the final status; ``final_moves_planned`` the
    orders a dry run would check for it; ``errors`` what stopped the run or a final move.
    """

    started_at: datetime | None = None
    dry_run: bool = False
    results: list[ShipmentResult] = attrs.field(factory=list)
    final_moves: list[int] = attrs.field(factory=list)
    final_moves_planned: list[int] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)
    api_calls: int = 0
    duration_seconds: float = 0.0

    def add(self, result: ShipmentResult) -> None:
        """Record one shipment's outcome."""
        self.results.append(result)

    @property
    def counts(self) -> dict[str, int]:
        """Shipments per action (every action listed, zeros included) and the final moves."""
        counted = Counter(result.action.value for result in self.results)
        counts = {action.value: counted.get(action.value, 0) for action in ShipmentAction}
        counts["final_moves"] = len(self.final_moves)
        return counts

    @property
    def failed(self) -> list[ShipmentResult]:
        """The shipments refused or failed."""
        bad = (ShipmentAction.REFUSED, ShipmentAction.FAILED)
        return [result for result in self.results if result.action in bad]

    @property
    def ok(self) -> bool:
        """True when no shipment was refused or failed and nothing stopped the run."""
        return not self.failed and not self.errors

    def result(self, local_id: str) -> ShipmentResult:
        """The result of one shipment (raises KeyError if it was not part of the run)."""
        for result in self.results:
            if result.local_id == local_id:
                return result
        raise KeyError(local_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data."""

        def plain(result: ShipmentResult) -> dict[str, Any]:
            data = attrs.asdict(result)
            data["action"] = result.action.value
            return data

        return {
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "final_moves": list(self.final_moves),
            "final_moves_planned": list(self.final_moves_planned),
            "errors": list(self.errors),
            "api_calls": self.api_calls,
            "duration_seconds": round(self.duration_seconds, 3),
            "shipments": [plain(result) for result in self.results],
        }
