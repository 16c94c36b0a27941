"""examples/rq_jobs.py: RQ's scheduler and a SimpleWorker against a real redis-server."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from support.recipes import ImportRecipe, Registry
from support.redis_server import RedisServer

redis = pytest.importorskip(
    "redis", reason="the recipes extra is not installed (pip install -e '.[recipes]')"
)
rq = pytest.importorskip(
    "rq", reason="the recipes extra is not installed (pip install -e '.[recipes]')"
)


@pytest.fixture
def connection(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client of the test's own redis-server."""
    client = redis.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def keep_signal_handlers() -> Iterator[None]:
    """An RQ worker installs SIGINT/SIGTERM handlers; pytest's are put back after it."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_importing_the_module_twice_schedules_nothing(
    registry: Registry, import_recipe: ImportRecipe, connection: redis.Redis
) -> None:
    registry.add("shop-eu")
    import_recipe("rq_jobs")
    recipe = import_recipe("rq_jobs")  # a worker imports it for every job

    recipe.build_scheduler(connection)  # built, not started: still nothing enqueued

    assert connection.dbsize() == 0
    assert rq.Queue(recipe.QUEUE, connection=connection).count == 0


def test_the_scheduler_enqueues_one_job_per_auto_import_store_on_time(
    registry: Registry, import_recipe: ImportRecipe, connection: redis.Redis
) -> None:
    registry.add("shop-eu")
    registry.add("shop-us")
    registry.add("paused", auto_import=False)
    recipe = import_recipe("rq_jobs")
    queue = rq.Queue(recipe.QUEUE, connection=connection)

    scheduler = recipe.build_scheduler(connection)
    first = scheduler.enqueue_jobs()
    second = scheduler.enqueue_jobs()  # the same instant: nothing is due yet

    assert sorted(job.name for job in scheduler.get_jobs()) == [
        "sync store shop-eu",
        "sync store shop-us",
    ]
    assert len(first) == 2
    assert second == []
    assert sorted(job.args[0] for job in queue.get_jobs()) == ["shop-eu", "shop-us"]
    assert {job.timeout for job in queue.get_jobs()} == {recipe.JOB_TIMEOUT}


@pytest.mark.usefixtures("keep_signal_handlers")
def test_a_simple_worker_runs_the_scheduled_jobs(
    registry: Registry, import_recipe: ImportRecipe, connection: redis.Redis
) -> None:
    registry.add("shop-eu")
    registry.add("shop-us")
    waiting = {store: registry.waiting(store) for store in ("shop-eu", "shop-us")}
    recipe = import_recipe("rq_jobs")
    queue = rq.Queue(recipe.QUEUE, connection=connection)
    recipe.build_scheduler(connection).enqueue_jobs()
    jobs = queue.get_jobs()

    assert rq.SimpleWorker([queue], connection=connection).work(burst=True)

    reports = {job.args[0]: job.return_value() for job in jobs}
    for store in ("shop-eu", "shop-us"):
        assert reports[store]["orders_imported"] == len(waiting[store]) > 0
        assert registry.erp_order_refs(store) == sorted(str(i) for i in waiting[store])
        assert registry.moved(store) == waiting[store]
    assert queue.count == 0
    # The next round imports nothing more.
    again = queue.enqueue(recipe.sync_store, "shop-eu")
    rq.SimpleWorker([queue], connection=connection).work(burst=True)
    assert again.return_value()["orders_imported"] == 0
