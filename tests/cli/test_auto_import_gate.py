"""``auto_import`` gates scheduled runs loudly: ``sync --watch`` refuses, ``run_cycle`` says so.

With it off, ``sync --watch`` exits 2 at once (no store request, no cycle), saying how to turn
it on; ``SyncRunner.run_cycle()`` returns a report whose ``skipped`` tells it from a run that
found nothing. Against the sandbox over real HTTP.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.cli import main, sync_cmd
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, RunReport, SyncRunner
from bigcommerce_connect.sync.runner import AUTO_IMPORT_OFF
from support.reliability import catalogue
from support.sandboxes import StartSandbox


@pytest.fixture
def sb(start_sandbox: StartSandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    sandbox = start_sandbox(seed=7, orders=12, customers=5, products=6)
    monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
    return sandbox


def settings_file(tmp_path: Path, sb: Sandbox, name: str, **extra: Any) -> Path:
    data = {"api_path": sb.api_path, "allow_insecure_host": True, **extra}
    path = tmp_path / name
    if name.endswith(".toml"):
        path.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in data.items()), "utf-8")
    else:
        path.write_text(json.dumps(data), "utf-8")
    return path


class NoCycle(SyncRunner):
    """Fails the test if the CLI gets as far as building a runner."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("sync --watch built a runner with auto_import off")


@pytest.mark.parametrize(
    ("name", "setting"),
    [("store.toml", "auto_import = true"), ("store.json", '"auto_import": true')],
)
def test_watch_with_auto_import_off_exits_2_at_once_saying_how_to_turn_it_on(
    sb: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    setting: str,
) -> None:
    monkeypatch.setattr(sync_cmd, "SyncRunner", NoCycle)
    path = settings_file(tmp_path, sb, name)
    db = tmp_path / "erp.db"
    argv = ["sync", "--settings", str(path), "--db", str(db), "--watch", "300", "--json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert f"set {setting} in {path}" in lines[0]
    assert "without --watch" in lines[0]
    assert sb.requests.count() == 0
    assert not db.exists()  # nothing opened either


def test_watch_with_only_flags_says_where_auto_import_goes(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sync_cmd, "SyncRunner", NoCycle)
    flags = ["--api-path", sb.api_path, "--allow-insecure-host", "--db", str(tmp_path / "e.db")]
    assert main(["sync", *flags, "--watch", "60"]) == 2
    assert "auto_import = true in the settings file" in capsys.readouterr().err
    assert sb.requests.count() == 0


@pytest.fixture
def restore_signals() -> Iterator[None]:
    # sync --watch installs its own SIGINT/SIGTERM handlers: give pytest its own back.
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


class OneCycle(SyncRunner):
    """The real runner; after its first cycle it asks the watch loop to stop (SIGTERM)."""

    stop_with = signal.SIGTERM

    def run_cycle(self, *, preview: bool = False) -> RunReport:
        report = super().run_cycle(preview=preview)
        os.kill(os.getpid(), self.stop_with)
        return report


class OneCycleThenCtrlC(OneCycle):
    """The same, stopped by Ctrl-C (SIGINT) instead."""

    stop_with = signal.SIGINT


def watch_one_cycle(
    runner: type[OneCycle],
    sb: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, dict[str, Any], str]:
    """``sync --watch 300 --json`` stopped by ``runner`` after one cycle: code, report, stderr."""
    monkeypatch.setattr(sync_cmd, "SyncRunner", runner)
    path = settings_file(tmp_path, sb, "store.toml", auto_import=True)
    argv = ["sync", "--settings", str(path), "--db", str(tmp_path / "e.db"), "--watch", "300"]
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out.splitlines()[-1]), captured.err


@pytest.mark.skipif(os.name != "posix", reason="stops the watch loop with SIGTERM")
@pytest.mark.usefixtures("restore_signals")
def test_watch_with_auto_import_on_runs_cycles(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _err = watch_one_cycle(OneCycle, sb, tmp_path, monkeypatch, capsys)
    assert code == 0
    assert report["skipped"] is None
    assert report["orders_imported"] > 0


@pytest.mark.skipif(os.name != "posix", reason="stops the watch loop with SIGINT")
@pytest.mark.usefixtures("restore_signals")
def test_ctrl_c_ends_the_watch_after_its_cycle_with_130(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, err = watch_one_cycle(OneCycleThenCtrlC, sb, tmp_path, monkeypatch, capsys)
    assert code == 130
    assert report["orders_imported"] > 0  # the cycle finished
    assert "running again is safe" in err


def cycle(sb: Sandbox, *, auto_import: bool) -> RunReport:
    """One ``run_cycle()`` of a fresh in-memory ERP against ``sb``."""
    settings = StoreSettings.from_dict(
        {
            "api_path": sb.api_path,
            "api_token": sb.access_token,
            "allow_insecure_host": True,
            "auto_import": auto_import,
        }
    )
    erp = MemoryErp(items=catalogue(sb))
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=SystemClock())
    with settings.connect() as client:
        runner = SyncRunner(client, settings, ports, ImportOptions(settle=timedelta(0)))
        return runner.run_cycle()


def test_a_skipped_cycle_says_so_and_an_empty_run_does_not(
    start_sandbox: StartSandbox,
) -> None:
    empty = start_sandbox(seed=2, orders=0, customers=0, products=3)
    off = cycle(empty, auto_import=False)
    assert off.skipped == AUTO_IMPORT_OFF == "auto_import is off"
    assert off.to_dict()["skipped"] == "auto_import is off"
    assert empty.requests.count() == 0
    ran = cycle(empty, auto_import=True)
    assert empty.requests.count() > 0
    assert ran.skipped is None
    assert ran.to_dict()["skipped"] is None
    # The counts alone cannot tell the two apart: ``skipped`` does.
    assert (ran.orders_imported, ran.customers_created) == (off.orders_imported, 0) == (0, 0)


def test_sync_json_reports_a_run_as_not_skipped(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(tmp_path, sb, "store.json")  # auto_import off: sync still runs once
    assert main(["sync", "--settings", str(path), "--db", str(tmp_path / "e.db"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["skipped"] is None
    assert report["orders_imported"] > 0
