"""The CLI with a legacy API account (Basic auth, v2 only): ``sync`` and ``check``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=9, orders=30, customers=8, products=6)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.legacy_api_key)
        yield sandbox


def legacy_file(sb: Sandbox, tmp_path: Path) -> str:
    path = tmp_path / "legacy.json"
    data = {
        "api_path": sb.legacy_api_path,
        "username": sb.legacy_username,
        "allow_insecure_host": True,
    }
    path.write_text(json.dumps(data), "utf-8")
    path.chmod(0o600)
    return str(path)


def test_sync_imports_customers_and_orders_through_v2(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = legacy_file(sb, tmp_path)
    db = str(tmp_path / "erp.db")
    assert main(["sync", "--settings", settings, "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert not report["failed"], report["errors"]
    assert report["customers_created"] >= 8
    assert report["orders_imported"] > 0
    assert report["statuses_moved"] == report["orders_imported"]
    assert all(r.path.startswith("/api/v2/") for r in sb.requests.records())


def test_check_verifies_what_a_legacy_account_can_reach(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--settings", legacy_file(sb, tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(t.startswith("  ok    Customers (read-only)") for t in lines)
    assert any(t.startswith("  ok    Orders (modify)") for t in lines)
    skipped = [t for t in lines if t.startswith("  skip")]
    assert skipped
    assert all("v2 endpoints only" in t for t in skipped)
    assert lines[-1] == "All checks passed."
