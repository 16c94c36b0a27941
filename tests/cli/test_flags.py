"""Shared flags in either position, ranges checked by argparse, logging, ``python -m``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bigcommerce_connect._version import __version__
from bigcommerce_connect.cli import build_parser, main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox

CANARY = "CANARY-cli-9d2e-TOKEN"


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    config = SandboxConfig(seed=4, orders=30, customers=5, products=5, access_token=CANARY)
    with run_sandbox(config) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def store_flags(sb: Sandbox) -> list[str]:
    return ["--api-path", sb.api_path, "--allow-insecure-host"]


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    "order",
    [
        lambda db: ["mappings", "list", "--db", db],
        lambda db: ["--db", db, "mappings", "list"],
        lambda db: ["mappings", "--db", db, "list"],
    ],
    ids=["after", "before", "between"],
)
def test_db_is_taken_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], order: Callable[[str], list[str]]
) -> None:
    db = str(tmp_path / "erp.db")
    assert main(["mappings", "save-as", "automatic:order_import", "Mine", "--db", db]) == 0
    capsys.readouterr()
    assert main(order(db)) == 0
    assert "Mine" in capsys.readouterr().out.split()


def test_shared_flags_before_the_command_reach_sync(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "store.json"
    settings.write_text(json.dumps({"api_path": sb.api_path, "allow_insecure_host": True}))
    db = tmp_path / "erp.db"
    argv = ["--settings", str(settings), "--db", str(db), "--json", "--log-level", "ERROR"]
    assert main([*argv, "sync"]) == 0
    assert json.loads(capsys.readouterr().out)["orders_imported"] > 0
    assert db.exists()


def test_a_shared_flag_the_command_does_not_take_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "--db does not apply to sandbox" in usage_error(["--db", "x.db", "sandbox"], capsys)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sandbox", "--fault-rate", "2"], "--fault-rate: must be a number from 0 to 1, got 2"),
        (["sandbox", "--fault-rate", "-0.1"], "--fault-rate: must be a number from 0 to 1"),
        (["sandbox", "--fault-rate", "nan"], "--fault-rate: must be a number from 0 to 1"),
        (["sandbox", "--port", "65536"], "--port: must be a whole number from 0 to 65535"),
        (["sandbox", "--latency-ms", "-1"], "--latency-ms: must be a number of 0 or more"),
        (["sandbox", "--orders", "-1"], "--orders: must be a whole number of 0 or more, got -1"),
        (["demo", "--orders", "many"], "--orders: must be a whole number of 0 or more"),
        (["sync", "--concurrency", "33"], "--concurrency: must be a whole number from 1 to 32"),
        (["sync", "--watch", "0"], "--watch: must be a number of seconds greater than 0, got 0"),
        (["sync", "--log-level", "LOUD"], "--log-level: must be one of DEBUG, INFO, WARNING"),
    ],
)
def test_out_of_range_values_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in usage_error(argv, capsys)


def test_range_edges_are_accepted() -> None:
    args = build_parser().parse_args(
        ["sandbox", "--fault-rate", "1", "--port", "65535", "--latency-ms", "0", "--orders", "0"]
    )
    assert (args.fault_rate, args.port, args.latency_ms, args.orders) == (1.0, 65535, 0.0, 0)
    sync = build_parser().parse_args(["sync", "--concurrency", "32", "--watch", "0.5"])
    assert (sync.concurrency, sync.watch) == (32, 0.5)


@pytest.mark.parametrize(
    "flags",
    [["--log-level", "DEBUG", "sync"], ["sync", "--log-level", "debug"], ["-vv", "sync"]],
    ids=["global", "on the command", "verbose"],
)
def test_debug_logs_go_to_stderr_without_the_token(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    argv = [*flags, *store_flags(sb), "--db", str(tmp_path / "erp.db"), "--json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "DEBUG bigcommerce_connect" in captured.err  # the SDK's request lines
    assert "INFO bigcommerce_connect.cli.progress: " in captured.err
    assert CANARY not in captured.err + captured.out
    assert json.loads(captured.out)["orders_imported"] > 0


def test_without_log_flags_stderr_stays_quiet(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", *store_flags(sb), "--db", str(tmp_path / "erp.db")]) == 0
    assert capsys.readouterr().err == ""


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bigcommerce_connect", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == f"bigcommerce-connect {__version__}"
