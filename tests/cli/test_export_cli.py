"""The export side of the command line: ``upload``, ``export products|inventory|b2b``.

Each runs against the sandbox over HTTP on loopback with a SQLite ERP file; ``--dry-run``
sends no write (no PUT, POST or DELETE reaches the store) and writes nothing to the ERP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.cli.sync_cmd import mappings_dir
from bigcommerce_connect.mapping import AUTOMATIC_UPDATE_PRODUCTS
from bigcommerce_connect.ports import BindingEntity, LevelPrice
from bigcommerce_connect.records import ErpContact, ErpItem
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox

WRITES = {"PUT", "POST", "DELETE"}


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=5, orders=3, customers=6, products=8)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def writes(sb: Sandbox) -> int:
    return sum(1 for r in sb.requests.records() if r.method in WRITES)


def store_skus(sb: Sandbox) -> list[str]:
    with sb.store.locked() as store:
        return sorted(str(v["sku"]) for v in store.variants.values() if v.get("sku"))


def new_item(code: str, name: str = "Garden Hose", quantity: int = 3) -> ErpItem:
    return ErpItem(
        item_code=code,
        description_1=name,
        price=Decimal("12.50"),
        weight=Decimal("1.5"),
        categories=[1],
        quantity_on_hand=Decimal(quantity),
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite ERP with two new items, two contacts and a price level."""
    path = str(tmp_path / "erp.db")
    with SqliteErp(path) as erp:
        erp.item_source.put("I1", new_item("CLI-1"))
        erp.item_source.put("I2", new_item("CLI-2", "Watering Can"))
        for n, level in ((1, "Gold"), (2, "")):
            contact = ErpContact(
                email=f"buyer{n}@example.com",
                first_name="Zoë",
                last_name=f"Buyer{n}",
                price_level=level,
            )
            erp.contacts.put(f"C{n}", contact)
        erp.price_levels.set_prices("Gold", [LevelPrice(sku="CLI-1", price=Decimal("9.90"))])
    return path


def settings_file(tmp_path: Path, sb: Sandbox, **fields: Any) -> str:
    path = tmp_path / "store.json"
    data = {"api_path": sb.api_path, "allow_insecure_host": True, **fields}
    path.write_text(json.dumps(data), encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1, out  # one JSON object per command
    return code, json.loads(lines[0])


def actions(report: dict[str, Any], key: str = "items") -> dict[str, str]:
    return {r["local_id"]: r["action"] for r in report[key]}


# -- upload (the Item Card action) ------------------------------------------------------------


def test_upload_creates_then_updates_the_named_items(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])
    argv = ["upload", "I1", "--settings", settings, "--db", db, "--employee", "pat"]

    code, first = run_json(capsys, *argv)
    assert code == 0, first
    assert first["command"] == "upload"
    assert first["dry_run"] is False
    assert actions(first) == {"I1": "created"}
    assert first["items"][0]["admin_url"].endswith("/edit")
    code, again = run_json(capsys, *argv)
    assert (code, actions(again)) == (0, {"I1": "updated"})  # sent even though unchanged
    with SqliteErp(db) as erp:
        binding = erp.bindings.get_by_local(BindingEntity.PRODUCT, "I1")
    assert binding is not None
    assert binding.external_id == str(first["items"][0]["product_id"])


def test_upload_dry_run_sends_no_write_and_binds_nothing(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])

    argv = ["upload", "I1", "I2", "--settings", settings, "--db", db, "--employee", "pat"]

    code, report = run_json(capsys, *argv, "--dry-run")

    assert code == 0
    assert report["dry_run"] is True
    assert actions(report) == {"I1": "created", "I2": "created"}
    assert writes(sb) == 0
    with SqliteErp(db) as erp:
        assert erp.bindings.get_by_local(BindingEntity.PRODUCT, "I1") is None


def test_upload_by_an_employee_without_access_is_one_line_and_sends_nothing(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])

    code = main(["upload", "I1", "--settings", settings, "--db", db, "--employee", "bob"])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "'bob' may not upload products" in captured.err
    assert "b2b_employees" in captured.err
    assert len(sb.requests) == 0


def test_upload_needs_an_employee(sb: Sandbox, tmp_path: Path, db: str) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])

    with pytest.raises(SystemExit) as usage:
        main(["upload", "I1", "--settings", settings, "--db", db])

    assert usage.value.code == 2


def test_upload_of_an_unknown_item_fails_that_item(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])

    code, report = run_json(
        capsys, "upload", "I1", "NOPE", "--settings", settings, "--db", db, "--employee", "pat"
    )

    assert code == 1
    assert actions(report) == {"I1": "created", "NOPE": "failed"}


def test_upload_text_output_is_terminal_safe(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])
    with SqliteErp(db) as erp:
        erp.item_source.put("I\x1b[2J3", new_item("CLI-\x07BEL"))

    code = main(["upload", "I\x1b[2J3", "--settings", settings, "--db", db, "--employee", "pat"])

    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\\x07" in out
    assert code in (0, 1)


# -- export products ---------------------------------------------------------------------------


def test_export_products_uses_the_item_export_mapping(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # "Save As" createitems, then edit the saved file: product names in upper case.
    JsonFileMappingStore(mappings_dir(db)).save_as(AUTOMATIC_UPDATE_PRODUCTS, "createitems")
    path = next(mappings_dir(db).glob("*.json"))
    saved = json.loads(path.read_text(encoding="utf-8"))
    for rule in saved["rules"]:
        if rule.get("source") == "description_1":
            rule["transform"] = ["strip", "upper"]
    path.write_text(json.dumps(saved), encoding="utf-8")
    settings = settings_file(tmp_path, sb, item_export="createitems")

    code, report = run_json(capsys, "export", "products", "--settings", settings, "--db", db)

    assert code == 0, report
    assert actions(report) == {"I1": "created", "I2": "created"}
    names = {sb.store.products[r["product_id"]]["name"] for r in report["items"]}
    assert names == {"GARDEN HOSE", "WATERING CAN"}


def test_export_products_with_an_unknown_item_export_is_one_clear_line(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, item_export="MyTypo")

    code = main(["export", "products", "--settings", settings, "--db", db])

    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert "'MyTypo'" in err
    assert "item_export" in err
    assert len(sb.requests) == 0


def test_check_reports_an_unknown_item_export(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, item_export="MyTypo")

    code = main(["check", "--settings", settings, "--db", db])

    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  settings item_export" in out
    assert "'MyTypo'" in out


def test_export_products_dry_run_plans_what_the_real_run_does(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb)
    argv = ["export", "products", "--settings", settings, "--db", db]

    _code, planned = run_json(capsys, *argv, "--dry-run")
    assert writes(sb) == 0
    code, done = run_json(capsys, *argv)
    _code, after = run_json(capsys, *argv)

    assert code == 0
    assert planned["counts"] == done["counts"] == {**done["counts"], "created": 2}
    assert after["items"] == []  # the cursor moved: nothing changed since


# -- export inventory --------------------------------------------------------------------------


def test_export_inventory_dry_run_then_push(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "stock.db")
    skus = store_skus(sb)[:3]
    with SqliteErp(db) as erp:
        for n, sku in enumerate(skus):
            erp.item_source.put(f"S{n}", ErpItem(item_code=sku, quantity_on_hand=Decimal(n + 5)))
    settings = settings_file(tmp_path, sb)
    argv = ["export", "inventory", "--settings", settings, "--db", db]

    _code, planned = run_json(capsys, *argv, "--dry-run")
    assert len(sb.requests) == 0  # a dry run reads only the ERP
    code, pushed = run_json(capsys, *argv)
    _code, again = run_json(capsys, *argv, "--dry-run")

    assert code == 0, pushed
    assert (
        actions(planned) == actions(pushed) == {"S0": "updated", "S1": "updated", "S2": "updated"}
    )
    assert again["items"] == []
    assert pushed["warnings"] == []


# -- export b2b --------------------------------------------------------------------------------


def test_export_b2b_dry_run_sends_no_write_then_the_real_run(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b=True, b2b_employees=["pat"])
    with SqliteErp(db) as erp:  # a price for a SKU the store sells
        erp.price_levels.set_prices("Gold", [LevelPrice(sku=store_skus(sb)[0], price=Decimal(9))])
    argv = ["export", "b2b", "--settings", settings, "--db", db, "--employee", "pat"]

    code, planned = run_json(capsys, *argv, "--dry-run")
    assert code == 0, planned
    assert writes(sb) == 0
    assert actions(planned, "contacts") == {"C1": "created", "C2": "created"}
    assert [(lvl["level"], lvl["action"]) for lvl in planned["levels"]] == [("Gold", "created")]

    code, done = run_json(capsys, *argv)
    assert code == 0, done
    assert actions(done, "contacts") == {"C1": "created", "C2": "created"}
    gold = [lvl for lvl in done["levels"] if lvl["level"] == "Gold"]
    assert [lvl["action"] for lvl in gold] == ["created", "created"]  # its group, its price list
    assert gold[1]["records_upserted"] == 1

    _code, rerun = run_json(capsys, *argv, "--dry-run")
    assert set(actions(rerun, "contacts").values()) == {"unchanged"}
    assert {lvl["action"] for lvl in rerun["levels"]} == {"unchanged"}


def test_export_b2b_refuses_an_employee_without_access(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b=True, b2b_employees=["pat"])

    code = main(["export", "b2b", "--settings", settings, "--db", db, "--employee", "bob"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("bigcommerce-connect export: 'bob' may not")
    assert err.count("\n") == 1
    assert len(sb.requests) == 0


def test_export_b2b_needs_b2b_on(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, b2b_employees=["pat"])

    code = main(["export", "b2b", "--settings", settings, "--db", db, "--employee", "pat"])

    assert code == 1
    assert "B2B is off" in capsys.readouterr().err
    assert len(sb.requests) == 0


def test_check_reports_import_mappings_that_are_missing_or_of_another_kind(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(
        tmp_path, sb, customer_import="NoSuch", order_import=AUTOMATIC_UPDATE_PRODUCTS
    )

    code = main(["check", "--settings", settings, "--db", db])

    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  settings customer_import: no mapping named 'NoSuch'" in out
    assert "FAIL  settings order_import: " in out
    assert "update_products mapping, not order_import" in out


def test_the_report_names_the_store_by_its_description(
    sb: Sandbox, tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_file(tmp_path, sb, description="Garden Shop", b2b_employees=["pat"])

    code = main(["upload", "I1", "--settings", settings, "--db", db, "--employee", "pat"])

    out = capsys.readouterr().out
    assert code == 0
    assert "upload for Garden Shop" in out
    assert "I1  CLI-1  created  product " in out
