"""`bigcommerce-connect sync --dry-run`: the notifications it would send are listed, none stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox
from support.sandboxes import StartSandbox


@pytest.fixture
def sb(start_sandbox: StartSandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    sandbox = start_sandbox(seed=4, orders=60, customers=15, products=10)
    monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
    return sandbox


def stored_notifications(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        count = connection.execute("SELECT count(*) FROM notifications").fetchone()[0]
    connection.close()
    return int(count)


def test_a_dry_run_lists_what_it_would_notify_and_stores_none(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "erp.db"
    flags = ["--api-path", sb.api_path, "--allow-insecure-host", "--db", str(db)]
    assert main(["sync", *flags, "--dry-run", "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["would_notify"], "the ERP has no items: every line warns"
    assert preview["notifications"] == []
    assert stored_notifications(db) == 0
    assert [r for r in sb.requests.records() if r.method != "GET"] == []

    assert main(["sync", *flags, "--dry-run"]) == 0
    assert "would notify (" in capsys.readouterr().out

    assert main(["sync", *flags, "--json"]) == 0
    real = json.loads(capsys.readouterr().out)
    assert real["would_notify"] == []
    assert stored_notifications(db) == len(real["notifications"]) > 0
    assert real["customers_created"] == preview["customers_created"]
    assert real["orders_imported"] == preview["orders_imported"]
