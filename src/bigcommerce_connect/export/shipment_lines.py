"""From an ERP shipment to the store's body: order lines by id or SKU, the address, matching.

:func:`shipment_body` turns an :class:`~bigcommerce_connect.shipments.ErpShipment` into the
:class:`~bigcommerce_connect.models.NewShipment` the store takes. A line named by SKU, or a
shipment without its address, needs the order's lines (:class:`OrderLines`, read once per
order); a shipment naming every line id and its address needs none, so it costs no read.

:func:`same_shipment` is how a store shipment is recognised as the one an ERP shipment made
(after a lost answer or a crash before the bind): the same tracking number, the same lines
with the same quantities, the same address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable

from bigcommerce_connect.errors import ConnectError
from bigcommerce_connect.models import NewShipment, OrderProduct, Shipment
from bigcommerce_connect.shipments import ErpShipment, ErpShipmentLine

__all__ = [
    "LineError",
    "OrderLines",
    "find_same",
    "needs_lines",
    "same_shipment",
    "shipment_body",
]


class LineError(ConnectError, ValueError):
    """The shipment cannot be made from the order's lines (an unknown SKU, no one address)."""

    code = "shipment_lines"


def needs_lines(shipment: ErpShipment) -> bool:
    """True when building the body needs the order's lines (a SKU line, or no address)."""
    return shipment.order_address_id is None or any(
        line.order_product_id is None for line in shipment.lines
    )


class OrderLines:
    """One order's lines as read once, and what this run has shipped of each since."""

    def __init__(self, order_id: int, lines: Iterable[OrderProduct]) -> None:
        self.order_id = order_id
        self._lines = list(lines)
        self._by_id = {line.id: line for line in self._lines}
        self._sent: Counter[int] = Counter()

    def left(self, line: OrderProduct) -> int:
        """What is still to ship of a line, as far as this run knows."""
        shipped = (line.quantity_shipped or 0) + self._sent[line.id]
        return (line.quantity or 0) - shipped

    def line_for(self, wanted: ErpShipmentLine) -> OrderProduct:
        """The order line a shipment line names: by id, else the first SKU line with room."""
        if wanted.order_product_id is not None:
            line = self._by_id.get(wanted.order_product_id)
            if line is None:
                raise LineError(f"order {self.order_id} has no line {wanted.order_product_id}")
            return line
        candidates = [line for line in self._lines if line.sku == wanted.sku]
        if not candidates:
            raise LineError(f"order {self.order_id} has no line with SKU {wanted.sku!r}")
        for line in candidates:
            if self.left(line) >= wanted.quantity:
                return line
        # None has room: the store refuses the over-shipped line with its own message.
        return candidates[0]

    def sent(self, body: NewShipment) -> None:
        """Count a shipment the store made, so the next SKU line looks for room past it."""
        self._sent.update(body.item_counts())


def shipment_body(shipment: ErpShipment, lines: OrderLines | None) -> NewShipment:
    """The store's body for an ERP shipment (``lines`` needed when :func:`needs_lines`)."""
    items: Counter[int] = Counter()
    addresses: set[int] = set()
    for wanted in shipment.lines:
        if wanted.order_product_id is not None and lines is None:
            items[wanted.order_product_id] += wanted.quantity
            continue
        if lines is None:
            raise LineError(f"shipment {shipment.local_id} needs its order's lines")
        line = lines.line_for(wanted)
        items[line.id] += wanted.quantity
        if line.order_address_id is not None:
            addresses.add(line.order_address_id)
    return NewShipment(
        order_address_id=_address(shipment, addresses),
        items=dict(items),
        tracking_number=shipment.tracking_number.strip(),
        shipping_provider=shipment.shipping_provider.strip(),
        tracking_carrier=shipment.tracking_carrier.strip(),
        shipping_method=shipment.shipping_method,
        comments=shipment.comments,
    )


def _address(shipment: ErpShipment, addresses: set[int]) -> int:
    if shipment.order_address_id is not None:
        return shipment.order_address_id
    if len(addresses) == 1:
        return addresses.pop()
    if not addresses:
        raise LineError(f"shipment {shipment.local_id}: its lines name no shipping address")
    raise LineError(
        f"shipment {shipment.local_id}: its lines ship to {len(addresses)} addresses; "
        "set order_address_id (one shipment goes to one address)"
    )


def same_shipment(candidate: Shipment, body: NewShipment) -> bool:
    """Whether a store shipment is the one ``body`` makes: tracking, lines, address."""
    if (candidate.tracking_number or "").strip() != body.tracking_number:
        return False
    if candidate.order_address_id is not None and candidate.order_address_id != (
        body.order_address_id
    ):
        return False
    return candidate.item_counts() == body.item_counts()


def find_same(
    shipments: Iterable[Shipment], body: NewShipment, taken: Container[int]
) -> Shipment | None:
    """The first store shipment that is ``body``'s and not bound already (``taken``)."""
    for candidate in shipments:
        if candidate.id not in taken and same_shipment(candidate, body):
            return candidate
    return None
