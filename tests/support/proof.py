"""Shared pieces of the proof suite: a store full of orders to import, a runner, an audit.

A proof scenario prepares a sandbox whose orders all wait in Awaiting Fulfillment, runs the
import (possibly several times: a run may fail and the cursor makes the next one safe), and
then audits both sides: every store order moved, exactly one ERP order per store order,
nothing left in quarantine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import attrs

from bigcommerce_connect import BigCommerceClient, OrderStatus, StoreSettings
from bigcommerce_connect.adapters.memory import SystemClock
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, RunReport, SyncRunner

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


def run_until_done(
    runner: SyncRunner,
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
