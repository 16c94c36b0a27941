"""v3 price lists: lists, record upserts (≤ 1,000) and group assignments (≤ 25)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.models import PriceList, PriceListAssignment, PriceListRecord, structure
from bigcommerce_connect.resources._base import Resource, query_params, v3_data

__all__ = [
    "PRICE_LIST_ASSIGNMENT_BATCH_MAX",
    "PRICE_LIST_RECORD_BATCH_MAX",
    "PriceListsResource",
]

PRICE_LIST_RECORD_BATCH_MAX: Final = 1000
PRICE_LIST_ASSIGNMENT_BATCH_MAX: Final = 25


class PriceListsResource(Resource):
    """``/v3/pricelists``: customer-specific pricing for B2B price levels."""

    def iter(self, *, name: str | None = None) -> Iterator[PriceList]:
        """Every price list, optionally only the one named ``name``."""
        for item in self._requester.iter_v3("pricelists", query_params({"name": name})):
            yield structure(item, PriceList)

    def create(self, name: str, *, active: bool = True) -> PriceList:
        """Create a price list (names are unique)."""
        body = {"name": name, "active": active}
        data = self._requester.request("POST", "v3", "pricelists", body=body).data
        return structure(v3_data(data, "v3/pricelists"), PriceList)

    def records(self, price_list_id: int) -> Iterator[PriceListRecord]:
        """Every record of a price list."""
        for item in self._requester.iter_v3(f"pricelists/{int(price_list_id)}/records"):
            yield structure(item, PriceListRecord)

    def upsert_records(self, price_list_id: int, records: list[Mapping[str, Any]]) -> BatchResult:
        """Create or replace up to 1,000 records (``sku`` or ``variant_id``, ``currency``, prices).

        The store runs one of these at a time per store: callers must not run them in parallel.
        """
        path = f"pricelists/{int(price_list_id)}/records"
        return self._requester.batch(
            "PUT", path, list(records), max_items=PRICE_LIST_RECORD_BATCH_MAX
        )

    def assignments(self, *, price_list_id: int | None = None) -> Iterator[PriceListAssignment]:
        """Assignments of price lists to customer groups."""
        params = query_params({"price_list_id": price_list_id})
        for item in self._requester.iter_v3("pricelists/assignments", params):
            yield structure(item, PriceListAssignment)

    def assign(self, assignments: list[Mapping[str, Any]]) -> BatchResult:
        """Assign price lists to customer groups, up to 25 in one request."""
        return self._requester.batch(
            "POST",
            "pricelists/assignments",
            list(assignments),
            max_items=PRICE_LIST_ASSIGNMENT_BATCH_MAX,
        )
