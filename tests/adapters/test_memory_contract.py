"""The in-memory adapters pass the same contract every host adapter must pass."""

from __future__ import annotations

from collections.abc import Sequence

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.testing.contract import AdapterContract


class TestMemoryAdapters(AdapterContract):
    absent_ports = frozenset({"credit_limits"})

    def make_erp(self, items: Sequence[ItemRef]) -> MemoryErp:
        return MemoryErp(items=items)
