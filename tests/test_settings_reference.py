"""docs/settings.md and examples/store.toml stay true to ``StoreSettings``; typos are refused.

The reference's table is parsed: every field a file may set has a row (a new field without
docs fails here), each documented default is the real one, each example loads. The example
file is what ``bigcommerce-connect init`` writes and loads with only a token added. A key
that is no setting is refused, named, with the nearest valid key, in TOML, JSON, a dict, a
file and on the command line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.init_cmd import render_settings
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.secret import Secret
from bigcommerce_connect.settings import SettingsError, setting_names, toml_reader
from bigcommerce_connect.settings_files import check_settings_file, load_settings_file

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "settings.md"
EXAMPLE = ROOT / "examples" / "store.toml"
EXAMPLE_API_PATH = "https://api.bigcommerce.com/stores/abc123/v3/"
TOKEN = "canary-token-5e1d"
BASE = {"api_path": EXAMPLE_API_PATH, "api_token": TOKEN}
# Python 3.11's tomllib, or tomli (the test extra) on 3.10.
tomllib = toml_reader()
TYPO = "unknown setting 'api_pth' (did you mean 'api_path'?)"
ROW = re.compile(r"^\| `(?P<key>\w+)` \| (?P<type>[^|]+) \| (?P<default>[^|]+) \|")


def reference_rows() -> dict[str, list[str]]:
    """The table under "## Every setting": key -> its cells (type, default, meaning, example)."""
    text = REFERENCE.read_text(encoding="utf-8")
    section = text.split("## Every setting", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        if ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            key = cells[0].strip("`")
            assert key not in rows, f"{key} is listed twice"
            rows[key] = cells[1:]
    return rows


def init_fields() -> list[attrs.Attribute[Any]]:
    return [field for field in attrs.fields(StoreSettings) if field.init]


def code_blocks(language: str) -> list[str]:
    text = REFERENCE.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_reference_lists_every_setting_a_file_may_set() -> None:
    documented = set(reference_rows())
    fields = {field.name for field in init_fields()}
    assert fields == set(setting_names())
    assert documented - fields == set(), "documented settings that do not exist"
    assert fields - documented == set(), "settings missing from docs/settings.md"


def documented_default(cell: str) -> object:
    if cell in ("required", "unset"):
        return cell
    literal = re.fullmatch(r"`(.+)`", cell)
    assert literal, f"a default is `a TOML value`, 'required' or 'unset', not {cell!r}"
    return tomllib.loads(f"value = {literal.group(1)}")["value"]


def real_default(field: attrs.Attribute[Any]) -> object:
    default = field.default
    if default is attrs.NOTHING:
        return "required"
    if default is None:
        return "unset"
    if isinstance(default, Secret):
        return default.reveal()
    return list(default) if isinstance(default, tuple) else default


@pytest.mark.parametrize("field", init_fields(), ids=lambda field: field.name)
def test_each_documented_default_is_the_real_one(field: attrs.Attribute[Any]) -> None:
    _type, default, *_ = reference_rows()[field.name]
    assert documented_default(default) == real_default(field)


@pytest.mark.parametrize("key", sorted(setting_names()))
def test_each_documented_example_loads(key: str) -> None:
    *_, example = reference_rows()[key]
    literal = re.fullmatch(r"`(.+)`", example)
    assert literal, f"the example of {key} is one TOML line in backticks"
    data = tomllib.loads(literal.group(1))
    assert list(data) == [key]
    settings = StoreSettings.from_dict({**BASE, **data})
    loaded = getattr(settings, key)
    expected = data[key]
    if isinstance(loaded, Secret):
        loaded = loaded.reveal()
    assert (list(loaded) if isinstance(loaded, tuple) else loaded) == expected


def test_the_toml_and_json_examples_load_alike_with_only_a_token_added() -> None:
    (toml_text,) = code_blocks("toml")
    (json_text,) = code_blocks("json")
    from_toml = StoreSettings.from_toml(f'{toml_text}api_token = "{TOKEN}"\n')
    from_json = StoreSettings.from_dict({**json.loads(json_text), "api_token": TOKEN})
    assert from_toml == from_json
    assert from_toml.auto_import is True


def test_the_example_file_is_what_init_writes() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == render_settings(EXAMPLE_API_PATH)


def test_the_example_file_loads_with_only_a_token_added() -> None:
    settings = load_settings_file(EXAMPLE, {"api_token": TOKEN})
    assert settings.api_path == EXAMPLE_API_PATH
    assert settings.api_token.reveal() == TOKEN
    assert settings == StoreSettings.from_dict(BASE)  # everything set is a default
    assert "api_token" not in tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


COMMENTED = re.compile(r"^# (\w+) = (.+)$", flags=re.MULTILINE)


def test_the_example_file_names_every_setting_and_each_commented_one_loads() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    named = set(re.findall(r"^(?:# )?(\w+) = ", text, flags=re.MULTILINE))
    assert named == set(setting_names())
    commented = {match.group(1) for match in COMMENTED.finditer(text)}
    assert "api_token" in commented
    # Removing every "# " in front of a setting gives a file that loads as it is.
    settings = StoreSettings.from_toml(COMMENTED.sub(r"\1 = \2", text))
    assert settings.b2b_employees == ("ANN", "BOB")
    assert settings.last_update is not None


LOADERS = {
    "dict": lambda text: StoreSettings.from_dict(json.loads(text)),
    "json": StoreSettings.from_json,
    "toml": lambda text: StoreSettings.from_toml(
        "\n".join(f"{key} = {json.dumps(value)}" for key, value in json.loads(text).items())
    ),
}


@pytest.mark.parametrize("form", sorted(LOADERS))
def test_an_unknown_key_is_refused_naming_it_and_the_nearest_setting(form: str) -> None:
    data = {"api_pth": EXAMPLE_API_PATH, "api_token": TOKEN}
    with pytest.raises(SettingsError) as caught:
        LOADERS[form](json.dumps(data))
    assert caught.value.problems == [f"api_pth: {TYPO}"]
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "nearest"),
    [("token", "api_token"), ("autoimport", "auto_import"), ("notify", "notify_to")],
)
def test_the_nearest_setting_is_suggested(key: str, nearest: str) -> None:
    with pytest.raises(SettingsError, match=f"did you mean '{nearest}'"):
        StoreSettings.from_dict({**BASE, key: "x"})


def test_an_unknown_key_with_no_near_setting_points_to_the_reference() -> None:
    with pytest.raises(SettingsError) as caught:
        StoreSettings.from_dict({**BASE, "colour": "red", "endpoint": "x"})
    assert caught.value.problems == [
        "colour: unknown setting 'colour' (docs/settings.md lists every setting)",
        "endpoint: unknown setting 'endpoint' (docs/settings.md lists every setting)",
    ]


def test_an_unknown_key_is_shown_short_and_without_control_characters() -> None:
    key = "\x1b]0;owned\x07" + "k" * 500
    with pytest.raises(SettingsError) as caught:
        StoreSettings.from_dict({**BASE, key: 1})
    message = str(caught.value)
    assert "\x1b" not in message
    assert "\x07" not in message
    assert len(message) < 200


def test_toml_errors_say_where_without_quoting_the_text() -> None:
    with pytest.raises(SettingsError) as caught:
        StoreSettings.from_toml(f'api_path = "{EXAMPLE_API_PATH}"\napi_token = "{TOKEN}\x07"\n')
    assert str(caught.value) == "invalid store settings: not valid TOML (at line 2, column 31)"


@pytest.mark.parametrize("name", ["store.toml", "store.json"])
def test_a_settings_file_with_an_unknown_key_is_refused_naming_the_file(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    data = {"api_pth": EXAMPLE_API_PATH}
    text = f'api_pth = "{EXAMPLE_API_PATH}"\n' if name.endswith(".toml") else json.dumps(data)
    path.write_text(text, "utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings_file(path, {"api_token": TOKEN})
    assert caught.value.problems == [f"{path}: {TYPO}"]
    # Without POSIX modes (Windows) the keys are checked all the same.
    with pytest.raises(SettingsError, match=re.escape(TYPO)):
        check_settings_file(path, data, None)


@pytest.mark.parametrize("name", ["store.toml", "store.json"])
def test_the_command_line_shows_an_unknown_key_as_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    path = tmp_path / name
    if name.endswith(".toml"):
        path.write_text(f'api_pth = "{EXAMPLE_API_PATH}"\n', "utf-8")
    else:
        path.write_text(json.dumps({"api_pth": EXAMPLE_API_PATH}), "utf-8")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert main(["check", "--settings", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"bigcommerce-connect check: invalid store settings: {path}: {TYPO}\n"


def test_the_refusal_the_reference_shows_is_what_the_command_line_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (shown,) = code_blocks("text")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    Path("store.toml").write_text(f'api_pth = "{EXAMPLE_API_PATH}"\n', "utf-8")
    assert main(["sync", "--settings", "store.toml"]) == 1
    assert capsys.readouterr().err == shown
    assert not Path("bigcommerce-connect.db").exists()


def test_the_scheduling_guide_says_scheduled_runs_need_auto_import() -> None:
    guide = (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    assert "auto_import = true" in guide
    assert 'skipped == "auto_import is off"' in guide
    assert "settings.md#auto_import-scheduled-runs" in guide
    assert "## `auto_import`: scheduled runs" in REFERENCE.read_text(encoding="utf-8")
