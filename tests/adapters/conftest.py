"""Fixtures shared by the adapter tests: a fresh SQLite ERP file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.sqlite import SqliteErp


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the test's SQLite ERP lives."""
    return tmp_path / "erp.db"


@pytest.fixture
def erp(path: Path) -> Iterator[SqliteErp]:
    """A SQLite ERP at ``path``, closed after the test."""
    with SqliteErp(path) as opened:
        yield opened
