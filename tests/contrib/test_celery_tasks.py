"""contrib.celery's tasks run in-process (``task.apply``) against sandbox stores.

Each fault comes from the sandbox (a wrong token, an exhausted quota, 503s, a held lock), and
Celery's own retry machinery runs: ``task_retry`` signals are counted and their countdown read.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect import RetryPolicy
from bigcommerce_connect.adapters.memory import MemoryNotifier
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.contrib.celery import (
    REFUSED_NOTIFICATION,
    SECRET_DIGEST_HEADER,
    Backoff,
    CeleryIntegration,
    register,
    webhook_wire_args,
)
from bigcommerce_connect.contrib.stores import FolderStores, check_store_id
from bigcommerce_connect.sync.webhooks import SECRET_HEADER
from support.celery_workers import order_created, write_webhook_secret
from support.recipes import Registry

celery = pytest.importorskip("celery", reason="the celery extra is not installed")
from celery.signals import task_retry  # noqa: E402

MakeIntegration = Callable[..., CeleryIntegration]


@pytest.fixture
def opened(registry: Registry) -> list[str]:
    """The store ids the integration's ERP factory was asked to open."""
    return []


@pytest.fixture
def make_integration(registry: Registry, opened: list[str]) -> MakeIntegration:
    """``register`` on a fresh app (no broker needed: ``apply`` runs in this process)."""

    def erp(store_id: str) -> SqliteErp:
        opened.append(store_id)
        return SqliteErp(registry.folder / f"{check_store_id(store_id)}.db")

    def make(**options: Any) -> CeleryIntegration:
        app = celery.Celery("contrib-eager", set_as_current=False)
        return register(app, stores=FolderStores(registry.folder), erp=erp, **options)

    return make


@contextmanager
def retries_seen() -> Iterator[list[float]]:
    """The countdown of every retry Celery makes while the block runs."""
    seen: list[float] = []

    def on_retry(reason: Any = None, **_: Any) -> None:
        seen.append(float(reason.when))

    task_retry.connect(on_retry, weak=False)
    try:
        yield seen
    finally:
        task_retry.disconnect(on_retry)


def notification_codes(registry: Registry, store_id: str) -> list[str]:
    """The codes of the notifications the store's SQLite ERP holds."""
    with sqlite3.connect(registry.folder / f"{store_id}.db") as db:
        return [row[0] for row in db.execute("SELECT code FROM notifications ORDER BY rowid")]


def test_a_cycle_imports_each_waiting_order_once(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    registry.add("shop-eu")
    waiting = registry.waiting("shop-eu")
    integration = make_integration()

    first = integration.sync_store.apply(args=("shop-eu",)).get()
    again = integration.sync_store.apply(args=("shop-eu",)).get()

    assert (first["outcome"], first["orders_imported"], first["stopped_by"]) == (
        "done",
        len(waiting),
        None,
    )
    assert (again["outcome"], again["orders_imported"]) == ("done", 0)
    assert registry.erp_order_refs("shop-eu") == sorted(str(i) for i in waiting)
    json.dumps(first)  # the result travels through the JSON result backend


def test_a_wrong_token_is_refused_without_retry_and_notified(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    registry.add("shop-eu", api_token="not-the-token")
    integration = make_integration()

    with retries_seen() as retries:
        result = integration.sync_store.apply(args=("shop-eu",)).get()

    assert retries == []
    assert (result["outcome"], result["stopped_by"], result["retries"]) == (
        "refused",
        "authentication",
        0,
    )
    codes = notification_codes(registry, "shop-eu")
    assert codes.count(REFUSED_NOTIFICATION) == 1
    assert "run.authentication" in codes
    assert registry.erp_order_refs("shop-eu") == []


def test_an_exhausted_quota_retries_when_the_store_says_it_resets(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    sandbox = registry.add("shop-eu")
    sandbox.knobs.quota = (1, 60.0)
    spend_one_request(sandbox.api_path, sandbox.access_token)
    slept: list[float] = []
    # No waiting inside the client (no rate-limit waits, pacing recorded, not slept): the
    # rate limit reaches the task, which leaves the waiting to the broker.
    client_options = {"retry": RetryPolicy(max_rate_limit_waits=0), "sleep": slept.append}
    integration = make_integration(client_options=client_options, max_retries=1)

    with retries_seen() as retries:
        result = integration.sync_store.apply(args=("shop-eu",)).get()

    assert len(retries) == 1
    # The reset of a 60-second window that began with the request spent above.
    assert 30.0 < retries[0] <= 60.0
    assert (result["outcome"], result["stopped_by"], result["retries"]) == (
        "gave_up",
        "rate_limited",
        1,
    )
    assert 30.0 < result["retry_after"] <= 60.0
    assert REFUSED_NOTIFICATION not in notification_codes(registry, "shop-eu")


def test_server_errors_retry_with_bounded_backoff(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    sandbox = registry.add("shop-eu")
    sandbox.knobs.fail_next("503", n=10_000)
    backoff = Backoff(base=8.0, maximum=12.0)
    integration = make_integration(
        client_options={"retry": RetryPolicy(max_attempts=1)}, backoff=backoff, max_retries=2
    )

    with retries_seen() as retries:
        result = integration.sync_store.apply(args=("shop-eu",)).get()

    assert len(retries) == 2
    assert 4.0 <= retries[0] <= 8.0  # first retry: half of base, plus up to half again
    assert 6.0 <= retries[1] <= 12.0  # then doubled, capped at the maximum
    assert (result["outcome"], result["stopped_by"]) == ("gave_up", "server_error")

    sandbox.knobs.clear_faults()
    healed = integration.sync_store.apply(args=("shop-eu",)).get()
    assert healed["outcome"] == "done"
    assert healed["orders_imported"] == len(registry.erp_order_refs("shop-eu")) > 0


@pytest.mark.parametrize("store_id", ["../shop-eu", "", "shop eu", "-x", "a" * 65, 42, None])
def test_an_invalid_store_id_is_refused_before_anything_opens(
    registry: Registry, make_integration: MakeIntegration, opened: list[str], store_id: Any
) -> None:
    registry.add("shop-eu")
    fallback = MemoryNotifier()
    integration = make_integration(fallback_notifier=fallback)

    with retries_seen() as retries:
        result = integration.sync_store.apply(args=(store_id,)).get()

    assert retries == []
    assert (result["outcome"], result["store_id"], result["stopped_by"]) == (
        "refused",
        None,
        "store_directory",
    )
    assert opened == []
    assert [n.code for n in fallback.notifications] == [REFUSED_NOTIFICATION]


def test_a_store_without_settings_is_refused_and_no_erp_is_created(
    registry: Registry, make_integration: MakeIntegration, opened: list[str]
) -> None:
    fallback = MemoryNotifier()
    integration = make_integration(fallback_notifier=fallback)

    result = integration.sync_store.apply(args=("ghost",)).get()

    assert (result["outcome"], result["store_id"]) == ("refused", "ghost")
    assert opened == []
    assert not (registry.folder / "ghost.db").exists()
    assert "ghost" in fallback.notifications[0].message


def test_a_cycle_finding_the_store_locked_does_nothing_and_is_not_retried(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    sandbox = registry.add("shop-eu")
    with SqliteErp(registry.folder / "shop-eu.db") as erp:
        assert erp.lock.try_acquire(f"{sandbox.store_hash}:import", "another-worker")
    integration = make_integration()

    with retries_seen() as retries:
        result = integration.sync_store.apply(args=("shop-eu",)).get()

    assert retries == []
    assert (result["outcome"], result["stopped_by"], result["orders_imported"]) == (
        "locked",
        "locked",
        0,
    )
    assert registry.erp_order_refs("shop-eu") == []


def test_a_paused_store_is_skipped(registry: Registry, make_integration: MakeIntegration) -> None:
    registry.add("paused", auto_import=False)

    result = make_integration().sync_store.apply(args=("paused",)).get()

    assert (result["outcome"], result["orders_imported"]) == ("skipped", 0)
    assert registry.erp_order_refs("paused") == []


def test_the_schedule_has_one_entry_per_store_with_auto_import(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    registry.add("shop-eu")
    registry.add("shop-us")
    registry.add("paused", auto_import=False)
    integration = make_integration(every=90)

    installed = integration.install_schedule()

    assert installed == integration.app.conf.beat_schedule
    assert sorted(installed) == ["sync store shop-eu", "sync store shop-us"]
    for store_id in ("shop-eu", "shop-us"):
        entry = installed[f"sync store {store_id}"]
        assert entry["task"] == integration.sync_store.name
        assert entry["args"] == (store_id,)
        assert entry["schedule"] == 90.0
        assert entry["options"] == {"expires": 90.0}  # a late cycle is dropped, not stacked


def test_configure_sets_what_the_guarantees_rely_on(make_integration: MakeIntegration) -> None:
    conf = make_integration(configure=True, visibility_timeout=5000).app.conf

    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.broker_transport_options == {"visibility_timeout": 5000}
    with pytest.raises(ValueError, match="visibility timeout"):
        make_integration(configure=True, visibility_timeout=60, backoff=Backoff(maximum=600))


def test_a_webhook_imports_its_order_once_and_a_redelivery_is_a_duplicate(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    sandbox = registry.add("shop-eu", orders=3, auto_import=False)
    write_webhook_secret(registry.folder, "shop-eu", "hook-secret-canary")
    order_id = sandbox.store.add_order(line_count=1)
    body = order_created(sandbox.store_hash, order_id)
    args = webhook_wire_args("shop-eu", {SECRET_HEADER: "hook-secret-canary"}, body)
    integration = make_integration()

    first = integration.handle_webhook.apply(args=args).get()
    again = integration.handle_webhook.apply(args=args).get()

    assert (first["outcome"], first["http_status"]) == ("processed", 200)
    assert (again["outcome"], again["http_status"]) == ("duplicate", 200)
    assert registry.erp_order_refs("shop-eu") == [str(order_id)]


def test_a_webhook_with_a_wrong_secret_is_rejected_without_retry(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    sandbox = registry.add("shop-eu", orders=3)
    write_webhook_secret(registry.folder, "shop-eu", "hook-secret-canary")
    order_id = sandbox.store.add_order(line_count=1)
    body = order_created(sandbox.store_hash, order_id)
    integration = make_integration()

    with retries_seen() as retries:
        wrong = webhook_wire_args("shop-eu", {SECRET_HEADER: "guess"}, body)
        missing = webhook_wire_args("shop-eu", {"Cookie": "session=1"}, body)
        results = [integration.handle_webhook.apply(args=a).get() for a in (wrong, missing)]

    assert retries == []
    assert [(r["outcome"], r["http_status"]) for r in results] == [("rejected", 401)] * 2
    assert missing[1] == {}  # nothing but the secret's digest would travel
    assert registry.erp_order_refs("shop-eu") == []


def test_a_webhook_failing_on_the_store_is_retried(
    registry: Registry, make_integration: MakeIntegration
) -> None:
    sandbox = registry.add("shop-eu", orders=3)
    write_webhook_secret(registry.folder, "shop-eu", "hook-secret-canary")
    order_id = sandbox.store.add_order(line_count=1)
    body = order_created(sandbox.store_hash, order_id)
    args = webhook_wire_args("shop-eu", {SECRET_HEADER: "hook-secret-canary"}, body)
    sandbox.knobs.fail_next("503", n=1)  # the order's read fails once
    integration = make_integration(client_options={"retry": RetryPolicy(max_attempts=1)})

    with retries_seen() as retries:
        result = integration.handle_webhook.apply(args=args).get()

    assert len(retries) == 1
    assert (result["outcome"], result["retries"]) == ("processed", 1)
    assert registry.erp_order_refs("shop-eu") == [str(order_id)]


def test_a_webhook_body_that_is_not_base64_is_rejected(
    registry: Registry, make_integration: MakeIntegration, opened: list[str]
) -> None:
    registry.add("shop-eu", orders=3)
    integration = make_integration()

    result = integration.handle_webhook.apply(args=("shop-eu", {}, "not base64!")).get()

    assert (result["outcome"], result["http_status"]) == ("rejected", 400)
    assert opened == []
    assert SECRET_DIGEST_HEADER.startswith("X-")


def spend_one_request(api_path: str, token: str) -> None:
    """One request against the store's quota, as another app on the store would make."""
    request = urllib.request.Request(
        api_path.rstrip("/") + "/catalog/products?limit=1",  # the v3 API path
        headers={"X-Auth-Token": token, "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def test_store_directory_paths_are_checked(registry: Registry) -> None:
    path: Path = registry.folder / "shop-eu.webhook-secret"
    path.write_text("s", encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        FolderStores(registry.folder).webhook_secret("shop-eu")
    assert FolderStores(registry.folder).webhook_secret("other") is None


def test_an_erp_that_cannot_open_is_retried_then_given_up(registry: Registry) -> None:
    registry.add("shop-eu", orders=3)

    def erp_down(store_id: str) -> SqliteErp:
        raise OSError("the ERP's database is down")  # what a lost connection raises

    app = celery.Celery("contrib-eager", set_as_current=False)
    integration = register(app, stores=FolderStores(registry.folder), erp=erp_down, max_retries=1)

    with retries_seen() as retries:
        result = integration.sync_store.apply(args=("shop-eu",)).get()

    assert len(retries) == 1
    assert (result["outcome"], result["stopped_by"]) == ("gave_up", "unexpected")
    assert "database is down" in result["errors"][0]
