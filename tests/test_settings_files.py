"""Settings files are refused when other users can read their token or redirect it.

Real files in ``tmp_path`` with real modes (``os.chmod``); the CLI's refusals through
``bigcommerce_connect.cli.main``. POSIX only: Windows has no mode bits to check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.settings import SettingsError
from bigcommerce_connect.settings_files import check_settings_file, read_settings_text

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX-only")

TOKEN = "canary-token-7f3a9"
API_PATH = "https://api.bigcommerce.com/stores/abc123/v3/"
FOREIGN = "https://collector.example.net/stores/abc123/v3/"


def settings_file(tmp_path: Path, text: str, mode: int, name: str = "store.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_token_file_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = settings_file(tmp_path, f'api_path = "{API_PATH}"\napi_token = "{TOKEN}"\n', mode)
    text, file_mode = read_settings_text(path)
    with pytest.raises(SettingsError) as caught:
        check_settings_file(path, {"api_path": API_PATH, "api_token": TOKEN}, file_mode)
    message = str(caught.value)
    assert f"chmod 600 {path}" in message
    assert TOKEN not in message
    assert text  # the text was read from the same open file


def test_a_private_token_file_is_accepted(tmp_path: Path) -> None:
    path = settings_file(tmp_path, f'api_path = "{API_PATH}"\napi_token = "{TOKEN}"\n', 0o600)
    _, mode = read_settings_text(path)
    assert mode == 0o600
    check_settings_file(path, {"api_path": API_PATH, "api_token": TOKEN}, mode)


def test_a_readable_file_without_a_token_is_accepted(tmp_path: Path) -> None:
    path = settings_file(tmp_path, f'api_path = "{API_PATH}"\n', 0o644)
    _, mode = read_settings_text(path)
    check_settings_file(path, {"api_path": API_PATH}, mode)
    check_settings_file(path, {"api_path": API_PATH, "api_token": ""}, mode)


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_allow_insecure_host_from_a_writable_file_is_refused(tmp_path: Path, mode: int) -> None:
    path = settings_file(tmp_path, "allow_insecure_host = true\n", mode)
    _, file_mode = read_settings_text(path)
    data = {"api_path": "http://127.0.0.1:8080/stores/abc123/v3/", "allow_insecure_host": True}
    with pytest.raises(SettingsError, match="allow_insecure_host") as caught:
        check_settings_file(path, data, file_mode)
    assert f"chmod go-w {path}" in str(caught.value)


def test_a_foreign_host_from_a_world_writable_file_is_refused(tmp_path: Path) -> None:
    path = settings_file(tmp_path, f'api_path = "{FOREIGN}"\n', 0o646)
    _, mode = read_settings_text(path)
    with pytest.raises(SettingsError, match="not BigCommerce") as caught:
        check_settings_file(path, {"api_path": FOREIGN}, mode)
    assert f"chmod go-w {path}" in str(caught.value)


def test_a_writable_file_may_still_name_a_bigcommerce_host(tmp_path: Path) -> None:
    path = settings_file(tmp_path, f'api_path = "{API_PATH}"\n', 0o666)
    _, mode = read_settings_text(path)
    check_settings_file(path, {"api_path": API_PATH, "allow_insecure_host": False}, mode)
    legacy = "https://store-abc123.mybigcommerce.com/api/v2/"
    check_settings_file(path, {"api_path": legacy}, mode)


def test_every_problem_is_named_and_no_modes_means_no_check(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    data = {"api_path": FOREIGN, "api_token": TOKEN, "allow_insecure_host": True}
    with pytest.raises(SettingsError) as caught:
        check_settings_file(path, data, 0o666)
    assert len(caught.value.problems) == 2
    check_settings_file(path, data, None)  # Windows: nothing to check


def test_the_hint_quotes_a_path_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "my store.json"
    with pytest.raises(SettingsError) as caught:
        check_settings_file(path, {"api_token": TOKEN}, 0o644)
    assert f"chmod 600 '{path}'" in str(caught.value)


# The command line: every command reads --settings through the same check.


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=5, customers=3, products=3)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert TOKEN not in captured.out + captured.err
    return captured.err


@pytest.mark.parametrize("name", ["store.toml", "store.json"])
def test_check_refuses_a_token_file_others_can_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    text = (
        f'api_path = "{API_PATH}"\napi_token = "{TOKEN}"\n'
        if name.endswith(".toml")
        else f'{{"api_path": "{API_PATH}", "api_token": "{TOKEN}"}}'
    )
    path = settings_file(tmp_path, text, 0o644, name)
    err = refused(["check", "--settings", str(path)], capsys)
    assert f"chmod 600 {path}" in err
    assert err.startswith("bigcommerce-connect check: ")


def test_sync_refuses_insecure_host_from_a_group_writable_file(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(
        tmp_path, f'{{"api_path": "{sb.api_path}", "allow_insecure_host": true}}', 0o664, "s.json"
    )
    db = tmp_path / "erp.db"
    err = refused(["sync", "--settings", str(path), "--db", str(db)], capsys)
    assert f"chmod go-w {path}" in err
    assert not db.exists()
    assert len(sb.requests) == 0  # the token went nowhere


def test_check_refuses_a_foreign_host_from_a_world_writable_file(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(tmp_path, f'{{"api_path": "{sb.api_path}"}}', 0o646, "store.json")
    # The insecure flag on the command line is the operator's; the host is still the file's.
    err = refused(["check", "--settings", str(path), "--allow-insecure-host"], capsys)
    assert f"chmod go-w {path}" in err
    assert len(sb.requests) == 0


def test_check_accepts_a_private_token_file(
    sb: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    body = f'"api_path": "{sb.api_path}", "api_token": "{sb.access_token}"'
    path = settings_file(tmp_path, f'{{{body}, "allow_insecure_host": true}}', 0o600, "s.json")
    assert main(["check", "--settings", str(path)]) == 0
    assert "All checks passed" in capsys.readouterr().out


def test_check_accepts_a_readable_file_with_the_token_from_the_environment(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings_file(
        tmp_path, f'{{"api_path": "{sb.api_path}", "allow_insecure_host": true}}', 0o644, "s.json"
    )
    assert main(["check", "--settings", str(path)]) == 0
    assert "All checks passed" in capsys.readouterr().out


def test_a_settings_file_that_is_not_utf8_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.json"
    path.write_bytes(b'{"api_token": "\xff\xfe"}')
    os.chmod(path, 0o600)
    err = refused(["check", "--settings", str(path)], capsys)
    assert "not UTF-8" in err
