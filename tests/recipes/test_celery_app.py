"""examples/celery_app.py: a real Celery worker (and beat) against a real redis-server.

The module is imported as Celery imports it (``celery -A examples.celery_app``); its beat
schedule is built from the stores' settings at import, so a broken registry fails there
instead of in a signal handler whose exception Celery would swallow.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from support.celery_workers import celery_process, solo_worker, tail
from support.recipes import ROOT, STORES_ENV, ImportRecipe, Registry, recipe_env
from support.redis_server import RedisServer

pytest.importorskip(
    "celery", reason="the recipes extra is not installed (pip install -e '.[recipes]')"
)
pytest.importorskip(
    "redis", reason="the recipes extra is not installed (pip install -e '.[recipes]')"
)

#: Generous: a cold worker start on a busy 2-core machine, then one cycle of a small store.
TASK_TIMEOUT = 120.0


def test_the_schedule_is_built_from_the_stores_settings(
    registry: Registry, import_recipe: ImportRecipe, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.add("shop-eu")
    registry.add("shop-us")
    registry.add("paused", auto_import=False)
    monkeypatch.setenv("BIGCOMMERCE_CONNECT_SYNC_EVERY", "120")

    recipe = import_recipe("celery_app")

    schedule = recipe.app.conf.beat_schedule
    assert sorted(schedule) == ["sync store shop-eu", "sync store shop-us"]
    for store in ("shop-eu", "shop-us"):
        entry = schedule[f"sync store {store}"]
        assert entry["task"] in recipe.app.tasks
        assert entry["args"] == (store,)
        assert entry["schedule"] == 120.0


def test_a_broken_registry_stops_the_import_with_its_message(
    import_recipe: ImportRecipe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(STORES_ENV, raising=False)

    with pytest.raises(Exception, match=f"{STORES_ENV} is not set"):
        import_recipe("celery_app")


def test_a_worker_runs_sync_store_through_redis(
    registry: Registry,
    import_recipe: ImportRecipe,
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    registry.add("shop-eu")
    waiting = registry.waiting("shop-eu")
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    recipe = import_recipe("celery_app")

    with celery_worker(registry, redis_server, tmp_path / "worker.log"):
        first = recipe.sync_store.delay("shop-eu").get(timeout=TASK_TIMEOUT)
        again = recipe.sync_store.delay("shop-eu").get(timeout=TASK_TIMEOUT)

    assert first["store_id"] == "shop-eu"
    assert first["orders_imported"] == len(waiting) > 0
    assert not first["failed"]
    assert again["orders_imported"] == 0
    assert registry.erp_order_refs("shop-eu") == sorted(str(i) for i in waiting)
    assert registry.moved("shop-eu") == waiting


def test_beat_enqueues_every_scheduled_store(
    registry: Registry, redis_server: RedisServer, tmp_path: Path
) -> None:
    registry.add("shop-eu")
    registry.add("shop-us")
    registry.add("paused", auto_import=False)
    waiting = {store: registry.waiting(store) for store in ("shop-eu", "shop-us", "paused")}
    log = tmp_path / "worker.log"

    # -B: beat inside the worker, one entry a second; its schedule file in the temp folder.
    beat = ["-B", "--schedule", str(tmp_path / "celerybeat-schedule")]
    with celery_worker(registry, redis_server, log, beat, every="1") as worker:
        for _ in range(int(TASK_TIMEOUT / 0.2)):
            if not registry.waiting("shop-eu") and not registry.waiting("shop-us"):
                break
            # Waiting on the worker, not sleeping: a worker that died ends the wait at once.
            with pytest.raises(subprocess.TimeoutExpired):
                worker.wait(timeout=0.2)

    for store in ("shop-eu", "shop-us"):
        assert registry.erp_order_refs(store) == sorted(str(i) for i in waiting[store])
        assert registry.moved(store) == waiting[store]
    assert registry.waiting("paused") == waiting["paused"]
    assert registry.erp_order_refs("paused") == []


@contextmanager
def celery_worker(
    registry: Registry,
    redis: RedisServer,
    log: Path,
    extra: Sequence[str] = (),
    every: str = "300",
) -> Iterator[subprocess.Popen[bytes]]:
    """``celery -A examples.celery_app worker`` (solo pool) until a warm shutdown."""
    role = [*solo_worker(f"recipes-{os.getpid()}"), *extra]
    env = recipe_env(registry, REDIS_URL=redis.url, BIGCOMMERCE_CONNECT_SYNC_EVERY=every)
    with celery_process("examples.celery_app", role, env=env, log=log, cwd=ROOT) as worker:
        yield worker
    assert worker.returncode == 0, tail(log)
