"""v2 order shipments: list, count, get, create, update, delete one.

Creating a shipment is a POST: the client never sends it twice, so a create whose answer was
lost (a timeout, a cut or empty 2xx, a 5xx) raises, and the store may have made the shipment.
Read the order's shipments (:meth:`ShipmentsResource.list`) before creating it again; the
shipment export does exactly that. The collection DELETE (every shipment of an order) is
deliberately absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bigcommerce_connect.models import NewShipment, Shipment
from bigcommerce_connect.resources._base import Resource

__all__ = ["ShipmentsResource"]


def _path(order_id: int, shipment_id: int | None = None) -> str:
    base = f"orders/{int(order_id)}/shipments"
    return base if shipment_id is None else f"{base}/{int(shipment_id)}"


class ShipmentsResource(Resource):
    """``/v2/orders/{order_id}/shipments`` and one shipment below it."""

    def wire_list(self, order_id: int) -> Iterator[Any]:
        """Every shipment of an order as the API sent it (plain dicts), all pages."""
        yield from self._requester.iter_v2(_path(order_id))

    def list(self, order_id: int) -> Iterator[Shipment]:
        """Every shipment of an order, all pages (none: a 204, an empty iterator)."""
        for item in self.wire_list(order_id):
            yield Shipment.from_wire(item)

    def count(self, order_id: int) -> int:
        """How many shipments the order has."""
        data = self._requester.request(
            "GET", "v2", f"{_path(order_id)}/count", expect="object"
        ).data
        count = data.get("count")
        return count if isinstance(count, int) and not isinstance(count, bool) else 0

    def get(self, order_id: int, shipment_id: int) -> Shipment:
        """One shipment of an order."""
        path = _path(order_id, shipment_id)
        return Shipment.from_wire(self._requester.request("GET", "v2", path, expect="object").data)

    def create(self, order_id: int, shipment: NewShipment) -> Shipment:
        """Create a shipment (one POST, never resent); the store may move the order's status.

        Raises the typed error of a refusal (``BadRequestError`` for an over-shipped line, an
        unknown address or line) and, when the outcome is unknown, ``NetworkError``,
        ``ServerError`` or ``UnexpectedResponseError``: read :meth:`list` before trying again.
        """
        data = self._requester.request(
            "POST", "v2", _path(order_id), body=shipment.to_wire(), expect="object"
        ).data
        return Shipment.from_wire(data)

    def update(self, order_id: int, shipment_id: int, fields: Mapping[str, Any]) -> Shipment:
        """Change a shipment's tracking, carrier, method or comments (``orderShipment_Put``)."""
        path = _path(order_id, shipment_id)
        data = self._requester.request("PUT", "v2", path, body=dict(fields), expect="object").data
        return Shipment.from_wire(data)

    def delete(self, order_id: int, shipment_id: int) -> None:
        """Delete one shipment (the order's status stays as it is)."""
        self._requester.request("DELETE", "v2", _path(order_id, shipment_id))
