"""The SQLite adapters pass the same contract every host adapter must pass."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.testing.contract import AdapterContract


class TestSqliteAdapters(AdapterContract):
    absent_ports = frozenset({"credit_limits", "order_changes"})

    @pytest.fixture(autouse=True)
    def _database_file(self, tmp_path: Path) -> Iterator[None]:
        # make_erp takes no path: give each test its own file and close what it opened.
        self._path = tmp_path / "erp.db"
        self._opened: list[SqliteErp] = []
        yield
        for erp in self._opened:
            erp.close()

    def make_erp(self, items: Sequence[ItemRef]) -> SqliteErp:
        erp = SqliteErp(self._path, items=items)
        self._opened.append(erp)
        return erp
