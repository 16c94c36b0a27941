"""Inventory push: ERP stock to the store, only what changed, in as few calls as possible.

:meth:`InventoryPusher.push`:

1. takes a **fresh snapshot** from the ERP's :class:`~bigcommerce_connect.ports.StockSource`
   at push time (never a value read earlier in the run);
2. keeps only items whose quantity differs from the last value pushed for them (the
   per-item, per-location marker), so an untouched item is never re-sent;
3. sends **absolute** adjustments (by variant id when the item is bound, else by SKU),
   grouped by location, at most 2,000 items a request;
4. marks items pushed only after their request succeeded.

If the store refuses some items of a batch (it refuses the whole batch), the others are sent
again without them; a refused item whose product tracks stock at product level (it has a
product binding) falls back to the catalog: ``inventory_level`` through the product batch
update (10 a request; the catalog only writes the default location).

Without the Store Inventory scope (the adjustment answers 403) every item goes through the
catalog instead, with one warning per push: ``inventory_level`` through the variant batch
update (50 a request; an item not bound yet is found by SKU first), or the product batch
update for a product bound without its variant. Products (modify) is then the scope needed.

Trade-off (absolute values vs. deltas): an absolute value can overwrite a store sale that
happened between the snapshot and the write. Reading the snapshot at push time shrinks that
window to the length of the request, and pushing only changed items means a store sale on an
item the ERP did not touch is never overwritten. The ERP stays the source of truth: the sale's
order import lowers the ERP stock, and the next push sends the corrected value. Deltas would
avoid the window but drift forever after one lost or doubled request, and a relative
adjustment on a SKU new to a location is rejected (failure modes 20 and 21).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from bigcommerce_connect.batch import chunked
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import ApiError, PermissionDeniedError, ValidationError
from bigcommerce_connect.export.batching import Accepted, send_batch
from bigcommerce_connect.export.report import Action, ExportReport, ItemResult
from bigcommerce_connect.models import AdjustmentResult, InventoryAdjustment, ModelError
from bigcommerce_connect.ports import (
    BindingEntity,
    BindingRepository,
    Clock,
    StockLevel,
    StockSource,
)
from bigcommerce_connect.resources import PRODUCT_BATCH_MAX, VARIANT_BATCH_MAX, adjustment_batches

__all__ = ["INVENTORY_SCOPE_MISSING", "InventoryPusher"]

_DEFAULT_LOCATION: Final = 1
#: The warning's code when stock goes through the catalog for want of the inventory scope.
INVENTORY_SCOPE_MISSING: Final = "inventory.scope.missing"
_log = logging.getLogger(__name__)


def _log_warning(code: str, message: str) -> None:
    _log.warning("%s: %s", code, message)


@attrs.frozen
class _Push:
    """One changed stock level and the adjustment that carries it."""

    level: StockLevel
    adjustment: InventoryAdjustment
    product_id: int | None  # set when the item is a product-level item (catalog fallback)
    variant_id: int | None


class InventoryPusher:
    """Pushes ERP stock to the store so it shows low or out of stock in time.

    ``warn(code, message)`` receives the push's warnings (default: the log), such as the one
    :data:`INVENTORY_SCOPE_MISSING` warning of a push that went through the catalog.
    """

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        stock: StockSource,
        bindings: BindingRepository,
        clock: Clock,
        reason: str = "ERP stock sync",
        warn: Callable[[str, str], None] = _log_warning,
    ) -> None:
        self.client = client
        self.stock = stock
        self.bindings = bindings
        self.clock = clock
        self.reason = reason
        self.warn = warn
        self._no_inventory_scope: PermissionDeniedError | None = None

    def push(self, local_ids: Sequence[str] | None = None) -> ExportReport:
        """Push every changed item (or only ``local_ids``); one result per changed item."""
        report = ExportReport(started_at=self.clock.now())
        calls, started = self.client.api_calls, time.monotonic()
        self._no_inventory_scope = None  # asked again every push: the scope may be granted
        pushes: list[_Push] = []
        for level in self.stock.stock_snapshot(local_ids):
            if self.stock.stock_pushed(level.local_id, level.location_id) == level.quantity:
                continue
            planned = self._plan(level)
            if isinstance(planned, ItemResult):
                report.items.append(planned)
            else:
                pushes.append(planned)
        by_adjustment = {id(p.adjustment): p for p in pushes}
        for batch in adjustment_batches(p.adjustment for p in pushes):
            report.items.extend(self._send([by_adjustment[id(a)] for a in batch]))
        report.api_calls = self.client.api_calls - calls
        report.duration_seconds = time.monotonic() - started
        return report

    def _plan(self, level: StockLevel) -> _Push | ItemResult:
        product = self.bindings.get_by_local(BindingEntity.PRODUCT, level.local_id)
        variant = self.bindings.get_by_local(BindingEntity.VARIANT, level.local_id)
        variant_id = int(variant.external_id) if variant is not None else None
        # A negative ERP stock (oversold) shows as 0: absolute stock cannot be negative.
        quantity = max(level.quantity, 0)
        try:
            adjustment = InventoryAdjustment(
                location_id=level.location_id,
                quantity=quantity,
                variant_id=variant_id,
                sku=None if variant_id is not None else level.sku,
            )
        except ModelError as error:
            return _result(level, Action.FAILED, error=f"invalid stock level: {error}")
        product_id = int(product.external_id) if product is not None else None
        return _Push(level, adjustment, product_id, variant_id)

    def _send(self, batch: list[_Push]) -> list[ItemResult]:
        """Send one request; on a refusal, resend without the refused items.

        Items the store refused (422) may still be written through the catalog; items of a
        request that failed otherwise fail.
        """
        if self._no_inventory_scope is not None:
            return self._through_catalog(batch)
        results: list[ItemResult] = []
        for event in send_batch(self._adjust, [p.adjustment for p in batch]):
            if isinstance(event, Accepted):
                results.extend(self._pushed([batch[n] for n in event.indexes]))
                continue
            failed = [batch[n] for n in event.reasons]
            if isinstance(event.error, PermissionDeniedError):
                self._scope_missing(event.error)
                results.extend(self._through_catalog(failed))
            elif isinstance(event.error, ValidationError):
                results.extend(self._fallback(failed, str(event.error)))
            else:
                results.extend(
                    _result(p.level, Action.FAILED, error=str(event.error)) for p in failed
                )
        return results

    def _adjust(self, adjustments: list[InventoryAdjustment]) -> AdjustmentResult:
        return self.client.inventory.adjust_absolute(adjustments, reason=self.reason)

    def _pushed(self, batch: list[_Push]) -> list[ItemResult]:
        self.stock.mark_stock_pushed([p.level for p in batch], self.clock.now())
        return [
            _result(p.level, Action.UPDATED, product_id=p.product_id, variant_id=p.variant_id)
            for p in batch
        ]

    def _scope_missing(self, error: PermissionDeniedError) -> None:
        """Remember the push has no inventory scope, and say so once."""
        self._no_inventory_scope = error
        self.warn(
            INVENTORY_SCOPE_MISSING,
            f"the API account lacks {error.scope}: stock goes through the catalog's inventory "
            "level (Products modify) instead; grant Store Inventory (modify) for locations",
        )

    def _through_catalog(self, pushes: list[_Push]) -> list[ItemResult]:
        """Write stock as variants' ``inventory_level`` (the product's for a product binding)."""
        reason = str(self._no_inventory_scope or "no inventory scope")
        results: list[ItemResult] = []
        by_variant: list[tuple[_Push, int]] = []
        by_product: list[_Push] = []
        for p in pushes:
            if p.level.location_id != _DEFAULT_LOCATION:
                results.append(
                    _result(
                        p.level,
                        Action.FAILED,
                        error=f"{reason}; the catalog only writes the default location",
                    )
                )
                continue
            variant_id = p.variant_id if p.variant_id is not None else self._variant_of(p)
            if variant_id is not None:
                by_variant.append((p, variant_id))
            elif p.product_id is not None:
                by_product.append(p)
            else:
                results.append(_result(p.level, Action.FAILED, error=f"{reason}; unknown SKU"))
        for chunk in chunked(by_variant, VARIANT_BATCH_MAX):
            results.extend(self._variant_levels(chunk, reason))
        if by_product:
            results.extend(self._fallback(by_product, reason))
        return results

    def _variant_of(self, push: _Push) -> int | None:
        """The variant id of an item without a binding, found by its SKU (one call)."""
        if push.product_id is not None or not push.level.sku:
            return None
        try:
            found = self.client.variants.by_sku(push.level.sku)
        except ApiError:
            return None
        return found[0].id if len(found) == 1 else None

    def _variant_levels(self, chunk: list[tuple[_Push, int]], reason: str) -> list[ItemResult]:
        """One variant batch update of ``inventory_level``; results per item."""
        body: list[Mapping[str, Any]] = [
            {"id": variant_id, "inventory_level": p.adjustment.quantity} for p, variant_id in chunk
        ]
        try:
            outcome = self.client.variants.update_batch(body)
        except ApiError as error:
            return [_result(p.level, Action.FAILED, error=f"{reason}; {error}") for p, _ in chunk]
        written = {row.get("id") for row in outcome.data if isinstance(row, dict)}
        done = [p for p, variant_id in chunk if outcome.ok or variant_id in written]
        failed = [
            _result(p.level, Action.FAILED, error=f"{reason}; catalog fallback failed too")
            for p, _ in chunk
            if p not in done
        ]
        return [*self._pushed(done), *failed]

    def _fallback(self, refused: list[_Push], reason: str) -> list[ItemResult]:
        """Write refused product-level items through the catalog's ``inventory_level``."""
        results: list[ItemResult] = []
        usable = [
            p
            for p in refused
            if p.product_id is not None and p.level.location_id == _DEFAULT_LOCATION
        ]
        for p in refused:
            if p not in usable:
                results.append(_result(p.level, Action.FAILED, error=reason))
        for chunk in chunked(usable, PRODUCT_BATCH_MAX):
            body: list[Mapping[str, Any]] = [
                {"id": p.product_id, "inventory_level": p.adjustment.quantity} for p in chunk
            ]
            try:
                outcome = self.client.products.update_batch(body)
            except ApiError as error:
                results.extend(_result(p.level, Action.FAILED, error=str(error)) for p in chunk)
                continue
            written = {row.get("id") for row in outcome.data if isinstance(row, dict)}
            done = [p for p in chunk if outcome.ok or p.product_id in written]
            results.extend(self._pushed(done))
            results.extend(
                _result(p.level, Action.FAILED, error=f"{reason}; catalog fallback failed too")
                for p in chunk
                if p not in done
            )
        return results


def _result(
    level: StockLevel,
    action: Action,
    *,
    error: str = "",
    product_id: int | None = None,
    variant_id: int | None = None,
) -> ItemResult:
    return ItemResult(
        local_id=level.local_id,
        sku=level.sku,
        action=action,
        error=error,
        product_id=product_id,
        variant_id=variant_id,
    )
