"""v3 customers (v2 for legacy API accounts) and v2 customer groups.

Collection DELETEs are deliberately absent. A legacy (Basic auth) account can call v2 only:
its customers come from ``/v2/customers`` (the ``v2_*`` methods), each with its addresses
from ``/v2/customers/{id}/addresses``, as the v3 :class:`~bigcommerce_connect.models.Customer`
the customer import maps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Final

from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.errors import NotFoundError
from bigcommerce_connect.models import (
    Customer,
    CustomerAddressV2,
    CustomerGroup,
    CustomerV2,
    structure,
)
from bigcommerce_connect.resources._base import Resource, WirePage, query_params

__all__ = ["CUSTOMER_BATCH_MAX", "CustomerGroupsResource", "CustomersResource"]

CUSTOMER_BATCH_MAX: Final = 10
_V2_PAGE: Final = 250  # the most a v2 page holds


def _joined(values: Iterable[object] | None) -> list[object] | None:
    return None if values is None else list(values)


def _list_params(
    *,
    id_in: Iterable[int] | None = None,
    email_in: Iterable[str] | None = None,
    date_modified_min: datetime | None = None,
    date_modified_max: datetime | None = None,
    customer_group_id_in: Iterable[int] | None = None,
    include: Iterable[str] = ("addresses",),
    sort: str | None = None,
) -> dict[str, Any]:
    """The customer list's filters as query parameters (unset ones left out)."""
    return query_params(
        {
            "id:in": _joined(id_in),
            "email:in": _joined(email_in),
            "date_modified:min": date_modified_min,
            "date_modified:max": date_modified_max,
            "customer_group_id:in": _joined(customer_group_id_in),
            "include": ",".join(include) or None,
            "sort": sort,
        }
    )


class CustomersResource(Resource):
    """``/v3/customers``: filtered lists and batch create/update of at most 10."""

    def wire_pages(
        self,
        *,
        id_in: Iterable[int] | None = None,
        email_in: Iterable[str] | None = None,
        date_modified_min: datetime | None = None,
        date_modified_max: datetime | None = None,
        customer_group_id_in: Iterable[int] | None = None,
        include: Iterable[str] = ("addresses",),
        sort: str | None = None,
        limit: int = 250,
    ) -> Iterator[list[dict[str, Any]]]:
        """Lazily yield pages of customers as the API sent them (plain dicts), each once.

        For a caller that types each customer itself (and sets aside one it cannot read).
        """
        params = _list_params(
            id_in=id_in,
            email_in=email_in,
            date_modified_min=date_modified_min,
            date_modified_max=date_modified_max,
            customer_group_id_in=customer_group_id_in,
            include=include,
            sort=sort,
        )
        yield from self._requester.pages_v3("customers", params, limit=limit)

    def wire_page(self, *, page: int, limit: int = 250, **filters: Any) -> WirePage:
        """One page of customers as the API sent it, with the pagination it claims.

        Filters as :meth:`wire_pages`. For a caller that pages by itself: the customer import
        walks a ``date_modified`` keyset and checks that every page makes progress.
        """
        params = {**_list_params(**filters), "page": page, "limit": limit}
        answer = self._requester.request("GET", "v3", "customers", params=params, expect="v3_list")
        return WirePage.from_body(answer.data)

    def pages(self, **filters: Any) -> Iterator[list[Customer]]:
        """Lazily yield pages of typed customers (filters as :meth:`wire_pages`)."""
        for page in self.wire_pages(**filters):
            yield [structure(item, Customer) for item in page]

    def iter(self, **filters: Any) -> Iterator[Customer]:
        """Lazily yield every customer matching the filters of :meth:`wire_pages`."""
        for page in self.pages(**filters):
            yield from page

    def by_email(self, email: str) -> list[Customer]:
        """Customers with this email (the store keeps emails unique, so 0 or 1)."""
        return list(self.iter(email_in=[email]))

    def create(self, customers: list[Mapping[str, Any]]) -> BatchResult:
        """Create up to 10 customers in one request; failures come back per item."""
        return self._requester.batch(
            "POST", "customers", list(customers), max_items=CUSTOMER_BATCH_MAX
        )

    def update(self, customers: list[Mapping[str, Any]]) -> BatchResult:
        """Update up to 10 customers (each with its ``id``) in one request."""
        if any("id" not in customer for customer in customers):
            raise ValueError("every customer in an update needs its id")
        return self._requester.batch(
            "PUT", "customers", list(customers), max_items=CUSTOMER_BATCH_MAX
        )

    # -- v2, for legacy API accounts ----------------------------------------------------------

    def v2_wire_pages(
        self,
        *,
        date_modified_min: datetime | None = None,
        date_modified_max: datetime | None = None,
        min_id: int | None = None,
        limit: int = 250,
    ) -> Iterator[list[dict[str, Any]]]:
        """Lazily yield pages of ``/v2/customers`` as sent, by id keyset, each customer once.

        The date range bounds ``date_modified`` (both ends included); pages go up by id, so a
        customer changed while the list is read moves out of the range instead of shifting
        the pages.
        """
        params = query_params(
            {
                "min_date_modified": date_modified_min,
                "max_date_modified": date_modified_max,
                "min_id": min_id,
            }
        )
        yield from self._requester.pages_v2_keyset("customers", params, key="min_id", limit=limit)

    def v2_get(self, customer_id: int) -> dict[str, Any] | None:
        """One customer from ``/v2/customers/{id}`` as sent, or None when there is none."""
        try:
            data = self._requester.request("GET", "v2", f"customers/{int(customer_id)}").data
        except NotFoundError:
            return None
        return data if isinstance(data, dict) else None

    def v2_addresses(self, customer_id: int) -> list[CustomerAddressV2]:
        """Every address of a customer (``/v2/customers/{id}/addresses``), in one call.

        A customer has a handful of addresses: one page of 250 holds them all, so the list
        is not walked (which costs a call more); only a full page is read on by page number.
        """
        path = f"customers/{int(customer_id)}/addresses"
        params = {"limit": _V2_PAGE}
        items = self._requester.request("GET", "v2", path, params=params, expect="v2_list").data
        if isinstance(items, list) and len(items) >= _V2_PAGE:
            items = list(self._requester.iter_v2(path, limit=_V2_PAGE))
        return [structure(item, CustomerAddressV2) for item in items or []]

    def v2_customer(self, item: Any) -> Customer:
        """A ``/v2/customers`` record (as sent) with its addresses, as the v3 model.

        Reads the addresses (one call); raises :class:`~bigcommerce_connect.models.ModelError`
        for a record the SDK cannot read.
        """
        customer = structure(item, CustomerV2)
        return customer.to_customer(self.v2_addresses(customer.id))

    def v2_iter(self, **filters: Any) -> Iterator[Customer]:
        """Every v2 customer matching the filters of :meth:`v2_wire_pages`, as v3 models."""
        for page in self.v2_wire_pages(**filters):
            for item in page:
                yield self.v2_customer(item)


class CustomerGroupsResource(Resource):
    """``/v2/customer_groups``: B2B price levels."""

    def iter(self, *, name: str | None = None) -> Iterator[CustomerGroup]:
        """Every customer group, optionally only the one named ``name``."""
        for item in self._requester.iter_v2("customer_groups", query_params({"name": name})):
            yield structure(item, CustomerGroup)

    def get(self, group_id: int) -> CustomerGroup:
        """One customer group."""
        data = self._requester.request("GET", "v2", f"customer_groups/{int(group_id)}").data
        return structure(data, CustomerGroup)

    def create(self, name: str, **fields: Any) -> CustomerGroup:
        """Create a group; ``fields`` may add ``is_default``, ``category_access`` ..."""
        body = {"name": name, **fields}
        return structure(
            self._requester.request("POST", "v2", "customer_groups", body=body).data, CustomerGroup
        )

    def update(self, group_id: int, **fields: Any) -> CustomerGroup:
        """Update a group. Note: ``discount_rules`` given here replace the whole set."""
        data = self._requester.request(
            "PUT", "v2", f"customer_groups/{int(group_id)}", body=fields
        ).data
        return structure(data, CustomerGroup)

    def count(self) -> int:
        """How many groups the store has."""
        data = self._requester.request("GET", "v2", "customer_groups/count").data
        return int(data["count"]) if isinstance(data, Mapping) else 0
