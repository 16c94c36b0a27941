"""v3 order refunds (payment actions): an order's refunds, refunds across orders, a new refund."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bigcommerce_connect.models import Refund, structure
from bigcommerce_connect.resources._base import Resource, v3_data

__all__ = ["RefundsResource"]


class RefundsResource(Resource):
    """``/v3/orders/{id}/payment_actions/refunds`` and ``/v3/orders/payment_actions/refunds``."""

    def for_order(self, order_id: int) -> list[Refund]:
        """Every refund of one order, by refund id ascending (one call)."""
        path = f"orders/{int(order_id)}/payment_actions/refunds"
        return [structure(item, Refund) for item in self._requester.iter_v3(path)]

    def iter(
        self, *, order_ids: Iterable[int] = (), refund_ids: Iterable[int] = ()
    ) -> Iterator[Refund]:
        """Refunds across orders by refund id, optionally only of some orders or some ids."""
        params: dict[str, Any] = {}
        orders = ",".join(str(int(order_id)) for order_id in order_ids)
        refunds = ",".join(str(int(refund_id)) for refund_id in refund_ids)
        if orders:
            params["order_id:in"] = orders
        if refunds:
            params["id:in"] = refunds
        for item in self._requester.iter_v3("orders/payment_actions/refunds", params or None):
            yield structure(item, Refund)

    def create(self, order_id: int, body: Mapping[str, Any]) -> Refund:
        """Refund items of an order (``{"items": [...], "payments": [...]}``, the spec's body).

        A POST: never sent twice by the client, so an unknown outcome is resolved by reading
        :meth:`for_order` before refunding again.
        """
        path = f"orders/{int(order_id)}/payment_actions/refunds"
        data = self._requester.request("POST", "v3", path, body=dict(body)).data
        return structure(v3_data(data, f"v3/{path}"), Refund)
