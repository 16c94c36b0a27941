"""The shipment source of the SQL adapters (SQLite, PostgreSQL).

The ERP's shipments as JSON documents in the ``shipments`` table, in the order first put,
with the store order and shipment ids written beside them by the export (inside the unit of
work that writes the shipment's binding). The host-side ``put`` is the in-memory twin's
(:class:`~bigcommerce_connect.adapters.memory.MemoryShipmentSource`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bigcommerce_connect.adapters.sql.codec import dump_record, load_record
from bigcommerce_connect.adapters.sql.database import SqlDatabase
from bigcommerce_connect.adapters.sql.sources import by_ids
from bigcommerce_connect.shipments import ErpShipment

__all__ = ["SqlShipmentSource"]


class SqlShipmentSource:
    """ERP shipments for the shipment export, kept in the order first put."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def put(self, shipment: ErpShipment) -> None:
        """Add or replace a shipment (a replaced one keeps its place and its store ids)."""
        self._db.execute(
            "INSERT INTO shipments (local_id, record) VALUES (?, ?) "
            "ON CONFLICT (local_id) DO UPDATE SET record = excluded.record",
            (shipment.local_id, dump_record(shipment)),
        )

    def shipments(self, local_ids: Sequence[str] | None = None) -> Sequence[ErpShipment]:
        """The shipments asked for (all, in the order first put, when None)."""
        if local_ids is None:
            rows = self._db.all("SELECT local_id, record FROM shipments ORDER BY seq")
            return [load_record(text, ErpShipment) for _, text in rows]
        found = by_ids(
            self._db, "SELECT local_id, record FROM shipments WHERE local_id IN ({})", local_ids
        )
        return [load_record(found[key][1], ErpShipment) for key in local_ids if key in found]

    def shipment_linked(self, local_id: str, order_id: int, shipment_id: int) -> None:
        """Write the store order and shipment ids beside the shipment."""
        self._db.execute(
            "UPDATE shipments SET order_id = ?, shipment_id = ? WHERE local_id = ?",
            (int(order_id), int(shipment_id), local_id),
        )

    def store_ids(self, local_id: str) -> tuple[int, int] | None:
        """The store order id and shipment id of an exported shipment (for tests)."""
        row = self._db.one(
            "SELECT order_id, shipment_id FROM shipments WHERE local_id = ?", (local_id,)
        )
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), int(row[1])
