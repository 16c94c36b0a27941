"""``bigcommerce-connect import items``: store products and variants into the SQLite ERP."""

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

WRITES = {"PUT", "POST", "DELETE"}


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=5, orders=3, customers=6, products=8)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def import_items(
    sb: Sandbox, db: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, Any]]:
    argv = ["import", "items", "--api-path", sb.api_path, "--allow-insecure-host", "--db", db]
    code = main([*argv, *extra, "--json"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1  # one JSON object per command
    return code, json.loads(lines[0])


def store_records(sb: Sandbox) -> int:
    """ERP items the store's catalogue makes: a product, or each variant of one with options."""
    with sb.store.locked() as store:
        with_options = {v["product_id"] for v in store.variants.values() if v.get("option_values")}
        variants = sum(1 for v in store.variants.values() if v["product_id"] in with_options)
        return len(store.products) - len(with_options) + variants


def test_dry_run_plans_every_item_and_writes_nothing(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")

    code, planned = import_items(sb, db, capsys, "--dry-run")

    assert code == 0, planned
    assert planned["command"] == "import items"
    assert planned["dry_run"] is True
    assert planned["items_created"] == store_records(sb)
    assert sum(1 for r in sb.requests.records() if r.method in WRITES) == 0
    with SqliteErp(db) as erp:
        assert erp.item_source.changed_since(None) == []


def test_import_creates_the_items_once(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")

    code, first = import_items(sb, db, capsys)
    _code, again = import_items(sb, db, capsys)

    assert code == 0, first
    assert first["items_created"] == store_records(sb)
    assert (again["items_created"], again["items_skipped"]) == (0, store_records(sb))
    with SqliteErp(db) as erp:
        assert len(erp.item_source.changed_since(None)) == store_records(sb)
    assert sum(1 for r in sb.requests.records() if r.method in WRITES) == 0


def test_an_unknown_mapping_is_one_clear_line(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import", "items", "--api-path", sb.api_path, "--allow-insecure-host"]

    code = main([*argv, "--db", str(tmp_path / "erp.db"), "--mapping", "MyTypo"])

    captured = capsys.readouterr()
    assert code == 2  # checked at start, like sync's statuses and mappings
    assert captured.out == ""
    assert captured.err.startswith("bigcommerce-connect import: ")
    assert captured.err.count("\n") == 1
    assert "'MyTypo'" in captured.err
    assert "automatic:item_import" in captured.err  # the valid names, to fix it from the line
    assert sb.requests.count() == 0  # nothing read from the store


def test_a_mapping_of_another_kind_is_refused_at_start(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import", "items", "--api-path", sb.api_path, "--allow-insecure-host"]

    code = main([*argv, "--db", str(tmp_path / "erp.db"), "--mapping", "automatic:order_import"])

    assert code == 2
    assert "is a order_import mapping, not item_import" in capsys.readouterr().err
    assert sb.requests.count() == 0


def test_the_named_default_mapping_is_accepted(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")
    code, report = import_items(sb, db, capsys, "--mapping", "automatic:item_import")
    assert code == 0, report
    assert report["items_created"] == store_records(sb)
