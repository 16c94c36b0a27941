"""``bigcommerce-connect init``: a private, commented settings file without the token.

Real files in ``tmp_path`` with real modes; the written file is then used by ``sync``
against the sandbox over real HTTP.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.settings import setting_names, toml_reader
from support.sandboxes import StartSandbox

API_PATH = "https://api.bigcommerce.com/stores/abc123/v3/"
CANARY = "canary-token-91c2"
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX-only")
tomllib = toml_reader()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_init_writes_a_private_commented_file_that_says_where_the_token_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, CANARY)  # in the environment: still never written
    path = tmp_path / "store.toml"
    assert main(["init", "--path", str(path), "--api-path", API_PATH]) == 0
    assert mode_of(path) == 0o600
    text = path.read_text(encoding="utf-8")
    assert CANARY not in text
    assert TOKEN_ENV in text
    data = tomllib.loads(text)
    assert data["api_path"] == API_PATH
    assert "api_token" not in data
    assert data["auto_import"] is False
    out = capsys.readouterr().out
    assert TOKEN_ENV in out
    assert CANARY not in out


def test_init_defaults_to_store_toml_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--api-path", API_PATH]) == 0
    assert set(tomllib.loads((tmp_path / "store.toml").read_text("utf-8"))) >= {"api_path"}


@posix_only
def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.toml"
    path.write_text("# mine\n", "utf-8")
    os.chmod(path, 0o644)
    assert main(["init", "--path", str(path), "--api-path", API_PATH]) == 1
    assert "--force" in capsys.readouterr().err
    assert path.read_text("utf-8") == "# mine\n"
    assert main(["init", "--path", str(path), "--api-path", API_PATH, "--force"]) == 0
    assert tomllib.loads(path.read_text("utf-8"))["api_path"] == API_PATH
    assert mode_of(path) == 0o600  # an existing file is made private too


@posix_only
def test_init_never_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep\n", "utf-8")
    link = tmp_path / "store.toml"
    link.symlink_to(target)
    assert main(["init", "--path", str(link), "--api-path", API_PATH]) == 1
    assert main(["init", "--path", str(link), "--api-path", API_PATH, "--force"]) == 1
    assert target.read_text("utf-8") == "keep\n"


def test_init_without_an_api_path_leaves_a_placeholder_that_loading_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.toml"
    assert main(["init", "--path", str(path)]) == 0
    assert "paste your API path" in capsys.readouterr().out
    assert "api_path" not in tomllib.loads(path.read_text("utf-8"))
    monkeypatch.setenv(TOKEN_ENV, CANARY)
    assert main(["check", "--settings", str(path)]) == 1
    assert "no API path" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--api-path", "https://evil.example/stores/abc123/v3/"], "api"),
        (["--api-path", "http://127.0.0.1:9/stores/abc123/v3/"], "http"),
        (["--path", "store.json", "--api-path", API_PATH], ".toml"),
    ],
)
def test_init_refuses_what_cannot_work_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", *flags]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert says in err.lower()
    assert list(tmp_path.iterdir()) == []


def test_the_written_file_names_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    assert main(["init", "--path", str(path), "--api-path", API_PATH]) == 0
    text = path.read_text("utf-8")
    for name in setting_names():
        assert f"\n{name} = " in text or f"\n# {name} = " in text, name


def test_a_file_from_init_syncs_against_the_sandbox(
    start_sandbox: StartSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sb = start_sandbox(seed=3, orders=20, customers=6, products=8)
    path = tmp_path / "store.toml"
    init = ["init", "--path", str(path), "--api-path", sb.api_path, "--allow-insecure-host"]
    assert main(init) == 0
    assert tomllib.loads(path.read_text("utf-8"))["allow_insecure_host"] is True
    capsys.readouterr()
    monkeypatch.setenv(TOKEN_ENV, sb.access_token)
    db = str(tmp_path / "erp.db")
    assert main(["sync", "--settings", str(path), "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["orders_imported"] > 0
    assert report["skipped"] is None
