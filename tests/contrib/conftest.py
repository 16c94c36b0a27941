"""Fixtures of the contrib tests: a folder of sandbox stores, and integrations over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.recipes import Registry
from support.sandboxes import StartSandbox


@pytest.fixture
def registry(tmp_path: Path, start_sandbox: StartSandbox) -> Registry:
    """An empty store folder (settings files, SQLite ERPs) with one sandbox per store."""
    folder = tmp_path / "stores"
    folder.mkdir()
    return Registry(folder, start_sandbox)
