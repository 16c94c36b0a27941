"""``bigcommerce-connect sync --changes``: the changes stage in a cycle, counted in ``--json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=60, customers=15, products=10)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def test_sync_with_changes_counts_them_per_kind(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")
    flags = ["sync", "--api-path", sb.api_path, "--allow-insecure-host", "--db", db, "--json"]
    assert main([*flags, "--changes"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["orders_imported"] > 0
    assert (first["order_changes"], first["order_changes_failed"]) == ({}, 0)
    with SqliteErp(db) as erp:
        bound = sorted(int(b.external_id) for b in erp.bindings.all("order"))
    sb.store.cancel_order(bound[0])
    sb.store.refund_order(bound[1], amount=sb.store.money("1.50"))
    assert main(flags) == 0  # without --changes: no changes stage
    assert json.loads(capsys.readouterr().out)["order_changes"] == {}
    assert main([*flags, "--changes"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["order_changes"] == {"cancelled": 1, "partially_refunded": 1}
    with SqliteErp(db) as erp:
        codes = [n.code for n in erp.notifier.notifications() if n.code.startswith("order.")]
    assert sorted(codes) == ["order.changed.cancelled", "order.changed.partially_refunded"]


def test_sync_summary_shows_the_changes(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")
    flags = ["sync", "--api-path", sb.api_path, "--allow-insecure-host", "--db", db, "--changes"]
    assert main(flags) == 0
    with SqliteErp(db) as erp:
        bound = sorted(int(b.external_id) for b in erp.bindings.all("order"))
    capsys.readouterr()
    sb.store.cancel_order(bound[0], 13)
    assert main(flags) == 0
    assert "changes     1 disputed; 0 failed" in capsys.readouterr().out
