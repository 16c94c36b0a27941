"""Write docs/api.md: every public name of the SDK's modules with its one-line summary.

.venv/bin/python scripts/gen_api_reference.py

A class or function is summed up by the first line of its own docstring. A constant (any
other object) has no docstring of its own: ``inspect.getdoc`` would give its type's ("dict()
-> new empty dictionary"), so its summary comes from where it is assigned in the package's
source, the string literal right after the assignment (an attribute docstring) or the ``#:``
comment right before it; plain values (text, numbers, tuples, durations) show their value
too. A constant without either shows its value alone, or nothing. ``tests/test_api_reference.py``
checks that docs/api.md is what this script writes, and that no summary is a type's docstring.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import typing
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "bigcommerce_connect"
TARGET = ROOT / "docs" / "api.md"
MODULES = (
    ("bigcommerce_connect", "Top level: client, settings, statuses, errors, mappings, sync"),
    ("bigcommerce_connect.values", "The one codec for wire dates, money and query values"),
    ("bigcommerce_connect.models", "Typed wire models and conversions"),
    ("bigcommerce_connect.resources", "Endpoint groups (client.orders, client.products ...)"),
    ("bigcommerce_connect.mapping", "The mapping DSL"),
    ("bigcommerce_connect.records", "Canonical ERP records"),
    ("bigcommerce_connect.clock", "The clocks: the Clock protocol, the system and a fixed clock"),
    ("bigcommerce_connect.ports", "Protocols the host implements"),
    ("bigcommerce_connect.sync", "Importers, runner, webhooks, reports"),
    ("bigcommerce_connect.sync.quarantine", "A run's quarantine and its text helpers"),
    ("bigcommerce_connect.export", "Product, inventory and B2B export"),
    ("bigcommerce_connect.adapters.memory", "In-memory adapters (tests)"),
    ("bigcommerce_connect.adapters.sql", "The repositories both SQL adapters share"),
    ("bigcommerce_connect.adapters.sqlite", "SQLite adapters (demo and small users)"),
    # adapters.postgres is not listed: it imports psycopg (the postgres extra), and this page
    # is checked by a test that runs without the extras. docs/adapters.md describes it.
    ("bigcommerce_connect.contrib.celery", "Many stores on Celery (celery itself not imported)"),
    ("bigcommerce_connect.contrib.stores", "Stores by id: the store directory of the queues"),
    ("bigcommerce_connect.sandbox", "The local sandbox store"),
    ("bigcommerce_connect.testing.contract", "The adapter contract suite"),
)
#: Values shown as they are: short, and their repr says what they are.
PLAIN = (str, int, float, tuple, frozenset, timedelta, Decimal)
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Row:
    """One public name of a module, as docs/api.md lists it."""

    name: str
    kind: str
    summary: str
    obj: object

    def line(self) -> str:
        """The Markdown table row."""
        return f"| `{self.name}` | {self.kind} | {self.summary.replace('|', '/')} |"


def first_line(doc: str | None) -> str:
    """The first line of a docstring, or ``""``."""
    text = inspect.cleandoc(doc) if doc else ""
    return text.splitlines()[0] if text else ""


def kind(obj: object) -> str:
    """class, function, type alias or constant."""
    if is_alias(obj):  # first: on Python 3.10 some aliases pass for classes
        return "type alias"
    if inspect.isclass(obj):
        return "class"
    if inspect.isroutine(obj):
        return "function"
    return "constant"


def is_alias(obj: object) -> bool:
    """Whether ``obj`` is a parameterised type such as ``Callable[[SyncContext], int]``."""
    return typing.get_origin(obj) is not None


def summary(obj: object, name: str) -> str:
    """The one-line summary of ``obj``, never a docstring it only inherits."""
    if not is_alias(obj) and (inspect.isclass(obj) or inspect.isroutine(obj)):
        # A class's own __doc__ only: inspect.getdoc would fall back to a base class's.
        return first_line(vars(obj).get("__doc__") if inspect.isclass(obj) else obj.__doc__)
    doc = attribute_doc(name, obj)
    if isinstance(obj, PLAIN):
        value = value_text(obj)
        return f"{doc} ({value})" if doc else value
    if doc:
        return doc
    own_type = type(obj)
    if own_type.__module__.startswith("bigcommerce_connect"):
        return first_line(own_type.__doc__)  # the SDK's own marker types say what they mark
    return ""


def value_text(obj: object) -> str:
    """The value's repr in backticks, shortened to ``VALUE_WIDTH`` characters."""
    text = repr(obj)
    if len(text) > VALUE_WIDTH:
        text = text[: VALUE_WIDTH - 3] + "..."
    return f"`{text}`"


def attribute_doc(name: str, obj: object) -> str:
    """The attribute docstring or ``#:`` comment where ``name`` is assigned to ``obj``."""
    for module_name, doc in assignments().get(name, ()):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # a module of an optional extra not installed (adapters.postgres)
        if getattr(module, name, None) is obj:
            return doc
    return ""


@cache
def assignments() -> dict[str, tuple[tuple[str, str], ...]]:
    """Every module-level assignment in the package: name -> ((module, first doc line), ...)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module_name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        body = ast.parse(source).body
        for index, statement in enumerate(body):
            target = assigned_name(statement)
            if target is None:
                continue
            after = body[index + 1] if index + 1 < len(body) else None
            doc = docstring_after(after) or comment_before(lines, statement.lineno)
            found.setdefault(target, []).append((module_name, doc))
    return {name: tuple(places) for name, places in found.items()}


def assigned_name(statement: ast.stmt) -> str | None:
    """The one name a module-level assignment binds, if it is one."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def docstring_after(statement: ast.stmt | None) -> str:
    """The first line of a string-literal statement (an attribute docstring), or ``""``."""
    if (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    ):
        return first_line(statement.value.value)
    return ""


def comment_before(lines: list[str], lineno: int) -> str:
    """The first sentence of the ``#:`` comment right above line ``lineno`` (1-based)."""
    comment: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        comment.insert(0, lines[index].strip()[2:].strip())
        index -= 1
    text = " ".join(comment)
    sentence = re.match(r"(.+?\.)(?:\s|$)", text)
    return sentence.group(1) if sentence else text


def rows(module_name: str) -> list[Row]:
    """The table rows of one module's public names, sorted by name."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    found = []
    for name in sorted(names):
        obj = getattr(module, name)
        found.append(Row(name, kind(obj), summary(obj, name), obj))
    return found


def section(module_name: str, title: str) -> list[str]:
    """One module's heading and table."""
    lines = [
        f"## `{module_name}`",
        "",
        title + ".",
        "",
        "| name | kind | summary |",
        "|---|---|---|",
    ]
    return [*lines, *(row.line() for row in rows(module_name)), ""]


def render() -> str:
    """The whole of docs/api.md."""
    lines = [
        "# API reference",
        "",
        "Generated by `python scripts/gen_api_reference.py` from the docstrings; every name",
        "below is importable from its module. Start with `BigCommerceClient`, `StoreSettings`,",
        "`StoreImporter` / `SyncRunner` and the guides in this folder.",
        "",
    ]
    for module_name, title in MODULES:
        lines.extend(section(module_name, title))
    return "\n".join(lines)


def main() -> None:
    """Write docs/api.md."""
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
