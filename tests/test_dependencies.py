"""The runtime dependencies: floors without known advisories, every major bounded."""

from __future__ import annotations

import importlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def read_toml(text: str) -> dict[str, Any]:
    for name in ("tomllib", "tomli"):  # tomli is the same module on Python 3.10
        try:
            parsed: dict[str, Any] = importlib.import_module(name).loads(text)
        except ModuleNotFoundError:
            continue
        return parsed
    pytest.skip("no TOML reader (install the test extra)")


def requirements() -> dict[str, Requirement]:
    project = read_toml(PYPROJECT.read_text("utf-8"))["project"]
    found = (Requirement(line) for line in project["dependencies"])
    return {req.name.lower().replace("_", "-"): req for req in found}


def test_every_dependency_has_an_upper_bound_on_the_next_major() -> None:
    reqs = requirements()
    assert set(reqs) == {"attrs", "cattrs", "urllib3", "typing-extensions"}
    for name, req in reqs.items():
        assert any(spec.operator == "<" for spec in req.specifier), f"{name} has no upper bound"
        installed = Version(version(name))
        assert req.specifier.contains(installed), f"{name} {installed} is outside {req}"
        next_major = Version(f"{installed.major + 1}")
        assert not req.specifier.contains(next_major), f"{name} admits {next_major}"


def test_urllib3_floor_has_the_decompression_fixes() -> None:
    spec = requirements()["urllib3"].specifier
    assert not spec.contains("2.5.0")  # decompression-bomb advisories, fixed in 2.6
    assert spec.contains("2.6.0")
    assert not spec.contains("3.0.0")
