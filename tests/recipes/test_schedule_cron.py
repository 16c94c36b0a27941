"""examples/schedule_cron.py: every scheduled store once (cron), or in a loop until stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from support.recipes import ROOT, ImportRecipe, Registry, recipe_env


def test_one_run_imports_each_auto_import_store_once(
    registry: Registry, import_recipe: ImportRecipe
) -> None:
    registry.add("shop-eu")
    registry.add("shop-us")
    registry.add("paused", auto_import=False)
    waiting = {store: registry.waiting(store) for store in ("shop-eu", "shop-us", "paused")}
    cron = import_recipe("schedule_cron")
    reports: list[dict[str, Any]] = []

    assert cron.run_once(report=reports.append)
    assert cron.run_once(report=reports.append)  # again: nothing new

    assert [r["store_id"] for r in reports] == ["shop-eu", "shop-us"] * 2
    for store in ("shop-eu", "shop-us"):
        first, second = (r for r in reports if r["store_id"] == store)
        assert first["orders_imported"] == len(waiting[store]) > 0
        assert second["orders_imported"] == 0
        assert registry.erp_order_refs(store) == sorted(str(i) for i in waiting[store])
        assert registry.waiting(store) == []
    # auto_import off: not run at all.
    assert registry.waiting("paused") == waiting["paused"]
    assert registry.erp_order_refs("paused") == []


def test_the_loop_runs_until_stopped(registry: Registry, import_recipe: ImportRecipe) -> None:
    registry.add("shop-eu")
    cron = import_recipe("schedule_cron")
    stop = threading.Event()
    rounds: list[dict[str, Any]] = []

    def report(result: dict[str, Any]) -> None:
        rounds.append(result)
        if len(rounds) == 2:
            stop.set()  # as SIGTERM does

    assert cron.run_every(0.01, stop, report=report)

    assert [r["orders_imported"] > 0 for r in rounds] == [True, False]


def test_the_command_line_prints_one_json_line_per_store(registry: Registry) -> None:
    registry.add("shop-eu")
    waiting = registry.waiting("shop-eu")

    # The cron line of the docs: the interpreter running this test, the module by name.
    done = subprocess.run(
        [sys.executable, "-m", "examples.schedule_cron"],
        cwd=ROOT,
        env=recipe_env(registry),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    report = json.loads(line)
    assert report["store_id"] == "shop-eu"
    assert report["orders_imported"] == len(waiting)


def test_a_broken_store_is_reported_and_the_others_still_run(
    registry: Registry, import_recipe: ImportRecipe
) -> None:
    registry.add("shop-eu")
    (registry.folder / "broken.json").write_text("{}", encoding="utf-8")
    cron = import_recipe("schedule_cron")
    reports: list[dict[str, Any]] = []

    assert not cron.run_once(["broken", "shop-eu"], report=reports.append)

    broken, good = reports
    assert broken["failed"]
    assert "api_path: required" in broken["errors"][0]
    assert good["orders_imported"] > 0


def test_every_cycle_closes_the_erp_file_it_opened(
    registry: Registry, import_recipe: ImportRecipe
) -> None:
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("counting open files needs /proc (Linux)")
    registry.add("shop-eu")
    registry.add("refused", api_token="not-the-token")  # its cycle fails: a 401
    cron = import_recipe("schedule_cron")
    reports: list[dict[str, Any]] = []

    assert not cron.run_once(report=reports.append)

    assert [r["failed"] for r in reports] == [True, False]
    open_files = [os.readlink(fd) for fd in fds.iterdir() if fd.is_symlink()]
    assert [f for f in open_files if f.startswith(str(registry.folder))] == []
