"""The distribution's metadata and the repository's housekeeping, read from the files.

The license file matches the metadata, the classifiers match ``requires-python``, the
``test`` extra is what the tests import (developer tools live in ``dev``), the ``contract``
extra is only pytest, and the files the CLI writes by default are ignored by git.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"

# Distributions whose import name differs from their name, or that are used without an import.
IMPORT_NAMES = {
    "pyyaml": "yaml",
    "openapi-schema-validator": "openapi_schema_validator",
    "pytest-timeout": None,  # the ``timeout`` ini option in pyproject.toml
    "tomli": None,  # imported by name through importlib on Python 3.10 (test_dependencies)
}
DEV_TOOLS = {"mypy", "ruff", "types-pyyaml", "bigcommerce"}


@cache
def project() -> dict[str, Any]:
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    for name in ("tomllib", "tomli"):  # tomli is the same module on Python 3.10
        try:
            parsed: dict[str, Any] = importlib.import_module(name).loads(text)
        except ModuleNotFoundError:
            continue
        return dict(parsed["project"])
    pytest.skip("no TOML reader (install the test extra)")


def extra(name: str) -> dict[str, Requirement]:
    found = (Requirement(line) for line in project()["optional-dependencies"][name])
    return {req.name.lower(): req for req in found}


def local_modules() -> set[str]:
    """Top-level names the tests import from the tests tree itself (support, conftest...)."""
    return {path.stem for path in TESTS.rglob("*.py")} | {
        path.name for path in TESTS.iterdir() if path.is_dir()
    }


def top_level_imports(path: Path) -> set[str]:
    """The top-level modules ``path`` imports absolutely, anywhere in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names)


@cache
def imported_by_tests() -> frozenset[str]:
    """Third-party top-level modules imported anywhere under tests/."""
    names = set().union(*(top_level_imports(path) for path in TESTS.rglob("*.py")))
    return frozenset(names - local_modules() - {"bigcommerce_connect"})


def test_the_license_file_is_the_mit_license_the_metadata_names() -> None:
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"Copyright \(c\) \d{4} bigcommerce-connect contributors", text)
    assert project()["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in project()["classifiers"]


def test_classifiers_name_every_supported_python_and_the_status() -> None:
    classifiers = project()["classifiers"]
    versions = [
        c.rsplit(" :: ", 1)[1]
        for c in classifiers
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert versions == ["3.10", "3.11", "3.12", "3.13"]
    assert project()["requires-python"] == f">={versions[0]}"
    assert "Typing :: Typed" in classifiers
    assert (ROOT / "src" / "bigcommerce_connect" / "py.typed").is_file()
    assert [c for c in classifiers if c.startswith("Development Status :: ")] == [
        "Development Status :: 4 - Beta"
    ]
    assert any(c.startswith("Topic :: ") for c in classifiers)
    assert "Intended Audience :: Developers" in classifiers
    assert project()["keywords"]


def test_urls_if_any_are_absolute() -> None:
    for label, url in project().get("urls", {}).items():
        assert url.startswith("https://"), f"{label}: {url} is not an absolute https URL"


def test_the_contract_extra_is_only_pytest() -> None:
    # A host running the adapter contract installs nothing of the SDK's own toolchain.
    assert set(extra("contract")) == {"pytest"}
    imported = top_level_imports(ROOT / "src" / "bigcommerce_connect" / "testing" / "contract.py")
    runtime = {Requirement(line).name for line in project()["dependencies"]}
    assert "pytest" in imported
    assert imported <= {"bigcommerce_connect", "pytest"} | runtime


#: Extras some tests need beside ``test``; .ci/run installs them, the tests skip without them.
OPTIONAL_TEST_EXTRAS = ("postgres", "celery", "recipes")


def test_the_test_extra_is_what_the_tests_import() -> None:
    test = extra("test")
    assert not DEV_TOOLS & set(test), "developer tools belong in the dev extra"
    assert set(extra("dev")) >= DEV_TOOLS
    modules = {name: IMPORT_NAMES.get(name, name.replace("-", "_")) for name in test}
    runtime = {Requirement(line).name for line in project()["dependencies"]}
    imported = imported_by_tests()
    # The official client is a dev tool: its one test skips without it (importorskip). The
    # servers' clients (PostgreSQL, Celery, Redis) come with the optional extras CI installs;
    # their tests skip, saying which extra, without them.
    optional = {
        IMPORT_NAMES.get(name, name.replace("-", "_"))
        for extra_name in OPTIONAL_TEST_EXTRAS
        for name in extra(extra_name)
    }
    missing = imported - {"bigcommerce"} - set(modules.values()) - runtime - optional
    assert not missing, f"the tests import {sorted(missing)}, which no extra installs"
    unused = sorted(name for name, module in modules.items() if module and module not in imported)
    assert not unused, f"the test extra installs {unused}, which no test imports"


def test_ci_installs_the_tools_and_tries_the_oldest_python() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert '".[test,dev]"' in script
    assert "python3.10" in script


def test_git_ignores_what_the_cli_and_the_tests_write() -> None:
    ignored = set((ROOT / ".gitignore").read_text("utf-8").splitlines())
    assert {"*.db", "*.sqlite", "mappings/", ".hypothesis/"} <= ignored
    assert "benchmarks/results/quick.json" in ignored


def test_the_system_clock_is_imported_from_its_home() -> None:
    # adapters.memory re-exports it for old code; the SDK, its tests and docs use clock.
    stale = re.compile(r"from bigcommerce_connect\.adapters\.memory import [^\n]*\bSystemClock\b")
    places = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for folder in ("src", "tests", "examples", "benchmarks"):
        places.extend((ROOT / folder).rglob("*.py"))
    found = [str(p.relative_to(ROOT)) for p in places if stale.search(p.read_text("utf-8"))]
    assert found == []
