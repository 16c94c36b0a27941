"""Fixtures of the scheduling recipe tests (examples/): a store folder and fresh imports."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from support.recipes import EVERY_ENV, ROOT, STORES_ENV, ImportRecipe, Registry
from support.sandboxes import StartSandbox


@pytest.fixture
def registry(
    tmp_path: Path, start_sandbox: StartSandbox, monkeypatch: pytest.MonkeyPatch
) -> Registry:
    """An empty store folder named by the recipes' environment variable."""
    folder = tmp_path / "stores"
    folder.mkdir()
    monkeypatch.setenv(STORES_ENV, str(folder))
    monkeypatch.delenv(EVERY_ENV, raising=False)
    return Registry(folder, start_sandbox)


@pytest.fixture
def import_recipe(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImportRecipe]:
    """Import ``examples.<name>`` afresh from the repository; forgotten after the test."""
    monkeypatch.syspath_prepend(str(ROOT))

    def forget() -> None:
        for name in [n for n in sys.modules if n == "examples" or n.startswith("examples.")]:
            del sys.modules[name]

    def load(name: str) -> ModuleType:
        sys.modules.pop(f"examples.{name}", None)
        return importlib.import_module(f"examples.{name}")

    forget()
    yield load
    forget()
