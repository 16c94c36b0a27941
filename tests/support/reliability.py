"""Shared pieces of the reliability suite: a store full of orders to import, a runner, an audit.

A reliability scenario prepares a sandbox whose orders all wait in Awaiting Fulfillment, runs the
import (possibly several times: a run may fail and the cursor makes the next one safe), and
then audits both sides: every store order moved, exactly one ERP order per store order,
nothing left in quarantine.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import attrs

from bigcommerce_connect import BigCommerceClient, OrderStatus, StoreSettings
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sandbox.knobs import ALL_FAULT_KINDS, Knobs
from bigcommerce_connect.sync import (
    ErpPorts,
    ImportOptions,
    RunReport,
    StoreImporter,
    SyncRunner,
)
from bigcommerce_connect.sync.context import wire_id
from bigcommerce_connect.sync.lookahead import ListedPage, PageLookahead

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)
CODE = "BC"

#: Every fault kind the sandbox injects at random in a soak (429s come from the quota).
SOAK_FAULTS = (
    "500",
    "502",
    "503",
    "504",
    "reset",
    "timeout",
    "truncated_json",
    "malformed_json",
)


class Erp(Protocol):
    """What the audit needs from an ERP adapter (``MemoryErp`` and ``SqliteErp`` both fit)."""

    sales_orders: Any
    quarantine: Any
    bindings: Any


def all_awaiting_fulfillment(sb: Sandbox) -> list[int]:
    """Put every order (but incomplete ones) in Awaiting Fulfillment, modified in the past.

    Returns the ids to import. A large seed spreads orders over months, some "modified" after
    now: those would fall outside the run's window, so they are pulled back to yesterday.
    """
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with sb.store.locked() as store:
        for order in store.orders.values():
            order["date_modified"] = min(order["date_modified"], yesterday)
            if order["status_id"] != OrderStatus.INCOMPLETE:
                order["status_id"] = AF
        return sorted(i for i, o in store.orders.items() if o["status_id"] == AF)


def catalogue(sb: Sandbox) -> list[ItemRef]:
    """ERP items for every SKU the sandbox sells, so order lines resolve."""
    with sb.store.locked() as store:
        variants = [
            ItemRef(local_id=f"I{v['id']}", sku=v["sku"], is_variant=True)
            for v in store.variants.values()
            if v.get("sku")
        ]
        products = [
            ItemRef(local_id=f"P{p['id']}", sku=p["sku"])
            for p in store.products.values()
            if p.get("sku")
        ]
    return variants + products


def settings_for(sb: Sandbox, token: str | None = None, **extra: Any) -> StoreSettings:
    """Store settings for the sandbox (``token`` overrides its access token)."""
    data: dict[str, Any] = {
        "api_path": sb.api_path,
        "api_token": token or sb.access_token,
        "allow_insecure_host": True,
        "code": CODE,
        "notify_to": "pat",
        **extra,
    }
    return StoreSettings.from_dict(data)


#: Fast retries for soaks: waits are short but real, so a 429 without headers still outlasts a
#: short quota window after a few tries.
FAST_RETRY = RetryPolicy(max_attempts=6, base_delay=0.02, max_delay=0.3, max_rate_limit_waits=12)


def fast_client(sb: Sandbox, settings: StoreSettings, *, timeout: float = 5.0) -> BigCommerceClient:
    """A client with short retries; ``timeout`` below the sandbox's stall ends timeouts fast."""
    return BigCommerceClient.from_settings(settings, timeout=timeout, retry=FAST_RETRY)


MIB = 1024 * 1024

#: The client of a hostile-store soak: a read timeout below the sandbox's 0.5 s stall, a
#: deadline per attempt that cuts a trickling body within a second, and a body cap that a
#: page of 50 orders with their lines (about 380 KB) fits in but a ``huge_body`` does not.
#: ``tests/support/crash_import.py`` gives its child the same (``HOSTILE=1``).
HOSTILE_CLIENT: dict[str, Any] = {"timeout": 0.2, "deadline": 0.75, "max_body_bytes": MIB}


def hostile_knobs(knobs: Knobs, *, rate: float = 0.10) -> None:
    """Random faults of every kind the sandbox knows, shaped so that each costs little time.

    A stall lasts 0.5 s (the client gives up after 0.2 s), a trickling body sends a byte every
    10 ms (the client's deadline cuts it), a huge body is 4 MiB (four times the client's cap,
    so it is refused while streaming, never read whole), and rate limits say ``0`` seconds
    (the client's own minimum wait applies). ``deep_json`` keeps its 10,000 levels.
    """
    knobs.fault_kinds = ALL_FAULT_KINDS
    knobs.fault_rate = rate
    knobs.timeout_seconds = 0.5
    knobs.trickle_seconds = 0.01
    knobs.huge_body_bytes = 4 * MIB
    knobs.retry_after = "0"


def hostile_client(settings: StoreSettings) -> BigCommerceClient:
    """A client for a hostile-store soak: short retries and :data:`HOSTILE_CLIENT` bounds."""
    return BigCommerceClient.from_settings(settings, retry=FAST_RETRY, **HOSTILE_CLIENT)


def runner_for(
    client: BigCommerceClient, settings: StoreSettings, erp: Any, **options: Any
) -> SyncRunner:
    """A runner over ``erp`` with no settle time, so orders modified just now are read too."""
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=SystemClock())
    return SyncRunner(client, settings, ports, ImportOptions(settle=timedelta(0), **options))


@attrs.define
class Rounds:
    """What happened over the runs of :func:`run_until_done`."""

    reports: list[RunReport]
    retries: list[RunReport]

    @property
    def failed_runs(self) -> int:
        """Runs that stopped early (cursor kept) and were simply run again."""
        return sum(1 for r in self.reports if r.failed)


class Runs(Protocol):
    """What :func:`run_until_done` drives: a ``SyncRunner``, or any run with its importer."""

    @property
    def importer(self) -> StoreImporter: ...

    def run_now(self) -> RunReport:
        """One run."""
        ...


def run_until_done(
    runner: Runs,
    done: Callable[[], bool],
    *,
    max_runs: int = 12,
    quarantined: Callable[[], int] = lambda: 0,
) -> Rounds:
    """Run cycles (and quarantine replays) until ``done()``; at most ``max_runs`` of each."""
    rounds = Rounds([], [])
    for _ in range(max_runs):
        rounds.reports.append(runner.run_now())
        if quarantined():
            rounds.retries.append(runner.importer.retry_quarantine())
        if done():
            return rounds
    raise AssertionError(f"not done after {max_runs} runs: {[r.to_dict() for r in rounds.reports]}")


def store_statuses(sb: Sandbox, ids: Sequence[int]) -> dict[int, int]:
    """The current status id of each order in ``ids``."""
    with sb.store.locked() as store:
        return {i: store.orders[i]["status_id"] for i in ids}


def erp_refs(erp: Erp) -> list[str]:
    """Every ERP order's external reference (``BC<store id>``), duplicates kept."""
    return sorted(order.external_ref for order, _ in erp.sales_orders.all().values())


def expected_refs(ids: Sequence[int]) -> list[str]:
    """The references the ERP should hold for store orders ``ids``, once each."""
    return sorted(f"{CODE}{i}" for i in ids)


def assert_exactly_once(sb: Sandbox, erp: Erp, ids: Sequence[int]) -> None:
    """Every order moved to Awaiting Shipment, one ERP order each, nothing quarantined."""
    not_moved = {i: s for i, s in store_statuses(sb, ids).items() if s != AS}
    assert not not_moved, f"{len(not_moved)} orders not moved: {sorted(not_moved)[:20]}"
    refs = erp_refs(erp)
    doubled = sorted({r for r in refs if refs.count(r) > 1}) if len(set(refs)) != len(refs) else []
    assert not doubled, f"doubled in the ERP: {doubled[:20]}"
    missing = sorted(set(expected_refs(ids)) - set(refs))
    assert not missing, f"lost: {missing[:20]}"
    assert refs == expected_refs(ids)
    assert list(erp.quarantine.entries("order")) == []


def count_picks(sb: Sandbox) -> Counter[str]:
    """Count every fault the sandbox injects, by kind (wraps ``pick_fault``)."""
    picks: Counter[str] = Counter()
    lock = threading.Lock()
    pick = sb.knobs.pick_fault

    def counted(path: str) -> str | None:
        kind = pick(path)
        if kind is not None:
            with lock:
                picks[kind] += 1
        return kind

    sb.knobs.pick_fault = counted  # type: ignore[method-assign]
    return picks


SHIPPED = int(OrderStatus.SHIPPED)


@attrs.define
class OtherApp:
    """What "another app" (the sandbox's ``concurrent_change``) did to the orders, and when.

    :meth:`sink` listens to the store's status events. ``phase`` names what the importer was
    reading when the store answered (set by :meth:`label_listings` from the answer: an import
    listing or a status re-read): the other app ships listed orders right after the answer
    is rendered, while the importer still waits for it.
    """

    phase: str = "?"
    #: order id -> the phase during which the other app shipped it (the first time)
    shipped: dict[int, str] = attrs.Factory(dict)
    #: order id -> the phase of the ship that a status move of ours then overwrote
    put_back: dict[int, str] = attrs.Factory(dict)
    #: ids the importer received in an import listing or fetched by id
    seen: set[int] = attrs.Factory(set)

    def watch(self, sb: Sandbox) -> OtherApp:
        """Subscribe to ``sb``'s store events; returns self."""
        sb.store.subscribe(self.sink)
        return self

    def label_listings(self, sb: Sandbox) -> OtherApp:
        """Label each ship by the listing the sandbox served, for importers in another process.

        An import listing embeds its orders' lines (``consignments``); the guard's re-read
        does not. The sandbox has no public hook for this, so its ``_ship_listed`` is wrapped.
        """
        ship = sb._ship_listed

        def labelled(payload: bytes) -> None:
            self.phase = "import" if b'"consignments":' in payload else "guard"
            try:
                ship(payload)
            finally:
                self.phase = "?"

        sb._ship_listed = labelled  # type: ignore[method-assign]
        return self

    def sink(self, scope: str, data: dict[str, Any]) -> None:
        """A store event (called on the sandbox's request threads)."""
        if scope != "store/order/statusUpdated":
            return
        order_id, status = int(data["id"]), data["status"]
        if status["new_status_id"] == SHIPPED:
            self.shipped.setdefault(order_id, self.phase)
        elif status["previous_status_id"] == SHIPPED:
            self.put_back[order_id] = self.shipped.get(order_id, "?")


@contextmanager
def watch_reads(client: BigCommerceClient, other: OtherApp) -> Iterator[None]:
    """Note the ids of the orders handed to the import: listed with lines, or fetched by id.

    A listed page counts once the importer takes it (``PageLookahead.__next__``): a page read
    ahead and dropped because the run stopped is like an answer the network lost. Which read
    a ship happened in is labelled by the sandbox's answer (:meth:`OtherApp.label_listings`).
    """
    take_page, get = PageLookahead.__next__, client.orders.get

    def noted(lookahead: PageLookahead) -> ListedPage:
        page = take_page(lookahead)
        other.seen.update(i for item in page.items if (i := wire_id(item)))
        return page

    def fetch(order_id: int, **kwargs: Any) -> Any:
        order = get(order_id, **kwargs)
        other.seen.add(order_id)
        return order

    PageLookahead.__next__ = noted  # type: ignore[method-assign]
    client.orders.get = fetch  # type: ignore[method-assign]
    try:
        yield
    finally:
        PageLookahead.__next__ = take_page  # type: ignore[method-assign]


def settled(sb: Sandbox, erp: Erp, ids: Sequence[int]) -> bool:
    """Nothing left to do: no order of ``ids`` waits in the "get" status, none quarantined."""
    waiting = any(s == AF for s in store_statuses(sb, ids).values())
    return not waiting and not list(erp.quarantine.entries("order"))


def assert_exactly_once_or_shipped_elsewhere(
    sb: Sandbox, erp: Erp, ids: Sequence[int], other: OtherApp
) -> None:
    """The hostile-store audit: what must hold when another app ships orders meanwhile.

    * nothing doubled, and nothing in the ERP that was not in the "get" status;
    * every order the other app left alone: one ERP order, moved to Awaiting Shipment;
    * every order the importer received (listed with its lines, or fetched): one ERP order;
    * an order the other app shipped is Shipped or, only when it was shipped during the
      guard's own re-read (the answer still said "waiting" and the move followed), Awaiting
      Shipment: that race is the window left between a re-read and a PUT, which no client
      can close (the API has no conditional status change);
    * an order shipped before the importer ever received it (during the queue's one-order
      top read, or in an answer the network then lost) left the "get" status unread: the
      work queue no longer holds it, and no importer of the status can know it existed;
    * nothing left in quarantine (the caller replays it until then).

    One more window is left open by design, too rare to meet here: a store that answers the
    guard's re-read with a stale copy of an earlier answer (``repeat_page`` whose earlier
    answer had the same filters, i.e. an earlier page with the same top id) can make an
    order the other app shipped after the listing look waiting; no client can tell a stale
    answer from a fresh one.
    """
    statuses = store_statuses(sb, ids)
    refs = erp_refs(erp)
    doubled = sorted({r for r in refs if refs.count(r) > 1}) if len(set(refs)) != len(refs) else []
    assert not doubled, f"doubled in the ERP: {doubled[:20]}"
    strangers = sorted(set(refs) - set(expected_refs(ids)))
    assert not strangers, f"in the ERP but never in the get status: {strangers[:20]}"
    imported = {int(ref[len(CODE) :]) for ref in refs}
    untouched = [i for i in ids if i not in other.shipped]
    not_moved = sorted(i for i in untouched if statuses[i] != AS)
    assert not not_moved, f"{len(not_moved)} orders not moved: {not_moved[:20]}"
    lost = sorted((set(untouched) | (other.seen & set(ids))) - imported)
    assert not lost, f"lost: {lost[:20]}"
    put_back = {i: phase for i, phase in other.put_back.items() if phase != "guard"}
    assert not put_back, f"orders another app shipped, put back by us: {put_back}"
    odd = {i: statuses[i] for i in other.shipped if statuses[i] not in (AS, SHIPPED)}
    assert not odd, f"shipped orders in another status: {odd}"
    entries = list(erp.quarantine.entries("order"))
    assert entries == [], [(e.external_id, e.code, e.reason) for e in entries]
