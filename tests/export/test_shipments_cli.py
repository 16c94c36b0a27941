"""``bigcommerce-connect export shipments`` against the sandbox with a SQLite ERP file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.shipments import COMPLETED, new_order, posts, status_of, store_shipments, whole, writes


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=5, orders=20, customers=4, products=8)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def settings_file(tmp_path: Path, sb: Sandbox) -> str:
    path = tmp_path / "store.json"
    data = {"api_path": sb.api_path, "allow_insecure_host": True, "description": "Café ✓"}
    path.write_text(json.dumps(data), encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--json"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines  # one JSON object
    return code, json.loads(lines[0])


def test_export_shipments_dry_run_then_for_real(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = [new_order(sb, lines=1), new_order(sb, lines=2)]
    db = str(tmp_path / "erp.db")
    with SqliteErp(db) as erp:
        for n, order in enumerate(orders):
            erp.shipment_source.put(whole(order, f"S{n}"))
    argv = ["export", "shipments", "--settings", settings_file(tmp_path, sb), "--db", db]
    code, data = run_json(capsys, *argv, "--dry-run")
    assert (code, data["command"], data["dry_run"]) == (0, "export shipments", True)
    assert data["counts"]["planned"] == 2
    assert writes(sb) == 0
    code, data = run_json(capsys, *argv, "--final-status", "Completed")
    assert code == 0, data
    assert (data["counts"]["created"], data["counts"]["final_moves"]) == (2, 2)
    assert posts(sb) == 2
    assert all(len(store_shipments(sb, order.id)) == 1 for order in orders)
    assert all(status_of(sb, order.id) == COMPLETED for order in orders)
    code, data = run_json(capsys, *argv)
    assert (code, data["counts"]["already_exported"], posts(sb)) == (0, 2, 2)
    assert main(argv) == 0  # the text report
    out = capsys.readouterr().out
    assert "export shipments for Café ✓" in out
    assert "S0  already_exported" in out


def test_a_refused_shipment_exits_1(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order = new_order(sb, lines=1)
    db = str(tmp_path / "erp.db")
    with SqliteErp(db) as erp:
        erp.shipment_source.put(whole(order, "S1", order_address_id=99_999))
    argv = ["export", "shipments", "--settings", settings_file(tmp_path, sb), "--db", db]
    code, data = run_json(capsys, *argv)
    assert code == 1
    assert data["counts"]["refused"] == 1
    assert "has no address 99999" in data["shipments"][0]["error"]
