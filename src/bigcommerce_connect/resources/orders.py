"""v2 orders: list, get, status moves, counts, line items, shipping addresses, statuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

import attrs

from bigcommerce_connect.models import (
    Order,
    OrderCounts,
    OrderProduct,
    OrderStatusInfo,
    ShippingAddress,
    structure,
)
from bigcommerce_connect.resources._base import Resource, query_params
from bigcommerce_connect.status import StatusLabels

__all__ = ["OrderStatusesResource", "OrdersResource"]

# One page of orders brings their line items and shipping addresses: 1 call instead of 1 + 2n.
EMBED_LINES: Final = {"include": "consignments.line_items", "consignment_structure": "object"}
ORDER_SORTS: Final = frozenset(
    {"id", "customer_id", "date_created", "date_modified", "status_id", "channel_id", "external_id"}
)


def _check_sort(sort: str) -> str:
    field, _, direction = sort.partition(":")
    if field not in ORDER_SORTS or direction not in ("", "asc", "desc"):
        raise ValueError(f"orders cannot be sorted by {sort!r}")
    return sort


def _list_params(
    status_id: int | None,
    min_date_modified: datetime | None,
    max_date_modified: datetime | None,
    min_id: int | None,
    max_id: int | None,
    customer_id: int | None,
    embed_lines: bool,
) -> dict[str, Any]:
    """The order list's filters as query parameters (unset ones left out)."""
    params: dict[str, Any] = query_params(
        {
            "status_id": status_id,
            "min_date_modified": min_date_modified,
            "max_date_modified": max_date_modified,
            "min_id": min_id,
            "max_id": max_id,
            "customer_id": customer_id,
        }
    )
    if embed_lines:
        params.update(EMBED_LINES)
    return params


class OrdersResource(Resource):
    """``/v2/orders`` and its sub-resources. The collection DELETE is deliberately absent."""

    def wire_pages(
        self,
        *,
        status_id: int | None = None,
        min_date_modified: datetime | None = None,
        max_date_modified: datetime | None = None,
        min_id: int | None = None,
        max_id: int | None = None,
        customer_id: int | None = None,
        sort: str = "id:asc",
        embed_lines: bool = True,
        limit: int = 250,
    ) -> Iterator[list[dict[str, Any]]]:
        """Lazily yield pages of orders as the API sent them (plain dicts), sorted stably.

        Pages by number until a 204 or ``[]`` (a short page does not end the list); each
        order comes once, and a page that brings none new raises
        :class:`~bigcommerce_connect.errors.PagingError`. To walk a whole status while
        orders leave it, prefer :meth:`wire_pages_keyset`.
        """
        params = _list_params(
            status_id,
            min_date_modified,
            max_date_modified,
            min_id,
            max_id,
            customer_id,
            embed_lines,
        )
        params["sort"] = _check_sort(sort)
        yield from self._requester.pages_v2("orders", params, limit=limit)

    def wire_pages_keyset(
        self,
        *,
        status_id: int | None = None,
        min_date_modified: datetime | None = None,
        max_date_modified: datetime | None = None,
        min_id: int | None = None,
        max_id: int | None = None,
        customer_id: int | None = None,
        embed_lines: bool = True,
        limit: int = 250,
    ) -> Iterator[list[dict[str, Any]]]:
        """Lazily yield pages of orders (plain dicts) by id keyset, ascending, from ``min_id``.

        Each page asks for ids above the last page's highest, so orders that leave the list
        while it is read (moved out of ``status_id``) shift nothing and none is skipped. Ends
        on a 204 or ``[]`` (one call more than the pages); an id not above the last page's
        highest raises :class:`~bigcommerce_connect.errors.PagingError`.
        """
        params = _list_params(
            status_id,
            min_date_modified,
            max_date_modified,
            min_id,
            max_id,
            customer_id,
            embed_lines,
        )
        yield from self._requester.pages_v2_keyset("orders", params, key="min_id", limit=limit)

    def pages(self, **filters: Any) -> Iterator[list[Order]]:
        """Lazily yield pages of typed orders (filters as :meth:`wire_pages`)."""
        for page in self.wire_pages(**filters):
            yield [Order.from_wire(item) for item in page]

    def iter(self, **filters: Any) -> Iterator[Order]:
        """Lazily yield every order matching the filters of :meth:`pages`."""
        for page in self.pages(**filters):
            yield from page

    def get(self, order_id: int, *, embed_lines: bool = True) -> Order:
        """One order, with its line items and shipping addresses unless ``embed_lines`` is off."""
        params = EMBED_LINES if embed_lines else None
        path = f"orders/{int(order_id)}"
        data = self._requester.request("GET", "v2", path, params=params, expect="object").data
        return Order.from_wire(data)

    def set_status(self, order_id: int, status_id: int) -> Order:
        """Move an order to ``status_id``, sending exactly ``{"status_id": N}`` and nothing else."""
        return Order.from_wire(self._put_status(order_id, status_id))

    def move(self, order_id: int, status_id: int) -> None:
        """Move an order to ``status_id`` without reading the order the store sends back.

        Sends exactly ``{"status_id": N}``, like :meth:`set_status`; the answer must still be
        a 2xx holding a JSON object (an error status raises its typed error, a garbled answer
        is sent again), but no :class:`Order` is built from it: a status move does not need
        the store's echo of the order, so an echo that would not make an ``Order`` is no
        failure either.
        """
        self._put_status(order_id, status_id)

    def _put_status(self, order_id: int, status_id: int) -> Any:
        """Send ``{"status_id": N}`` and nothing else; return the store's echo of the order."""
        body = {"status_id": int(status_id)}
        path = f"orders/{int(order_id)}"
        return self._requester.request("PUT", "v2", path, body=body, expect="object").data

    def count(self) -> OrderCounts:
        """Order counts per status (the "To Fulfill / To Ship" dashboard)."""
        data = self._requester.request("GET", "v2", "orders/count", expect="object").data
        return structure(data, OrderCounts)

    def products(self, order_id: int) -> Iterator[OrderProduct]:
        """Every line item of an order, all pages (the API pages them 50 at a time by default)."""
        for item in self._requester.iter_v2(f"orders/{int(order_id)}/products"):
            yield structure(item, OrderProduct)

    def shipping_addresses(self, order_id: int) -> Iterator[ShippingAddress]:
        """Every shipping address of an order, all pages."""
        for item in self._requester.iter_v2(f"orders/{int(order_id)}/shipping_addresses"):
            yield structure(item, ShippingAddress)

    def with_lines(self, order: Order) -> Order:
        """The order with its line items and shipping addresses, fetching them if not embedded."""
        if order.lines_embedded:
            return order
        return attrs.evolve(
            order,
            products=list(self.products(order.id)),
            shipping_addresses=list(self.shipping_addresses(order.id)),
            lines_embedded=True,
        )


class OrderStatusesResource(Resource):
    """``/v2/order_statuses``: the store's statuses with their (possibly renamed) labels."""

    def get_all(self) -> list[OrderStatusInfo]:
        """Every status with its system and custom labels."""
        data = self._requester.request("GET", "v2", "order_statuses", expect="v2_list").data
        return [structure(item, OrderStatusInfo) for item in data]

    def labels(self) -> StatusLabels:
        """A resolver from names, custom labels and ids to status ids for this store."""
        return StatusLabels.from_store(
            (status.id, status.custom_label or "") for status in self.get_all()
        )
