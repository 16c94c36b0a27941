"""Every Python example in README.md and docs/*.md runs, against a sandbox store.

The convention the examples are written to:

* The ```` ```python ```` blocks of one page run in order, in one fresh namespace per page (a
  block may use what an earlier block of the same page defined), in a temporary working
  directory, against a sandbox store started for the page.
* ``API_PATH`` and ``TOKEN`` stand for the store: the API path as the control panel shows
  it and the API account's token. The test binds them to the sandbox's (``API_PATH`` as a
  parsed path that admits the sandbox's loopback address), sets ``BIGCOMMERCE_API_TOKEN``,
  and writes ``store.json`` (the sandbox's settings, without the token) in the directory.
* A block that is not meant to run (a sketch with the host's own classes) has the comment
  ``<!-- not-run: why -->`` on the line right before it; the reason is required.

``` ```json``` blocks must parse, and those that are mapping definitions (an object with
``"format"``) must load. Other languages (bash, cron, text) are not run here.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect.api_path import parse_api_path
from bigcommerce_connect.mapping import load_definition
from support.sandboxes import StartSandbox

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)
NOT_RUN = re.compile(r"<!--\s*not-run:(?P<reason>.*?)-->")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int
    lang: str
    code: str
    #: Why it does not run (``<!-- not-run: why -->`` right before it), or None.
    not_run: str | None

    @property
    def where(self) -> str:
        """``docs/page.md:LINE``, the block's first line of code."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of ``page`` in order, each with its not-run reason if marked."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = NOT_RUN.fullmatch(before.strip())
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, match.start("body")) + 1,
                lang=match.group("lang"),
                code=match.group("body"),
                not_run=marker.group("reason").strip() if marker else None,
            )
        )
    return found


def python_pages() -> list[Path]:
    """The pages with at least one Python block meant to run."""
    return [p for p in PAGES if any(b.lang == "python" and b.not_run is None for b in blocks(p))]


def json_blocks() -> list[Block]:
    """Every JSON block meant to be read."""
    return [b for p in PAGES for b in blocks(p) if b.lang == "json" and b.not_run is None]


def test_every_not_run_marker_sits_on_a_block_and_says_why() -> None:
    problems = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        marked = {b.line for b in blocks(page) if b.not_run is not None}
        for block in blocks(page):
            if block.not_run == "":
                problems.append(f"{block.where}: not-run without a reason")
        markers = len(NOT_RUN.findall(text))
        if markers != len(marked):
            problems.append(f"{page.name}: a not-run marker is not right before a block")
    assert problems == []


def test_the_docs_have_python_examples_to_run() -> None:
    # A broken fence pattern would otherwise run nothing and pass.
    assert {p.name for p in python_pages()} >= {"README.md", "export.md", "mapping.md"}


@pytest.mark.parametrize("page", python_pages(), ids=lambda p: p.name)
def test_the_python_examples_of_a_page_run(
    page: Path, start_sandbox: StartSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = start_sandbox(seed=21, orders=20, customers=10, products=12)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", sandbox.access_token)
    store = {"api_path": sandbox.api_path, "allow_insecure_host": True, "auto_import": True}
    (tmp_path / "store.json").write_text(json.dumps(store), encoding="utf-8")
    namespace: dict[str, Any] = {
        "__name__": "__doc_example__",
        "API_PATH": parse_api_path(sandbox.api_path, allow_insecure_host=True),
        "TOKEN": sandbox.access_token,
    }
    try:
        for block in blocks(page):
            if block.lang == "python" and block.not_run is None:
                skip_without_its_extras(block)
                exec(compile(block.code, block.where, "exec"), namespace)  # noqa: S102
    finally:
        close_what_is_left(namespace)


#: Third-party modules a doc example may import, and the extra that installs each.
EXTRAS_OF = {"celery": "celery", "psycopg": "postgres", "redis": "recipes", "rq": "recipes"}


def skip_without_its_extras(block: Block) -> None:
    """Skip the rest of the page, saying why, when this block imports a missing extra."""
    for node in ast.walk(ast.parse(block.code)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            top = name.partition(".")[0]
            if top in EXTRAS_OF and importlib.util.find_spec(top) is None:
                pytest.skip(f"{block.where} needs the {EXTRAS_OF[top]} extra ({top})")


@pytest.mark.parametrize("block", json_blocks(), ids=lambda b: b.where)
def test_json_examples_parse_and_mapping_definitions_load(block: Block) -> None:
    data = json.loads(block.code)
    if isinstance(data, dict) and "format" in data:
        load_definition(data)


def close_what_is_left(namespace: dict[str, Any]) -> None:
    """Close the clients and ERPs a page keeps for its later blocks (as a host would)."""
    for value in namespace.values():
        close = getattr(value, "close", None)
        if callable(close) and type(value).__module__.startswith("bigcommerce_connect"):
            close()
