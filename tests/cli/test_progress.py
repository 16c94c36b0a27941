"""The progress line (totals, rate, ETA) and ``demo`` saying why a kept ERP imported nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.display import ProgressDisplay, progress_line
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import RunReport


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def report(imported: int, skipped: int = 0, calls: int = 0) -> RunReport:
    return RunReport(orders_imported=imported, orders_skipped=skipped, api_calls=calls)


def test_the_line_shows_done_of_total_rate_and_eta() -> None:
    line = progress_line("orders", report(90, skipped=10, calls=250), total=400, elapsed=20.0)
    assert "orders   100/400 ( 25%)" in line
    assert "5.0/s" in line
    assert "ETA 1:00" in line  # 300 left at 5 a second
    assert "calls   250" in line


def test_no_total_means_no_share_and_no_eta() -> None:
    line = progress_line("orders", report(30), total=None, elapsed=10.0)
    assert "orders    30 " in line
    assert "3.0/s" in line
    assert "ETA" not in line
    assert "%" not in line


def test_long_runs_show_hours_and_nothing_done_shows_no_rate() -> None:
    assert "ETA 2:46:40" in progress_line("orders", report(1), total=10001, elapsed=1.0)
    line = progress_line("customers", report(0), total=50, elapsed=0.0)
    assert "/s" not in line
    assert "ETA" not in line


def test_a_terminal_gets_one_line_rewritten_in_place() -> None:
    clock, stream = FakeClock(), FakeTty()
    display = ProgressDisplay(stream, total=200, clock=clock)
    for done in (50, 100, 150):
        clock.now += 10
        display("orders", report(done))
    display.end()
    text = stream.getvalue()
    assert text.count("\r") == 3
    assert text.count("\n") == 1  # only the end
    assert "150/200 ( 75%)" in text
    assert "ETA 0:10" in text  # 50 left at 5 a second


def test_plain_lines_carry_no_carriage_return_and_are_throttled() -> None:
    clock, stream = FakeClock(), io.StringIO()
    display = ProgressDisplay(stream, total=100, clock=clock, every=10.0)
    display("customers", report(0))
    for done in range(1, 21):  # twenty pages, one second apart
        clock.now += 1
        display("orders", report(done))
    display.end()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    # The stage changes print at once; within a stage, one line per ten seconds.
    assert [line.split()[0] for line in lines] == ["customers", "orders", "orders", "orders"]
    assert lines[-1].split()[4] == "20/100"


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=60, customers=10, products=5)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def test_a_run_off_a_terminal_prints_plain_progress_lines_with_the_total(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sb.store.locked() as store:
        waiting = sum(1 for order in store.orders.values() if order["status_id"] == 11)
    argv = ["sync", "-v", "--api-path", sb.api_path, "--allow-insecure-host"]
    assert main([*argv, "--db", str(tmp_path / "erp.db")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    progress = [line for line in err.splitlines() if "cli.progress: orders" in line]
    assert progress
    assert f"/{waiting} (100%)" in progress[-1]


def test_demo_twice_on_a_kept_db_says_why_nothing_was_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "keep.db")
    assert main(["demo", "--orders", "40", "--db", db]) == 0
    first = capsys.readouterr().out
    assert "nothing new to import" not in first
    assert main(["demo", "--orders", "40", "--db", db]) == 0
    second = capsys.readouterr().out
    assert "  orders      0 imported" in second
    assert (
        f"orders of this sandbox were imported by an earlier run into {db}; "
        "use a new --db or --fresh"
    ) in second
    assert main(["demo", "--orders", "40", "--db", db, "--fresh"]) == 0
    again = capsys.readouterr().out
    assert "nothing new to import" not in again
    assert "  orders      0 imported" not in again
