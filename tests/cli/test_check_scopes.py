"""``check`` verifies every scope the configured work needs, read and modify, changing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox
from support.sandboxes import StartSandbox

ALL_BUT_INVENTORY = "store_v2_orders,store_v2_customers,store_v2_products"
READ_ONLY = (
    "store_v2_orders_read_only,store_v2_customers_read_only,"
    "store_v2_products_read_only,store_inventory_read_only"
)


def check(
    sb: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    **settings: object,
) -> tuple[int, list[str]]:
    monkeypatch.setenv(TOKEN_ENV, sb.access_token)
    path = tmp_path / "store.json"
    path.write_text(
        json.dumps({"api_path": sb.api_path, "allow_insecure_host": True, **settings}), "utf-8"
    )
    code = main(["check", "--settings", str(path)])
    return code, capsys.readouterr().out.splitlines()


def store_data(sb: Sandbox) -> str:
    with sb.store.locked() as store:
        tables = [
            list(store.orders.values()),
            list(store.customers.values()),
            list(store.products.values()),
            list(store.variants.values()),
            sorted(store.inventory.items()),
        ]
        return json.dumps(tables, default=str, sort_keys=True)


def line(lines: list[str], label: str) -> str:
    return next(text for text in lines if f" {label}" in text)


def test_every_scope_read_and_modify_is_verified_without_changing_the_store(
    start_sandbox: StartSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    sb = start_sandbox(seed=6, orders=10, customers=4, products=4)
    before = store_data(sb)
    code, lines = check(sb, monkeypatch, capsys, tmp_path, b2b=True)
    assert code == 0
    for scope in ("Orders", "Customers", "Products", "Store Inventory"):
        for level in ("read-only", "modify"):
            assert line(lines, f"{scope} ({level})").startswith("  ok")
    assert store_data(sb) == before
    writes = [r for r in sb.requests.records() if r.method != "GET"]
    assert len(writes) == 4  # one aimed-at-nothing write per modify scope


def test_missing_modify_scopes_fail_the_check_and_name_the_scope(
    start_sandbox: StartSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    sb = start_sandbox(seed=6, orders=10, customers=4, products=4, scopes=READ_ONLY)
    before = store_data(sb)
    code, lines = check(sb, monkeypatch, capsys, tmp_path)
    assert code == 1
    orders = line(lines, "Orders (modify)")
    assert orders.startswith("  FAIL")
    assert "give it Orders (modify)" in orders
    assert "needed for status moves" in orders
    assert line(lines, "Orders (read-only)").startswith("  ok")
    # Not needed by these settings (no B2B, no Item Export): a note, not a failure.
    assert line(lines, "Customers (modify)").startswith("  note")
    assert any("neither Store Inventory (modify) nor Products (modify)" in t for t in lines)
    assert lines[-1] == "2 check(s) failed."
    assert store_data(sb) == before


def test_without_the_inventory_scope_stock_goes_through_the_catalog(
    start_sandbox: StartSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    sb = start_sandbox(seed=6, orders=10, customers=4, products=4, scopes=ALL_BUT_INVENTORY)
    code, lines = check(sb, monkeypatch, capsys, tmp_path)
    assert code == 0
    note = line(lines, "Store Inventory (modify)")
    assert note.startswith("  note")
    assert "catalog's inventory level (Products modify)" in note
    assert lines[-1] == "All checks passed."


def test_b2b_needs_customers_modify(
    start_sandbox: StartSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    scopes = "store_v2_orders,store_v2_customers_read_only,store_v2_products,store_inventory"
    sb = start_sandbox(seed=6, orders=10, customers=4, products=4, scopes=scopes)
    code, lines = check(sb, monkeypatch, capsys, tmp_path, b2b=True)
    assert code == 1
    customers = line(lines, "Customers (modify)")
    assert customers.startswith("  FAIL")
    assert "needed for B2B contacts" in customers
