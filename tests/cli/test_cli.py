"""The command line: sync, check, statuses, categories, mappings and demo, end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bigcommerce_connect.cli import main, sync_cmd
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sync import ImportOptions, SyncRunner

REPORT_KEYS = {
    "customers_created",
    "customers_updated",
    "orders_imported",
    "orders_skipped",
    "orders_quarantined",
    "statuses_moved",
    "api_calls",
}


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=60, customers=15, products=10)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def store_flags(sb: Sandbox) -> list[str]:
    return ["--api-path", sb.api_path, "--allow-insecure-host"]


def test_sync_json_report_then_nothing_doubled(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")
    assert main(["sync", *store_flags(sb), "--db", db, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert set(first) >= REPORT_KEYS
    assert first["orders_imported"] > 0
    assert first["statuses_moved"] == first["orders_imported"]
    assert main(["sync", *store_flags(sb), "--db", db, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["orders_imported"] == 0


def test_dry_run_writes_nothing(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")
    assert main(["sync", *store_flags(sb), "--db", db, "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["preview"] is True
    assert report["orders_imported"] > 0
    assert sb.requests.count(method="PUT") == 0


def test_settings_file_and_token_from_the_environment(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "store.toml"
    settings.write_text(
        f'api_path = "{sb.api_path}"\nallow_insecure_host = true\ncode = "WEB"\n', "utf-8"
    )
    assert (
        main(["sync", "--settings", str(settings), "--db", str(tmp_path / "e.db"), "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["orders_imported"] > 0


class SpyRunner(SyncRunner):
    """The real runner, remembering the import options the CLI gave it."""

    seen: ClassVar[list[ImportOptions]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        SpyRunner.seen.append(self.importer.options)


@pytest.mark.parametrize(("flag", "from_file", "expected"), [([], 8, 8), (["16"], 8, 16)])
def test_concurrency_from_the_settings_file_or_the_flag_reaches_the_import_options(
    sb: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: list[str],
    from_file: int,
    expected: int,
) -> None:
    settings = tmp_path / "store.json"
    settings.write_text(json.dumps({"concurrency": from_file}), "utf-8")
    monkeypatch.setattr(sync_cmd, "SyncRunner", SpyRunner)
    SpyRunner.seen.clear()
    args = ["--settings", str(settings), *store_flags(sb), "--db", str(tmp_path / "e.db")]
    concurrency = ["--concurrency", *flag] if flag else []
    assert main(["sync", *args, *concurrency, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["statuses_moved"] > 0
    assert [options.status_move_concurrency for options in SpyRunner.seen] == [expected]


@pytest.mark.parametrize("value", ["0", "33"])
def test_concurrency_out_of_range_is_a_clear_error(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    db = str(tmp_path / "e.db")
    with pytest.raises(SystemExit) as caught:  # a usage error, found by argparse
        main(["sync", *store_flags(sb), "--db", db, "--concurrency", value])
    assert caught.value.code == 2
    assert f"--concurrency: must be a whole number from 1 to 32, got {value}" in (
        capsys.readouterr().err
    )
    assert sb.requests.count() == 0


def test_missing_token_is_a_clear_error(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    assert main(["sync", *store_flags(sb)]) == 1
    assert TOKEN_ENV in capsys.readouterr().err


def test_token_flag_does_not_exist(sb: Sandbox) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["sync", *store_flags(sb), "--api-token", "x"])
    assert caught.value.code == 2


def test_check_passes_against_the_sandbox(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *store_flags(sb)]) == 0
    out = capsys.readouterr().out
    assert "All checks passed" in out
    assert sb.access_token not in out


def test_check_explains_a_wrong_token(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "not-the-token")
    assert main(["check", *store_flags(sb)]) == 1
    out = capsys.readouterr().out
    assert "token was refused" in out
    assert "not-the-token" not in out


def test_check_refuses_plain_http_without_the_flag(
    sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--api-path", sb.api_path]) == 1
    assert "unencrypted" in capsys.readouterr().err


def test_statuses_show_renamed_labels(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    sb.store.rename_status(11, "Ready to Pick")
    assert main(["statuses", *store_flags(sb)]) == 0
    out = capsys.readouterr().out
    assert "Ready to Pick" in out
    assert "Awaiting Fulfillment" in out


def test_categories_tree(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["categories", *store_flags(sb)]) == 0
    with sb.store.locked() as store:
        some = next(iter(store.categories.values()))["name"]
    assert some in capsys.readouterr().out


def test_mappings_list_show_save_as(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "erp.db")
    assert main(["mappings", "--db", db, "list"]) == 0
    assert "automatic:order_import" in capsys.readouterr().out
    assert main(["mappings", "--db", db, "save-as", "automatic:order_import", "MyBCOrders"]) == 0
    capsys.readouterr()
    assert main(["mappings", "--db", db, "show", "MyBCOrders"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "MyBCOrders"
    assert (tmp_path / "mappings" / "MyBCOrders.json").exists()
    assert main(["mappings", "--db", db, "show", "nope"]) == 1


def test_demo_runs_a_full_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--orders", "80", "--db", str(tmp_path / "demo.db")]) == 0
    out = capsys.readouterr().out
    assert "orders" in out
    assert "to fulfill" in out
    assert (tmp_path / "demo.db").exists()


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "demo" in capsys.readouterr().err


def test_check_explains_an_untrusted_certificate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_sandbox(SandboxConfig(seed=4, orders=5, customers=2, products=2, tls=True)) as tls:
        monkeypatch.setenv(TOKEN_ENV, tls.access_token)
        # The sandbox's throwaway CA is not trusted here: exactly a corporate proxy's case.
        assert main(["check", "--api-path", tls.api_path, "--allow-insecure-host"]) == 1
    out = capsys.readouterr().out
    assert "TLS/certificate problem" in out
    assert "CA bundle" in out
    assert tls.access_token not in out


def test_check_trusts_a_given_ca_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_sandbox(SandboxConfig(seed=4, orders=5, customers=2, products=2, tls=True)) as tls:
        monkeypatch.setenv(TOKEN_ENV, tls.access_token)
        assert tls.ca_file is not None
        flags = ["--api-path", tls.api_path, "--allow-insecure-host", "--ca-file", tls.ca_file]
        assert main(["check", *flags]) == 0
    assert "All checks passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # A control character inside the token: TOML readers name the character they refuse.
        ("store.toml", 'api_path = "https://x"\napi_token = "tok-\x01-SECRETPART"\n'),
        ("store.toml", 'api_token = "tok-SECRETPART\n'),  # unterminated string
        ("store.json", '{"api_token": "tok-SECRETPART", }'),
    ],
)
def test_a_broken_settings_file_is_reported_without_quoting_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    settings = tmp_path / name
    settings.write_text(text, "utf-8")
    settings.chmod(0o600)

    assert main(["sync", "--settings", str(settings), "--db", str(tmp_path / "e.db")]) == 1

    err = capsys.readouterr().err
    assert str(settings) in err
    assert "line" in err  # where, so the owner can fix it
    assert "SECRETPART" not in err
    assert "\x01" not in err
    assert "\\x01" not in err
