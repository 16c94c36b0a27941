"""Settings that name a status or mapping the store or ERP lacks: refused at start, names listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=30, customers=5, products=5)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def settings_file(tmp_path: Path, sb: Sandbox, **fields: Any) -> str:
    path = tmp_path / "store.json"
    data = {"api_path": sb.api_path, "allow_insecure_host": True, **fields}
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


def order_reads(sb: Sandbox) -> int:
    """Requests that read or write orders (the status count at start is not one)."""
    return sum(
        1
        for record in sb.requests.records()
        if "/orders" in record.api_path and "/orders/count" not in record.api_path
    )


def refused_at_start(
    argv: list[str], sb: Sandbox, capsys: pytest.CaptureFixture[str], command: str = "sync"
) -> str:
    """Run ``argv``: exit 2, one line on stderr, no order read or written; return the line."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"bigcommerce-connect {command}: ")
    assert "Traceback" not in captured.err + captured.out
    assert order_reads(sb) == 0
    assert sb.requests.count(method="PUT") == 0
    return lines[0]


@pytest.mark.parametrize("field", ["get_order_status", "set_order_status"])
def test_sync_refuses_an_unknown_status_label_at_start(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    sb.store.rename_status(9, "Ready to Ship")
    settings = settings_file(tmp_path, sb, **{field: "Teleported"})
    line = refused_at_start(
        ["sync", "--settings", settings, "--db", str(tmp_path / "e.db")], sb, capsys
    )
    assert "no order status is called 'Teleported'" in line
    assert "valid names: Incomplete, Pending, " in line
    assert "Ready to Ship" in line  # the store's own label, not the default


def test_sync_refuses_a_mapping_name_no_mapping_has(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, order_import="automatic:order_imprt")
    line = refused_at_start(
        ["sync", "--settings", settings, "--db", str(tmp_path / "e.db"), "--json"], sb, capsys
    )
    assert "order_import: no mapping named 'automatic:order_imprt'" in line
    assert "valid names: automatic:order_import" in line
    assert len(sb.requests.records()) == 0  # mappings are checked before any store call


def test_sync_refuses_a_mapping_of_the_wrong_kind(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "e.db")
    copy = ["mappings", "save-as", "automatic:customer_import", "MyCustomers"]
    assert main([*copy, "--db", db]) == 0
    capsys.readouterr()
    settings = settings_file(tmp_path, sb, order_import="MyCustomers")
    line = refused_at_start(["sync", "--settings", settings, "--db", db], sb, capsys)
    assert "'MyCustomers' is a customer_import mapping, not order_import" in line
    assert "valid names: automatic:order_import" in line
    assert "MyCustomers," not in line  # only the mappings of the wanted kind are offered


def test_check_names_the_unknown_status_and_the_valid_ones(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, set_order_status="Teleported")
    assert main(["check", "--settings", settings, "--db", str(tmp_path / "e.db")]) == 1
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if "FAIL" in line]
    assert len(failed) == 1
    assert "settings statuses: no order status is called 'Teleported'" in failed[0]
    assert "valid names: Incomplete, Pending, " in failed[0]


def test_check_names_a_mapping_typo_and_the_valid_ones(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, customer_import="automatic:customer_imprt")
    assert main(["check", "--settings", settings, "--db", str(tmp_path / "e.db")]) == 1
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if "FAIL" in line]
    assert len(failed) == 1
    assert "no mapping named 'automatic:customer_imprt'" in failed[0]
    assert "valid names: automatic:customer_import" in failed[0]


def test_valid_settings_still_sync(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(
        tmp_path, sb, get_order_status="Awaiting Fulfillment", order_import="automatic:order_import"
    )
    assert main(["sync", "--settings", settings, "--db", str(tmp_path / "e.db"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["orders_imported"] > 0
    assert report["interrupted"] is False
