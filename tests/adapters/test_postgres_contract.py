"""The PostgreSQL adapters pass the same contract every host adapter must pass."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.testing.contract import AdapterContract

pytest.importorskip(
    "psycopg", reason="the postgres extra is not installed (pip install -e '.[postgres]')"
)

from bigcommerce_connect.adapters.postgres import PostgresErp


class TestPostgresAdapters(AdapterContract):
    absent_ports = frozenset({"credit_limits", "order_changes"})

    @pytest.fixture(autouse=True)
    def _database(self, postgres_conninfo: str) -> Iterator[None]:
        # make_erp takes no database: give each test its own and close what it opened.
        self._conninfo = postgres_conninfo
        self._opened: list[PostgresErp] = []
        yield
        for erp in self._opened:
            erp.close()

    def make_erp(self, items: Sequence[ItemRef]) -> PostgresErp:
        erp = PostgresErp(self._conninfo, schema="shop", items=items)
        self._opened.append(erp)
        return erp
