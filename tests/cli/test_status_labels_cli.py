"""``sync`` with the original's status names, and one clean line for a name the store lacks."""

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
    with run_sandbox(SandboxConfig(seed=4, orders=30, customers=5, products=5)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def settings_file(tmp_path: Path, sb: Sandbox, get: str, set_: str) -> str:
    path = tmp_path / "store.json"
    data = {
        "api_path": sb.api_path,
        "allow_insecure_host": True,
        "get_order_status": get,
        "set_order_status": set_,
    }
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


def in_status(sb: Sandbox, status_id: int) -> int:
    with sb.store.locked() as store:
        return sum(1 for order in store.orders.values() if order["status_id"] == status_id)


def test_the_originals_labels_work_in_the_settings(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, "Awaiting Fulfillment", "Verification Required")
    before = in_status(sb, 12)
    assert main(["sync", "--settings", settings, "--db", str(tmp_path / "e.db"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["statuses_moved"] == report["orders_imported"] > 0
    assert in_status(sb, 12) == before + report["statuses_moved"]


def test_an_unknown_label_is_one_line_naming_the_valid_ones(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, "Awaiting Fulfillment", "Teleported")
    assert main(["sync", "--settings", settings, "--db", str(tmp_path / "e.db")]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("bigcommerce-connect sync: no order status is called 'Teleported'")
    assert "valid names: Incomplete, Pending, " in lines[0]
    assert "Awaiting Shipment" in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert sb.requests.count(method="PUT") == 0
