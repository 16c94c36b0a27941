"""docs/api.md is what scripts/gen_api_reference.py writes, and shows no borrowed docstring.

A constant has no docstring of its own: ``inspect.getdoc`` gives its type's, so a reference
built naively shows "dict() -> new empty dictionary" or "Difference between two datetime
values." beside the SDK's names. The generator takes a constant's summary from its ``#:``
comment or attribute docstring instead, and a class's from its own docstring only.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "gen_api_reference.py"
API_MD = ROOT / "docs" / "api.md"


@pytest.fixture(scope="module")
def generator() -> Iterator[ModuleType]:
    """scripts/gen_api_reference.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_api_reference", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while being made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_docs_api_md_is_up_to_date(generator: ModuleType) -> None:
    written = API_MD.read_text(encoding="utf-8")
    assert written == generator.render(), (
        "docs/api.md is stale: run .venv/bin/python scripts/gen_api_reference.py"
    )


def test_no_summary_is_a_docstring_borrowed_from_a_type_or_base(generator: ModuleType) -> None:
    borrowed = []
    for module_name, _title in generator.MODULES:
        for row in generator.rows(module_name):
            if row.summary and row.summary in foreign_docs(row.obj):
                borrowed.append(f"{module_name}.{row.name}: {row.summary}")
    assert borrowed == []


def test_the_known_builtin_docstrings_are_gone() -> None:
    text = API_MD.read_text(encoding="utf-8")
    assert "dict() -> new empty dictionary" not in text
    assert "Difference between two datetime values." not in text


def test_constants_take_their_comment_or_attribute_docstring(generator: ModuleType) -> None:
    by_name = {row.name: row for row in generator.rows("bigcommerce_connect.mapping")}
    # An attribute docstring (a string right after the assignment) of a dict.
    assert by_name["TRANSFORMS"].summary == "Every built-in transform by name."
    sync = {row.name: row for row in generator.rows("bigcommerce_connect.sync")}
    # A ``#:`` comment, of a type alias.
    assert sync["InventoryStep"].kind == "type alias"
    assert sync["InventoryStep"].summary.startswith("Pushes ERP stock to the store")


def foreign_docs(obj: object) -> set[str]:
    """First lines of docstrings ``obj`` could inherit from outside the SDK."""
    owners = inspect.getmro(obj)[1:] if inspect.isclass(obj) else inspect.getmro(type(obj))
    docs = set()
    for owner in owners:
        if owner.__module__.startswith("bigcommerce_connect"):
            continue
        text = inspect.cleandoc(owner.__doc__ or "")
        if text:
            docs.add(text.splitlines()[0])
    return docs
