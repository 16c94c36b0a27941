"""Store -> ERP: changes to orders already imported, delivered to the host exactly once.

An imported order lives on in the store: it is cancelled, declined, refunded (in full or in
part), disputed, re-addressed, its lines edited. :class:`ChangeTracker` turns what the store
says about a bound order *now* into :class:`~bigcommerce_connect.order_changes.OrderChange`
records and delivers each once: to the host's
:class:`~bigcommerce_connect.ports.OrderChanges` port (when it has one) and as an ALERT
notification. Two paths feed it, with one result:

* webhooks (``store/order/statusUpdated``, ``store/order/updated``,
  ``store/order/refund/created``): :class:`~.webhooks.WebhookHandler` re-reads the order and
  hands it here; the payload is trusted for nothing but the id;
* polling, for hosts without webhooks: :class:`OrderChangeStream` lists the orders modified
  since its cursor (every status, id keyset, lines embedded: one call when nothing changed)
  and hands the bound ones here.

Exactly once. What the host was last told about an order (its status, digests of its
addresses and lines, its refund ids and refunded amount, the store's ``date_modified``) is kept
in the order's binding (``Binding.data["changes"]``). Inside one unit of work the tracker
re-reads that binding, compares, applies each new change, records the change's key in the
webhook receipts (when the host has them) and writes the new state into the binding. A
crash before the commit rolls all of it back, so the rerun delivers the change again, once; a
second path (or a second process) that saw the same change finds it in the state, or its key
in the receipts, and delivers nothing. An observation older than the state (a re-read that
lost a race with a newer one) is dropped, so the state never goes back.

The first sighting of a bound order is its baseline: its addresses and lines are recorded,
not delivered; a status that is itself a change (cancelled, refunded ...) and refunds already
made are delivered. The runner's changes stage runs right after the import, so an imported
order is usually baselined seconds after its import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.models import Order, Refund, ShippingAddress, unstructure
from bigcommerce_connect.models.orders import POSTAL_FIELDS
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.order_changes import STATUS_KINDS, OrderChange, OrderChangeKind
from bigcommerce_connect.ports import Binding, BindingEntity
from bigcommerce_connect.status import OrderStatus
from bigcommerce_connect.sync.context import SyncContext
from bigcommerce_connect.sync.quarantine import clean_text
from bigcommerce_connect.sync.wire_ids import wire_id

__all__ = [
    "CHANGES_STREAM",
    "STATE_KEY",
    "ChangeTracker",
    "OrderChangeStream",
    "OrderState",
    "diff_order",
]

#: The sync-state stream holding the changes stream's cursor.
CHANGES_STREAM: Final = "orders.changes"
#: Where an order binding's data keeps what the host was last told.
STATE_KEY: Final = "changes"

_ORDER: Final = BindingEntity.ORDER
_REFUND_KINDS: Final = frozenset({OrderChangeKind.REFUNDED, OrderChangeKind.PARTIALLY_REFUNDED})
# What a line edit changes; quantities shipped or refunded change with shipments and refunds.
_LINE_FIELDS: Final = (
    "product_id",
    "variant_id",
    "sku",
    "name",
    "quantity",
    "price_ex_tax",
    "price_inc_tax",
    "product_options",
    "order_address_id",
)


@attrs.frozen(kw_only=True)
class OrderState:
    """What the host was last told about one order (kept in its binding's data)."""

    modified: int | None = None  # the store's date_modified, Unix seconds
    status: int | None = None
    billing: str = ""
    shipping: Mapping[str, str] = attrs.field(factory=dict)
    lines: Mapping[str, str] = attrs.field(factory=dict)
    refunds: tuple[int, ...] = ()
    refunded: str = "0"

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> OrderState | None:
        """The state kept in a binding's data; None when there is none (or it is unreadable)."""
        raw = data.get(STATE_KEY)
        if not isinstance(raw, Mapping):
            return None
        try:
            Decimal(str(raw.get("refunded", "0")))  # a number, or the state is damaged
            return cls(
                modified=_int_or_none(raw.get("modified")),
                status=_int_or_none(raw.get("status")),
                billing=str(raw.get("billing", "")),
                shipping={str(k): str(v) for k, v in dict(raw.get("shipping") or {}).items()},
                lines={str(k): str(v) for k, v in dict(raw.get("lines") or {}).items()},
                refunds=tuple(int(r) for r in raw.get("refunds") or ()),
                refunded=str(raw.get("refunded", "0")),
            )
        except (TypeError, ValueError, ArithmeticError):
            return None  # written by hand or damaged: start again from a baseline

    def dump(self) -> dict[str, Any]:
        """Plain JSON data for the binding."""
        return {
            "modified": self.modified,
            "status": self.status,
            "billing": self.billing,
            "shipping": dict(self.shipping),
            "lines": dict(self.lines),
            "refunds": list(self.refunds),
            "refunded": self.refunded,
        }


def diff_order(
    order: Order, state: OrderState | None, refunds: Sequence[Refund] | None
) -> tuple[list[OrderChange], OrderState]:
    """The changes ``order`` shows against ``state``, and the state after delivering them.

    ``refunds`` are the order's refunds as the store lists them, or None when they were not
    read (nothing suggested a new one). Without a state the order is seen for the first time:
    its addresses and lines become the baseline.
    """
    new_refunds = _new_refunds(state, refunds)
    changes = [_refund_change(order, refund, refunds or ()) for refund in new_refunds]
    kind = STATUS_KINDS.get(order.status_id) if order.status_id is not None else None
    status_moved = state is None or state.status != order.status_id
    # A refund that moved the status is one change (the refund), not two.
    if kind is not None and status_moved and not (new_refunds and kind in _REFUND_KINDS):
        changes.append(_change(order, kind, f"order-change {order.id} {kind.value} {_unix(order)}"))
    now = _state_of(order, state, refunds)
    if state is not None:
        changes.extend(_edits(order, state, now))
    return changes, now


class ChangeTracker:
    """Delivers each store-side change of a bound order once (see the module)."""

    def __init__(self, context: SyncContext) -> None:
        self.ctx = context

    def observe(self, order: Order, *, refund_hint: bool = False) -> int:
        """Deliver what changed on ``order`` (read from the store just now); return how many.

        An order that is not bound (not imported) has no changes. ``refund_hint`` (a refund
        webhook) reads the order's refunds even when its refunded amount looks unchanged.
        """
        binding = self.ctx.ports.bindings.get(_ORDER, str(order.id))
        if binding is None:
            return 0
        state = OrderState.load(binding.data)
        if _stale(order, state):
            return 0
        refunds = self._refunds(order, state, refund_hint)
        if self.ctx.preview:
            return self._plan(order, state, refunds)
        changes, now = diff_order(order, state, refunds)
        if not changes and now == state:
            return 0  # seen as it is (an overlap's re-read): no unit of work to open
        return self._deliver(order, refunds)

    def _refunds(self, order: Order, state: OrderState | None, hint: bool) -> list[Refund] | None:
        """The order's refunds, read only when something says there is a new one."""
        refunded = order.refunded_amount or Decimal(0)
        known = Decimal(state.refunded) if state is not None else Decimal(0)
        if not hint and refunded == known:
            return None
        return self.ctx.client.refunds.for_order(order.id)

    def _plan(self, order: Order, state: OrderState | None, refunds: list[Refund] | None) -> int:
        changes, _ = diff_order(order, state, refunds)
        for change in changes:
            self.ctx.report.plan(_ORDER, order.id, "change", change.kind.value)
            _count(self.ctx, change)
        return len(changes)

    def _deliver(self, order: Order, refunds: list[Refund] | None) -> int:
        ctx = self.ctx
        delivered: list[OrderChange] = []
        with ctx.transaction():
            # Read again inside the unit of work: another path may have delivered meanwhile.
            binding = ctx.ports.bindings.get(_ORDER, str(order.id))
            if binding is None:
                return 0
            state = OrderState.load(binding.data)
            if _stale(order, state):
                return 0
            changes, now = diff_order(order, state, refunds)
            for change in changes:
                if self._apply(binding, change):
                    delivered.append(change)
            if now != state:
                data = {**binding.data, STATE_KEY: now.dump()}
                ctx.ports.bindings.bind(attrs.evolve(binding, data=data))
        for change in delivered:  # counted once the unit of work committed
            _count(ctx, change)
        return len(delivered)

    def _apply(self, binding: Binding, change: OrderChange) -> bool:
        """Apply, record and notify one change inside the unit of work; False if seen before."""
        ports = self.ctx.ports
        receipts = ports.webhook_receipts
        if receipts is not None and receipts.has_seen(change.key):
            return False
        if ports.order_changes is not None:
            ports.order_changes.apply(binding.local_id, change)
        if receipts is not None:
            receipts.record(change.key)
        # Inside the unit of work: a notifier writing to the same storage (SqliteNotifier)
        # commits with the change, so the notification is exactly once too.
        self.ctx.notify(
            NotificationKind.ALERT,
            f"order.changed.{change.kind.value}",
            _message(change, binding.local_id),
            entity=_ORDER,
            external_id=str(change.order_id),
            details={"kind": change.kind.value, "key": change.key, "local_id": binding.local_id},
        )
        return True


class OrderChangeStream:
    """Polling for hosts without webhooks: bound orders modified since the stream's cursor.

    One listing of every status (``min_date_modified`` = cursor - overlap, by id keyset,
    lines embedded), so a run with nothing modified costs one call. Only bound orders become
    changes. The cursor (``orders.changes`` in the sync state) moves to the run's start minus
    ``settle`` once the listing is read to its end (never past an order whose change the host
    failed to apply); a failed run leaves it, and re-reading an order is harmless (the tracker
    delivers nothing twice). Orders modified after that point are read too, so an order
    imported and moved in this cycle gets its baseline now.
    """

    def __init__(self, context: SyncContext, tracker: ChangeTracker | None = None) -> None:
        self.ctx = context
        self.tracker = tracker or ChangeTracker(context)
        self._unfinished: list[datetime] = []

    def run(self) -> None:
        """Read the orders modified since the cursor and deliver their changes."""
        ctx = self.ctx
        now = ctx.now()
        end = now - ctx.options.settle
        start = self._start(now)
        pages = ctx.client.orders.wire_pages_keyset(
            min_date_modified=start, embed_lines=True, limit=ctx.options.page_size
        )
        for page in pages:
            ctx.repairs.drop()  # repaired text reaches the host as U+FFFD; nothing to set aside
            self._page(page)
            ctx.tick("changes")
        if not ctx.preview:
            # Never past an order whose change the host could not apply: read again next run.
            ctx.ports.sync_state.set_cursor(CHANGES_STREAM, min([end, *self._unfinished]))

    def _start(self, now: datetime) -> datetime | None:
        """Where the listing starts: the cursor less the overlap; a new stream starts now.

        A new stream does not start from the beginning: every order cancelled or refunded
        long ago would arrive as news.
        """
        ctx = self.ctx
        cursor = ctx.ports.sync_state.get_cursor(CHANGES_STREAM)
        start = (cursor if cursor is not None else now) - ctx.options.overlap
        bound = ctx.options.start_date
        return start if bound is None else max(start, bound)

    def _page(self, page: Iterable[Any]) -> None:
        bindings = self.ctx.ports.bindings
        for item in page:
            order_id = wire_id(item)
            if not order_id or bindings.get(_ORDER, str(order_id)) is None:
                continue  # not imported: not ours to report
            try:
                order = Order.from_wire(item)
            except Exception as error:  # one unreadable order must not stop the others
                self._failed(order_id, f"the store's order cannot be read: {error}")
                continue
            try:
                self.tracker.observe(order)
            except Exception as error:
                if isinstance(error, BigCommerceError):
                    raise  # the store: the stage stops here, its cursor unchanged
                # The host's apply failed: rolled back, delivered again on a later run.
                self._failed(order_id, f"the change could not be applied: {error}")
                if order.date_modified is not None:
                    self._unfinished.append(order.date_modified)

    def _failed(self, order_id: int, reason: str) -> None:
        ctx = self.ctx
        ctx.report.order_changes_failed += 1
        ctx.notify(
            NotificationKind.ERROR,
            "order.change.failed",
            f"order {order_id}: {clean_text(reason)}",  # store text: bounded, never failing
            entity=_ORDER,
            external_id=str(order_id),
        )


# -- the comparison --------------------------------------------------------------------------


def _new_refunds(state: OrderState | None, refunds: Sequence[Refund] | None) -> list[Refund]:
    if refunds is None:
        return []
    known = set(state.refunds) if state is not None else set()
    return sorted((r for r in refunds if r.id not in known), key=lambda r: r.id)


def _refund_change(order: Order, refund: Refund, refunds: Sequence[Refund]) -> OrderChange:
    """One refund as a change: REFUNDED once the refunds so far cover the order's total."""
    so_far = sum((r.total_amount or Decimal(0) for r in refunds if r.id <= refund.id), Decimal(0))
    total = order.total_inc_tax
    full = total is not None and so_far >= total
    kind = OrderChangeKind.REFUNDED if full else OrderChangeKind.PARTIALLY_REFUNDED
    key = f"order-change {order.id} refund {refund.id}"
    return attrs.evolve(_change(order, kind, key), refunds=(refund,))


def _change(order: Order, kind: OrderChangeKind, key: str) -> OrderChange:
    return OrderChange(
        kind=kind,
        order_id=order.id,
        key=key,
        status_id=order.status_id,
        status_label=clean_text(order.custom_status or order.status or _label(order.status_id)),
        date_modified=order.date_modified,
        refunded_amount=order.refunded_amount,
    )


def _edits(order: Order, state: OrderState, now: OrderState) -> list[OrderChange]:
    """Address and line edits against the state (both need the order's lines embedded)."""
    changes = []
    stamp = _unix(order)
    if now.billing != state.billing or now.shipping != state.shipping:
        # The new addresses' digest too: two edits in one second are two changes.
        digest = _digest({"billing": now.billing, **now.shipping}, None)
        key = f"order-change {order.id} {OrderChangeKind.ADDRESS_CHANGED.value} {stamp} {digest}"
        changed = _changed_ids(state.shipping, now.shipping)
        change = attrs.evolve(
            _change(order, OrderChangeKind.ADDRESS_CHANGED, key),
            billing_address=order.billing_address if now.billing != state.billing else None,
            shipping_addresses=tuple(a for a in order.shipping_addresses if a.id in changed),
            removed_shipping_address_ids=_removed_ids(state.shipping, now.shipping),
        )
        changes.append(change)
    if now.lines != state.lines:
        digest = _digest(dict(now.lines), None)
        key = f"order-change {order.id} {OrderChangeKind.LINES_CHANGED.value} {stamp} {digest}"
        changed = _changed_ids(state.lines, now.lines)
        change = attrs.evolve(
            _change(order, OrderChangeKind.LINES_CHANGED, key),
            lines=tuple(line for line in order.products if line.id in changed),
            removed_line_ids=_removed_ids(state.lines, now.lines),
        )
        changes.append(change)
    return changes


def _state_of(
    order: Order, state: OrderState | None, refunds: Sequence[Refund] | None
) -> OrderState:
    """The state after this observation (parts the order does not show are kept)."""
    previous = state or OrderState()
    known = previous.refunds if refunds is None else tuple(sorted(r.id for r in refunds))
    return OrderState(
        modified=_unix(order),
        status=order.status_id,
        billing=_digest(order.billing_address, POSTAL_FIELDS)
        if order.billing_address is not None
        else previous.billing,
        shipping={str(a.id): _address_digest(a) for a in order.shipping_addresses}
        if order.shipping_addresses_embedded
        else previous.shipping,
        lines={str(line.id): _digest(line, _LINE_FIELDS) for line in order.products}
        if order.lines_embedded
        else previous.lines,
        refunds=tuple(sorted(set(known) | set(previous.refunds))),
        refunded=str((order.refunded_amount or Decimal(0)).normalize()),
    )


def _address_digest(address: ShippingAddress) -> str:
    return _digest(address, (*POSTAL_FIELDS, "shipping_method"))


def _digest(record: object, fields: Sequence[str] | None) -> str:
    """A short digest of some fields of a record (a plain dict: all of it): equal values."""
    data = record if isinstance(record, dict) else unstructure(record)
    values = data if fields is None else {name: data.get(name) for name in fields}
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _changed_ids(before: Mapping[str, str], after: Mapping[str, str]) -> set[int]:
    return {int(key) for key, value in after.items() if before.get(key) != value}


def _removed_ids(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[int, ...]:
    return tuple(sorted(int(key) for key in before if key not in after))


def _stale(order: Order, state: OrderState | None) -> bool:
    """Whether ``order`` is an older reading than the one the state was made from."""
    stamp = _unix(order)
    return (
        state is not None
        and state.modified is not None
        and stamp is not None
        and (stamp < state.modified)
    )


def _unix(order: Order) -> int | None:
    return None if order.date_modified is None else int(order.date_modified.timestamp())


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("not an integer")
    return int(value)


def _label(status_id: int | None) -> str:
    status = None if status_id is None else OrderStatus.from_id(status_id)
    return status.default_label if status is not None else ""


def _count(ctx: SyncContext, change: OrderChange) -> None:
    counts = ctx.report.order_changes
    counts[change.kind.value] = counts.get(change.kind.value, 0) + 1


def _message(change: OrderChange, local_id: str) -> str:
    what = {
        OrderChangeKind.CANCELLED: "was cancelled",
        OrderChangeKind.DECLINED: "was declined",
        OrderChangeKind.REFUNDED: "was refunded",
        OrderChangeKind.PARTIALLY_REFUNDED: "was partially refunded",
        OrderChangeKind.DISPUTED: "is disputed",
        OrderChangeKind.ADDRESS_CHANGED: "has a changed address",
        OrderChangeKind.LINES_CHANGED: "has changed lines",
    }[change.kind]
    text = f"store order {change.order_id} (ERP order {local_id}) {what} in the store"
    if change.refunds:
        text += f": {change.refund_total} refunded"
    return text
