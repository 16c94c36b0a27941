"""contrib.celery through a real redis-server and a real ``celery worker`` process.

Few tests, because a worker start costs seconds: one worker session runs scheduled-style
cycles of two stores and webhook deliveries; the broker test inspects the raw messages in
Redis while no worker runs.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bigcommerce_connect.contrib.celery import SECRET_DIGEST_HEADER
from bigcommerce_connect.sync.webhooks import SECRET_HEADER
from support.celery_workers import (
    celery_process,
    order_created,
    python_path,
    solo_worker,
    tail,
    write_webhook_secret,
)
from support.recipes import ROOT, Registry
from support.redis_server import RedisServer

pytest.importorskip("celery", reason="the celery extra is not installed")
redis = pytest.importorskip("redis", reason="the celery extra (celery[redis]) is not installed")

from contrib.contrib_fleet_app import build  # noqa: E402 - after the skips: imports celery

HERE = Path(__file__).resolve().parent
#: Generous: a cold worker start on a busy 2-core machine, then one cycle of a small store.
TASK_TIMEOUT = 120.0
SECRET = "webhook-secret-canary-3f9a"


def test_a_worker_imports_every_order_once_by_cycles_and_webhooks(
    registry: Registry, redis_server: RedisServer, tmp_path: Path
) -> None:
    stores = ("shop-eu", "shop-us")
    sandboxes = {store: registry.add(store) for store in stores}
    waiting = {store: registry.waiting(store) for store in stores}
    write_webhook_secret(registry.folder, "shop-eu", SECRET)
    _app, integration = build(registry.folder, redis_server.url)

    with celery_worker(registry, redis_server, tmp_path / "worker.log"):
        first = [integration.sync_store.delay(s) for s in stores]
        first_results = [r.get(timeout=TASK_TIMEOUT) for r in first]
        again = [integration.sync_store.delay(s).get(timeout=TASK_TIMEOUT) for s in stores]
        # A new order arrives by webhook; the store delivers it twice.
        order_id = sandboxes["shop-eu"].store.add_order(line_count=1)
        body = order_created(sandboxes["shop-eu"].store_hash, order_id)
        headers = {SECRET_HEADER: SECRET, "Cookie": "session=abc"}
        hooks = [
            integration.enqueue_webhook("shop-eu", headers, body).get(timeout=TASK_TIMEOUT)
            for _ in range(2)
        ]

    for store, result in zip(stores, first_results, strict=True):
        assert (result["store_id"], result["outcome"]) == (store, "done")
        assert result["orders_imported"] == len(waiting[store]) > 0
    assert [r["orders_imported"] for r in again] == [0, 0]
    assert [h["outcome"] for h in hooks] == ["processed", "duplicate"]
    expected = sorted(str(i) for i in [*waiting["shop-eu"], order_id])
    assert registry.erp_order_refs("shop-eu") == expected
    assert registry.erp_order_refs("shop-us") == sorted(str(i) for i in waiting["shop-us"])


def test_the_broker_carries_store_ids_never_settings_or_secrets(
    registry: Registry, redis_server: RedisServer
) -> None:
    sandbox = registry.add("shop-eu", orders=3)
    write_webhook_secret(registry.folder, "shop-eu", SECRET)
    _app, integration = build(registry.folder, redis_server.url)
    body = order_created(sandbox.store_hash, 1)

    integration.sync_store.delay("shop-eu")
    integration.enqueue_webhook("shop-eu", {SECRET_HEADER: SECRET}, body)

    raw = redis.Redis.from_url(redis_server.url).lrange("celery", 0, -1)  # no worker runs
    assert len(raw) == 2
    messages = [json.loads(message) for message in raw]
    decoded = [base64.b64decode(m["body"]) for m in messages]
    for text in [*raw, *decoded]:
        assert sandbox.access_token.encode() not in text
        assert SECRET.encode() not in text
        assert base64.b64encode(SECRET.encode()) not in text
        assert b"api_token" not in text
    assert all(m["content-type"] == "application/json" for m in messages)
    args = {m["headers"]["task"]: json.loads(d)[0] for m, d in zip(messages, decoded, strict=True)}
    assert args[integration.sync_store.name] == ["shop-eu"]
    hook_args = args[integration.handle_webhook.name]
    assert hook_args[0] == "shop-eu"
    assert list(hook_args[1]) == [SECRET_DIGEST_HEADER]
    assert base64.b64decode(hook_args[2]) == body


@contextmanager
def celery_worker(
    registry: Registry, redis: RedisServer, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``celery -A contrib_fleet_app worker`` (solo pool) until a warm shutdown."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIGCOMMERCE_")}
    env.update(
        PYTHONPATH=python_path(HERE, ROOT), REDIS_URL=redis.url, CONTRIB_STORES=str(registry.folder)
    )
    role = solo_worker(f"contrib-{os.getpid()}")
    with celery_process("contrib_fleet_app", role, env=env, log=log, cwd=HERE) as worker:
        yield worker
    assert worker.returncode == 0, tail(log)
