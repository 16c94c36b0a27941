"""ERP shipments to store shipments, each exactly once, then an optional final status.

:meth:`ShipmentExporter.export`, one run:

1. **Read** the host's shipments (:class:`~bigcommerce_connect.ports.ShipmentSource`). One
   already bound (entity ``shipment``) was exported: nothing is sent for it. The others are
   grouped by store order (``store_order_id``, or the order binding of ``order_local_id``).
2. Per order, **read the order's store shipments** (one call; 204 when none). A store
   shipment with the same tracking number, lines, quantities and address that no binding
   holds is the one an earlier run made (its answer was lost, or the run died before the
   bind): it is bound, not sent again. The order's lines are read (once) only when a line is
   named by SKU or the shipment names no address.
3. **Create** each remaining shipment: one ``POST /v2/orders/{id}/shipments``, under the
   client's quota governor. The POST is never resent on an unknown outcome (a timeout, a cut,
   empty or unreadable 2xx, a 5xx): the order's shipments are read again first; found, it is
   bound; provably absent, the POST is sent again (at most ``max_resends`` times). A refusal
   (over-shipping a line, an unknown line or address) is that shipment's error, with a
   ``shipment.refused`` notification; the others go on.
4. **Bind** each store shipment to its ERP shipment in one unit of work with the host's
   ``shipment_linked`` hook (when the source has it): both commit or neither.
5. **Final move** (``ShipmentOptions.final_status``, e.g. "Completed", resolved through the
   store's labels): once every listed shipment of an order is bound, the order is read; if
   the store says Shipped it gets one ``PUT {"status_id": N}``. The check is remembered in
   the shipments' bindings (``data["final"]``), so it is done once; an order still Partially
   Shipped is checked again by later runs.

Why exactly once: a shipment is sent only while unbound; before any POST the order's store
shipments are read, and a store shipment is matched to at most one ERP shipment (one bound
already is never matched again), so a crash anywhere (before the POST, after it, before or
after the bind) leaves either no store shipment (sent by the next run) or one, found and
bound by the next run. A run takes the store lock, so two runs never send one shipment at
once. docs/lifecycle.md has the whole argument.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, Final

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import (
    BadRequestError,
    BigCommerceError,
    ConflictError,
    ConnectError,
    NetworkError,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from bigcommerce_connect.export.shipment_lines import (
    LineError,
    OrderLines,
    find_same,
    needs_lines,
    shipment_body,
)
from bigcommerce_connect.export.shipment_report import (
    ShipmentAction,
    ShipmentReport,
    ShipmentResult,
)
from bigcommerce_connect.models import ModelError, NewShipment, Shipment
from bigcommerce_connect.notifications import Notification, NotificationKind, Notifier, SafeNotifier
from bigcommerce_connect.ports import (
    Binding,
    BindingConflictError,
    BindingEntity,
    BindingRepository,
    Clock,
    ShipmentIdSink,
    ShipmentSource,
    StoreLock,
    UnitOfWork,
)
from bigcommerce_connect.shipments import ErpShipment
from bigcommerce_connect.status import OrderStatus, UnknownStatusError

__all__ = [
    "SHIPMENT_LOCK",
    "ShipmentAction",
    "ShipmentExporter",
    "ShipmentOptions",
    "ShipmentReport",
    "ShipmentResult",
]

SHIPMENT: Final = BindingEntity.SHIPMENT.value
ORDER: Final = BindingEntity.ORDER.value
#: The store lock a shipment export holds: one run at a time sends shipments.
SHIPMENT_LOCK: Final = "shipments_export"
#: Store refusals: the shipment cannot be made as it stands (the request never took effect).
_REFUSALS: Final = (BadRequestError, ValidationError, NotFoundError, ConflictError)


@attrs.frozen(kw_only=True)
class ShipmentOptions:
    """How a shipment export runs.

    ``final_status`` (a name, a custom label or an id; None: no final move) is where an order
    goes once all its shipments are in the store and the store says Shipped. ``max_resends``
    bounds how many times one shipment's POST is sent again after its outcome was unknown and
    a read of the order's shipments showed the store had not made it.
    """

    final_status: str | int | None = None
    max_resends: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    lock_name: str = SHIPMENT_LOCK


class _Refused(ConnectError):
    """One shipment the store (or the order's lines) refused: why, and the store's id."""

    def __init__(self, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.request_id = request_id


class _Unresolved(ConnectError):
    """One shipment whose POST's outcome stayed unknown (the next run reads before sending)."""


class _Order:
    """One store order's part of a run: its shipments, the store's, its lines (read once)."""

    def __init__(self, order_id: int, store_shipments: list[Shipment]) -> None:
        self.order_id = order_id
        self.store_shipments = store_shipments
        self.lines: OrderLines | None = None


class _Quiet:
    """The notifier of an exporter built without one: notifications only go to the report."""

    def notify(self, notification: Notification) -> None:
        """Drop it (the report has every result)."""


class ShipmentExporter:
    """Exports the host's shipments to the store, each exactly once (see the module)."""

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        source: ShipmentSource,
        bindings: BindingRepository,
        unit_of_work: UnitOfWork,
        clock: Clock,
        lock: StoreLock | None = None,
        notifier: Notifier | None = None,
        options: ShipmentOptions | None = None,
        recipient: str = "",
        store: str = "",
    ) -> None:
        self.client = client
        self.source = source
        self.bindings = bindings
        self.unit_of_work = unit_of_work
        self.clock = clock
        self.lock = lock
        self.options = options or ShipmentOptions()
        self.notifier = SafeNotifier(notifier or _Quiet(), recipient=recipient, store=store)
        self._final_status: int | None = None

    @classmethod
    def from_erp(
        cls,
        client: BigCommerceClient,
        erp: Any,
        *,
        clock: Clock,
        options: ShipmentOptions | None = None,
        recipient: str = "",
        store: str = "",
    ) -> ShipmentExporter:
        """An exporter over an ERP object with the ports as attributes (``MemoryErp``...).

        It needs ``shipment_source``, ``bindings`` and ``unit_of_work``; ``lock`` and
        ``notifier`` are used when present.
        """
        source = getattr(erp, "shipment_source", None)
        if source is None:
            raise ValueError("this ERP has no shipment_source: it cannot export shipments")
        return cls(
            client,
            source=source,
            bindings=erp.bindings,
            unit_of_work=erp.unit_of_work,
            clock=clock,
            lock=getattr(erp, "lock", None),
            notifier=getattr(erp, "notifier", None),
            options=options,
            recipient=recipient,
            store=store,
        )

    # -- the run -------------------------------------------------------------------------

    def export(
        self, local_ids: Sequence[str] | None = None, *, dry_run: bool = False
    ) -> ShipmentReport:
        """Export every unbound shipment (or only ``local_ids``); one result per shipment.

        A dry run reads the store but writes nothing, to the store or the ERP.
        """
        report = ShipmentReport(started_at=self.clock.now(), dry_run=dry_run)
        calls, started = self.client.api_calls, time.monotonic()
        owner = f"shipments-{uuid.uuid4().hex}"
        locked = self.lock is not None and not dry_run
        if locked and not self._acquire(owner):
            report.errors.append(
                f"another shipment export holds the store lock {self.options.lock_name!r}"
            )
            return report
        try:
            self._run(report, local_ids)
        finally:
            if locked and self.lock is not None:
                self.lock.release(self.options.lock_name, owner)
        report.api_calls = self.client.api_calls - calls
        report.duration_seconds = time.monotonic() - started
        return report

    def _acquire(self, owner: str) -> bool:
        return self.lock is not None and self.lock.try_acquire(self.options.lock_name, owner)

    def _run(self, report: ShipmentReport, local_ids: Sequence[str] | None) -> None:
        shipments = list(self.source.shipments(local_ids))
        by_order: dict[int, list[ErpShipment]] = {}
        for shipment in shipments:
            order_id = self._plan(report, shipment)
            if order_id is not None:
                by_order.setdefault(order_id, []).append(shipment)
        for order_id, todo in by_order.items():
            self._export_order(report, order_id, todo)
        if self.options.final_status is not None:
            self._final_moves(report, shipments)

    def _plan(self, report: ShipmentReport, shipment: ErpShipment) -> int | None:
        """The store order of a shipment still to export; None when done or unknown."""
        binding = self.bindings.get_by_local(SHIPMENT, shipment.local_id)
        if binding is not None:
            report.add(
                ShipmentResult(
                    local_id=shipment.local_id,
                    action=ShipmentAction.ALREADY_EXPORTED,
                    order_id=_int_or_none(binding.data.get("order_id")),
                    shipment_id=_int_or_none(binding.external_id),
                )
            )
            return None
        order_id = self._order_id(shipment)
        if order_id is None:
            message = (
                f"shipment {shipment.local_id}: ERP order {shipment.order_local_id!r} is not "
                "bound to a store order (import the order first)"
            )
            self._fail(report, shipment, None, message)
        return order_id

    def _order_id(self, shipment: ErpShipment) -> int | None:
        if shipment.store_order_id is not None:
            return shipment.store_order_id
        binding = self.bindings.get_by_local(ORDER, shipment.order_local_id)
        return None if binding is None else _int_or_none(binding.external_id)

    # -- one order -----------------------------------------------------------------------

    def _export_order(
        self, report: ShipmentReport, order_id: int, shipments: list[ErpShipment]
    ) -> None:
        try:
            order = _Order(order_id, list(self.client.shipments.list(order_id)))
        except (BigCommerceError, ModelError) as error:
            # Nothing was sent: every shipment of the order waits for the next run.
            for shipment in shipments:
                message = f"the shipments of order {order_id} could not be read: {error}"
                self._fail(report, shipment, order_id, message)
            return
        for shipment in shipments:
            self._export_one(report, order, shipment)

    def _export_one(self, report: ShipmentReport, order: _Order, shipment: ErpShipment) -> None:
        try:
            body = shipment_body(shipment, self._lines(order, shipment))
        except LineError as error:
            self._refused(report, shipment, order.order_id, _Refused(str(error)))
            return
        except (BigCommerceError, ModelError) as error:
            message = f"the lines of order {order.order_id} could not be read: {error}"
            self._fail(report, shipment, order.order_id, message)
            return
        found = find_same(order.store_shipments, body, self._taken(order))
        if report.dry_run:
            detail = "in the store already: would be bound" if found else "would be created"
            self._planned(report, shipment, order.order_id, found, detail)
            return
        if found is not None:
            self._bind(report, order, shipment, body, found, ShipmentAction.FOUND)
            return
        self._create(report, order, shipment, body)

    def _lines(self, order: _Order, shipment: ErpShipment) -> OrderLines | None:
        if not needs_lines(shipment):
            return None
        if order.lines is None:
            order.lines = OrderLines(order.order_id, self.client.orders.products(order.order_id))
        return order.lines

    def _taken(self, order: _Order) -> set[int]:
        """The order's store shipments some ERP shipment is bound to already."""
        return {
            candidate.id
            for candidate in order.store_shipments
            if self.bindings.get(SHIPMENT, str(candidate.id)) is not None
        }

    def _create(
        self, report: ShipmentReport, order: _Order, shipment: ErpShipment, body: NewShipment
    ) -> None:
        try:
            made, action = self._send(order, body)
        except _Refused as refusal:
            self._refused(report, shipment, order.order_id, refusal)
            return
        except _Unresolved as unknown:
            self._fail(report, shipment, order.order_id, str(unknown), "shipment.unresolved")
            return
        except BigCommerceError as error:  # not sent (a rate limit left, a refused connect...)
            message = f"shipment {shipment.local_id} was not sent: {error}"
            self._fail(report, shipment, order.order_id, message)
            return
        self._bind(report, order, shipment, body, made, action)

    def _send(self, order: _Order, body: NewShipment) -> tuple[Shipment, ShipmentAction]:
        """One POST; on an unknown outcome, read the order's shipments before any resend."""
        for _attempt in range(1 + self.options.max_resends):
            try:
                return self.client.shipments.create(order.order_id, body), ShipmentAction.CREATED
            except _REFUSALS as error:
                raise _Refused(str(error), error.request_id) from None
            except (NetworkError, ServerError, UnexpectedResponseError, ModelError) as error:
                if isinstance(error, NetworkError) and error.kind == "connect":
                    raise  # never connected: the store did not act, the next run sends it
                cause: Exception = error
            # The outcome is unknown: the store may have made it. Read before any resend.
            found = self._look_again(order, body, cause)
            if found is not None:
                return found, ShipmentAction.FOUND
            # Read after the failure and not there: the store did not make it, send again.
        raise _Unresolved(
            f"order {order.order_id}: the store's answers to {1 + self.options.max_resends} "
            "POSTs were lost and none of them made the shipment; the next run tries again"
        )

    def _look_again(self, order: _Order, body: NewShipment, cause: Exception) -> Shipment | None:
        """Re-read the order's shipments after an unknown outcome: the match, if it is there."""
        try:
            order.store_shipments = list(self.client.shipments.list(order.order_id))
        except (BigCommerceError, ModelError) as error:
            raise _Unresolved(
                f"order {order.order_id}: the outcome of a shipment POST is unknown ({cause}) "
                f"and its shipments could not be read ({error}); the next run reads them "
                "before sending it again"
            ) from None
        return find_same(order.store_shipments, body, self._taken(order))

    def _bind(
        self,
        report: ShipmentReport,
        order: _Order,
        shipment: ErpShipment,
        body: NewShipment,
        made: Shipment,
        action: ShipmentAction,
    ) -> None:
        """Write the binding (and the host's store ids) in one unit of work."""
        if order.lines is not None:
            order.lines.sent(body)
        if all(known.id != made.id for known in order.store_shipments):
            order.store_shipments.append(made)
        try:
            with self.unit_of_work.transaction():
                self.bindings.bind(self._binding(order.order_id, shipment, made))
                if isinstance(self.source, ShipmentIdSink):
                    self.source.shipment_linked(shipment.local_id, order.order_id, made.id)
        except BindingConflictError as error:
            self._fail(report, shipment, order.order_id, f"not bound: {error}")
            return
        report.add(
            ShipmentResult(
                local_id=shipment.local_id,
                action=action,
                order_id=order.order_id,
                shipment_id=made.id,
            )
        )

    def _binding(self, order_id: int, shipment: ErpShipment, made: Shipment) -> Binding:
        data: dict[str, Any] = {"order_id": order_id}
        if shipment.shipped_at is not None:
            data["shipped_at"] = shipment.shipped_at.isoformat()
        if self.options.final_status is not None:
            data["final"] = False  # the order's final move is still to check
        return Binding(
            entity=SHIPMENT,
            external_id=str(made.id),
            local_id=shipment.local_id,
            external_modified=made.date_created,
            synced_at=self.clock.now(),
            data=data,
        )

    # -- the final move ------------------------------------------------------------------

    def _final_moves(self, report: ShipmentReport, shipments: list[ErpShipment]) -> None:
        """Move each order whose shipments are all bound and that the store says is Shipped."""
        for order_id, bindings in self._orders_to_finish(shipments):
            if report.dry_run:
                report.final_moves_planned.append(order_id)
                continue
            try:
                self._finish(report, order_id, bindings)
            except UnknownStatusError as error:
                report.errors.append(f"final status: {error}")
                return
            except (BigCommerceError, ModelError) as error:
                message = f"order {order_id}: the final status move failed: {error}"
                report.errors.append(message)
                self._notify("shipment.final_status.error", message, str(order_id), ORDER)

    def _orders_to_finish(
        self, shipments: list[ErpShipment]
    ) -> Iterator[tuple[int, list[Binding]]]:
        """Orders whose listed shipments are all bound, one still waiting for its check."""
        by_order: dict[int, list[Binding | None]] = {}
        for shipment in shipments:
            binding = self.bindings.get_by_local(SHIPMENT, shipment.local_id)
            order_id = self._order_id(shipment)
            if binding is not None:
                order_id = _int_or_none(binding.data.get("order_id")) or order_id
            if order_id is not None:
                by_order.setdefault(order_id, []).append(binding)
        for order_id, found in by_order.items():
            bound = [binding for binding in found if binding is not None]
            if len(bound) == len(found) and any(b.data.get("final") is False for b in bound):
                yield order_id, bound

    def _finish(self, report: ShipmentReport, order_id: int, bindings: list[Binding]) -> None:
        status = self.client.orders.get(order_id, embed_lines=False).status_id
        if status == OrderStatus.PARTIALLY_SHIPPED:
            return  # the store waits for more: a later run checks again
        if status == OrderStatus.SHIPPED:
            self.client.orders.move(order_id, self._final_status_id())
            report.final_moves.append(order_id)
        # Moved on, by us now or by anyone before (Completed, Cancelled...): checked for good.
        with self.unit_of_work.transaction():
            for binding in bindings:
                self.bindings.bind(attrs.evolve(binding, data={**binding.data, "final": True}))

    def _final_status_id(self) -> int:
        if self._final_status is None:
            wanted = self.options.final_status
            assert wanted is not None  # only asked when a final status is set
            self._final_status = self.client.order_statuses.labels().resolve(wanted)
        return self._final_status

    # -- outcomes ------------------------------------------------------------------------

    def _planned(
        self,
        report: ShipmentReport,
        shipment: ErpShipment,
        order_id: int,
        found: Shipment | None,
        detail: str,
    ) -> None:
        report.add(
            ShipmentResult(
                local_id=shipment.local_id,
                action=ShipmentAction.PLANNED,
                order_id=order_id,
                shipment_id=None if found is None else found.id,
                detail=detail,
            )
        )

    def _refused(
        self, report: ShipmentReport, shipment: ErpShipment, order_id: int, refusal: _Refused
    ) -> None:
        message = f"shipment {shipment.local_id} for order {order_id} was refused: {refusal}"
        report.add(
            ShipmentResult(
                local_id=shipment.local_id,
                action=ShipmentAction.REFUSED,
                order_id=order_id,
                error=message,
            )
        )
        if not report.dry_run:
            self._notify(
                "shipment.refused", message, shipment.local_id, request_id=refusal.request_id
            )

    def _fail(
        self,
        report: ShipmentReport,
        shipment: ErpShipment,
        order_id: int | None,
        message: str,
        code: str = "shipment.error",
    ) -> None:
        report.add(
            ShipmentResult(
                local_id=shipment.local_id,
                action=ShipmentAction.FAILED,
                order_id=order_id,
                error=message,
            )
        )
        if not report.dry_run:
            self._notify(code, message, shipment.local_id)

    def _notify(
        self,
        code: str,
        message: str,
        external_id: str,
        entity: str = SHIPMENT,
        request_id: str | None = None,
    ) -> None:
        self.notifier.emit(
            NotificationKind.ERROR,
            code,
            message,
            entity=entity,
            external_id=external_id,
            request_id=request_id,
        )


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
