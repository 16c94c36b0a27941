"""The package's layering, checked from the source: no upward import, no import cycle.

Every import counts — module level, inside functions and under ``TYPE_CHECKING`` — because
each one is a dependency a reader has to hold in mind, and a hidden one is how cycles grow.
The layers (docs/architecture.md draws them), bottom to top:

1. foundation: errors, values, transport, secret, api_path, retry, ratelimit, repairs, paging,
   batch results, status, clock, the ``Requester`` protocol
2. models, records, resources (typed endpoint groups over a ``Requester``)
3. client (builds the resources; its parts: client_requests, client_sending, client_answers,
   client_paging), settings (and building a client from them), settings_files
4. mapping
5. ports, notifications
6. sync, export
7. adapters, cli, testing, contrib (integrations with other engines, e.g. Celery)

The sandbox imports nothing of the SDK outside ``sandbox``; the package root may import
anything (it re-exports the public API).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "bigcommerce_connect"
SOURCE = Path(__file__).resolve().parents[1] / "src"

LAYERS: dict[str, int] = {
    **dict.fromkeys(
        [
            "_version",
            "errors",
            "values",
            "transport",
            "secret",
            "api_path",
            "retry",
            "ratelimit",
            "repairs",
            "_paging",
            "batch",
            "status",
            "clock",
            "requester",
        ],
        1,
    ),
    **dict.fromkeys(["models", "records", "resources", "shipments", "order_changes"], 2),
    **dict.fromkeys(
        ["client", "client_answers", "client_paging", "client_requests", "client_sending"], 3
    ),
    **dict.fromkeys(["settings", "settings_files"], 3),
    "mapping": 4,
    **dict.fromkeys(["ports", "notifications"], 5),
    **dict.fromkeys(["sync", "export"], 6),
    **dict.fromkeys(["adapters", "cli", "testing", "contrib"], 7),
    "__main__": 8,  # ``python -m bigcommerce_connect``: runs the CLI
}


def modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is a package's ``__init__``)."""
    found = {}
    for path in (SOURCE / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def imported_names(
    module: str, is_package: bool, node: ast.Import | ast.ImportFrom
) -> Iterator[str]:
    """The absolute names an import statement may load (the module and, for ``from``, each
    imported name as a possible submodule)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if node.level:
        base = module.split(".")[: None if is_package else -1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join([*base, *([node.module] if node.module else [])])
    else:
        prefix = node.module or ""
    yield prefix
    yield from (f"{prefix}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its source."""
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, (path, is_package) in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for name in imported_names(module, is_package, node):
                # A module's own package __init__ runs first anyway: not a dependency.
                if name in known and name != module and not module.startswith(name + "."):
                    graph[module].add(name)
    return graph


def area(module: str) -> str:
    """The top-level area of a module (``sync`` for ``bigcommerce_connect.sync.orders``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_every_area_has_a_layer() -> None:
    areas = {area(m) for m in modules()} - {"", "sandbox"}
    assert sorted(areas - set(LAYERS)) == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        for target in targets
        if area(module) in LAYERS
        and area(target) in LAYERS
        and LAYERS[area(target)] > LAYERS[area(module)]
    )
    assert upward == []


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_sandbox_imports_nothing_of_the_sdk_outside_itself() -> None:
    leaks = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if area(module) == "sandbox"
        for target in targets
        if area(target) not in ("sandbox", "")
    )
    assert leaks == []


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert area("bigcommerce_connect.sync.orders") == "sync"
    assert LAYERS["client"] > LAYERS["resources"] > LAYERS["transport"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import bigcommerce_connect.client", ["bigcommerce_connect.client"]),
        (
            "from ..client import BigCommerceClient",
            ["bigcommerce_connect.client", "bigcommerce_connect.client.BigCommerceClient"],
        ),
        (
            "from . import orders",
            ["bigcommerce_connect.sync", "bigcommerce_connect.sync.orders"],
        ),
    ],
)
def test_relative_and_absolute_imports_resolve(source: str, expected: list[str]) -> None:
    node = ast.parse(source).body[0]
    assert isinstance(node, (ast.Import, ast.ImportFrom))
    assert list(imported_names("bigcommerce_connect.sync.customers", False, node)) == expected
