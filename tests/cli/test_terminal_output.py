"""Store-provided text reaches the terminal without escape sequences, controls or bidi overrides."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.display import json_text, terminal_text
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox

# Clear the screen, turn red, ring the bell, flip the rest of the line right-to-left.
NASTY = "\x1b[2J\x1b[31m\x07\u202e"
# ESC, BEL and every other C0/DEL/C1 control but the newline, 8-bit CSI included, and the
# bidi embeddings, overrides and isolates.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def assert_clean(raw: str, *, sequences_dropped: bool = True) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(raw)})
    assert not found, f"terminal controls in the output: {found}"
    if sequences_dropped:  # plain lines drop a sequence whole; JSON keeps it escaped
        assert "[2J" not in raw
        assert "[31m" not in raw


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=60, customers=15, products=10)) as sandbox:
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def store_flags(sb: Sandbox) -> list[str]:
    return ["--api-path", sb.api_path, "--allow-insecure-host"]


def test_statuses_print_a_hostile_label_inert(
    sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    sb.store.rename_status(11, f"Ready{NASTY} to Pick")
    assert main(["statuses", *store_flags(sb)]) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    line = next(line for line in out.splitlines() if line.lstrip().startswith("11 "))
    assert "Ready" in line
    assert "to Pick" in line
    assert "(system: Awaiting Fulfillment)" in line


def test_categories_print_a_hostile_name_inert(
    sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    with sb.store.locked() as store:
        category = next(iter(store.categories.values()))
        category["name"] = f"Shoes{NASTY}Sale"
    assert main(["categories", *store_flags(sb)]) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    assert re.search(r"Shoes\S*Sale", out)


def hostile_skus(sb: Sandbox) -> None:
    """Every order line gets a SKU no ERP item has: the summary warns, naming the SKU."""
    with sb.store.locked() as store:
        for order_id in list(store.orders):
            for line in store.order_products[order_id]:
                line["sku"] = f"SKU{NASTY}X"


def test_sync_summary_prints_store_text_inert(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile_skus(sb)
    assert main(["sync", *store_flags(sb), "--db", str(tmp_path / "erp.db")]) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    assert "no ERP item has SKU SKU" in out


def test_sync_json_keeps_the_text_escaped_by_json(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile_skus(sb)
    assert main(["sync", *store_flags(sb), "--db", str(tmp_path / "erp.db"), "--json"]) == 0
    out = capsys.readouterr().out
    assert_clean(out, sequences_dropped=False)
    messages = [note["message"] for note in json.loads(out)["notifications"]]
    assert any(message.endswith(f"SKU{NASTY}X") for message in messages)


def test_mapping_names_and_errors_print_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "erp.db")
    hostile = f"Mine{NASTY}\x9b2J"
    assert main(["mappings", "--db", db, "save-as", "automatic:order_import", hostile]) == 0
    assert main(["mappings", "--db", db, "list"]) == 0
    assert main(["mappings", "--db", db, "show", hostile]) == 0
    assert main(["mappings", "--db", db, "show", f"nope{NASTY}"]) == 1
    captured = capsys.readouterr()
    assert_clean(captured.out, sequences_dropped=False)
    assert_clean(captured.err, sequences_dropped=False)  # the error escapes the name
    assert "nope" in captured.err
    plain, _, shown_json = captured.out.partition("{")
    assert_clean(plain)
    assert "saved Mine" in plain
    assert "\nMine" in plain
    shown = json.loads("{" + shown_json)
    assert shown["name"] == hostile  # the JSON still holds the name, escaped by JSON


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;owned\x07Title", "Title"),  # OSC (window title) to BEL
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink to ST
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("\x1bcReset", "Reset"),  # a two-character ESC sequence
        ("\x1b]unterminated", "unterminated"),  # only the introducer goes
        ("two\nlines\r", "two\\nlines\\r"),  # no forged output lines
        ("ring\x07\u202eflip\u2066", "ring\\x07\\u202eflip\\u2066"),
        ("Zoë  O'Néill\t", "Zoë  O'Néill\\t"),  # readable text and spacing kept
    ],
)
def test_terminal_text(text: str, shown: str) -> None:
    assert terminal_text(text) == shown
    assert terminal_text(terminal_text(text)) == shown


def test_json_text_is_valid_json_without_raw_controls() -> None:
    value = {"name": f"Zoë{NASTY}\x85\x7f\u2028"}
    raw = json_text(value, indent=2)
    assert_clean(raw, sequences_dropped=False)
    assert json.loads(raw) == value
    assert "Zoë" in raw
