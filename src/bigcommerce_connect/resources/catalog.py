"""v3 catalog: products, variants, custom fields, categories and category trees."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.models import (
    Category,
    CategoryTreeNode,
    CustomField,
    Product,
    Variant,
    structure,
)
from bigcommerce_connect.resources._base import Resource, query_params, v3_data, v3_pagination

__all__ = [
    "PRODUCT_BATCH_MAX",
    "VARIANT_BATCH_MAX",
    "CategoriesResource",
    "ProductsResource",
    "VariantsResource",
]

PRODUCT_BATCH_MAX: Final = 10
VARIANT_BATCH_MAX: Final = 50


def _include(include: Iterable[str]) -> str | None:
    return ",".join(include) or None


class ProductsResource(Resource):
    """``/v3/catalog/products``. Products are created one per request (the API's rule)."""

    def pages(
        self,
        *,
        sku: str | None = None,
        id_in: Iterable[int] | None = None,
        include: Iterable[str] = (),
        limit: int = 250,
        **filters: Any,
    ) -> Iterator[list[Product]]:
        """Lazily yield pages of products; ``sku`` matches the product's own SKU only."""
        params = query_params(
            {
                "sku": sku,
                "id:in": None if id_in is None else list(id_in),
                "include": _include(include),
                **filters,
            }
        )
        for page in self._requester.pages_v3("catalog/products", params, limit=limit):
            yield [structure(item, Product) for item in page]

    def iter(self, **filters: Any) -> Iterator[Product]:
        """Lazily yield every product matching the filters of :meth:`pages`."""
        for page in self.pages(**filters):
            yield from page

    def by_sku(
        self, sku: str, *, include: Iterable[str] = ("variants", "custom_fields")
    ) -> list[Product]:
        """Products whose own SKU is ``sku`` (variant SKUs: :meth:`VariantsResource.by_sku`)."""
        return list(self.iter(sku=sku, include=include))

    def get(
        self, product_id: int, *, include: Iterable[str] = ("variants", "custom_fields")
    ) -> Product:
        """One product."""
        params = query_params({"include": _include(include)})
        body = self._requester.request(
            "GET", "v3", f"catalog/products/{int(product_id)}", params=params
        ).data
        return structure(v3_data(body, "v3/catalog/products"), Product)

    def create(self, product: Mapping[str, Any]) -> Product:
        """Create one product (name, type, weight, price and categories are required)."""
        body = self._requester.request("POST", "v3", "catalog/products", body=dict(product)).data
        return structure(v3_data(body, "v3/catalog/products"), Product)

    def update(self, product_id: int, fields: Mapping[str, Any]) -> Product:
        """Update one product; a ``categories`` list replaces all of its categories."""
        path = f"catalog/products/{int(product_id)}"
        body = self._requester.request("PUT", "v3", path, body=dict(fields)).data
        return structure(v3_data(body, "v3/catalog/products"), Product)

    def update_batch(self, products: list[Mapping[str, Any]]) -> BatchResult:
        """Update up to 10 products (each with its ``id``); partial failures come back per item."""
        if any("id" not in product for product in products):
            raise ValueError("every product in a batch update needs its id")
        return self._requester.batch(
            "PUT", "catalog/products", list(products), max_items=PRODUCT_BATCH_MAX
        )

    def custom_fields(self, product_id: int) -> list[CustomField]:
        """A product's custom fields."""
        items = self._requester.iter_v3(f"catalog/products/{int(product_id)}/custom-fields")
        return [structure(item, CustomField) for item in items]

    def create_custom_field(self, product_id: int, name: str, value: str) -> CustomField:
        """Add a custom field to a product."""
        path = f"catalog/products/{int(product_id)}/custom-fields"
        body = self._requester.request("POST", "v3", path, body={"name": name, "value": value}).data
        return structure(v3_data(body, path), CustomField)

    def update_custom_field(
        self, product_id: int, field_id: int, name: str, value: str
    ) -> CustomField:
        """Change a custom field in place, by its id (never a duplicate)."""
        path = f"catalog/products/{int(product_id)}/custom-fields/{int(field_id)}"
        body = self._requester.request("PUT", "v3", path, body={"name": name, "value": value}).data
        return structure(v3_data(body, path), CustomField)


class VariantsResource(Resource):
    """``/v3/catalog/variants``: find by SKU and batch update of at most 50."""

    def iter(
        self,
        *,
        sku: str | None = None,
        product_id_in: Iterable[int] | None = None,
        limit: int = 250,
    ) -> Iterator[Variant]:
        """Lazily yield variants, optionally by variant SKU or product ids."""
        params = query_params(
            {"sku": sku, "product_id:in": None if product_id_in is None else list(product_id_in)}
        )
        for item in self._requester.iter_v3("catalog/variants", params, limit=limit):
            yield structure(item, Variant)

    def by_sku(self, sku: str) -> list[Variant]:
        """Variants whose SKU is ``sku``."""
        return list(self.iter(sku=sku))

    def count(self) -> int | None:
        """How many variants the store has (one call for one variant), or None if it won't say.

        The count is ``meta.pagination.total`` of the list's answer.
        """
        body = self._requester.request("GET", "v3", "catalog/variants", params={"limit": 1}).data
        total = v3_pagination(body).get("total")
        return total if isinstance(total, int) and total >= 0 else None

    def update_batch(self, variants: list[Mapping[str, Any]]) -> BatchResult:
        """Update up to 50 variants (each with its ``id``); partial failures come back per item."""
        if any("id" not in variant for variant in variants):
            raise ValueError("every variant in a batch update needs its id")
        return self._requester.batch(
            "PUT", "catalog/variants", list(variants), max_items=VARIANT_BATCH_MAX
        )


class CategoriesResource(Resource):
    """Categories: the flat list, creation, and the tree a host shows for picking."""

    def iter(self, *, parent_id: int | None = None, limit: int = 250) -> Iterator[Category]:
        """Every category, optionally under one parent."""
        params = query_params({"parent_id": parent_id})
        for item in self._requester.iter_v3("catalog/categories", params, limit=limit):
            yield structure(item, Category)

    def create(self, name: str, *, parent_id: int = 0, **fields: Any) -> Category:
        """Create a category (``parent_id`` 0 is top level)."""
        body = {"name": name, "parent_id": parent_id, **fields}
        data = self._requester.request("POST", "v3", "catalog/categories", body=body).data
        return structure(v3_data(data, "v3/catalog/categories"), Category)

    def trees(self) -> list[dict[str, Any]]:
        """The store's category trees (one per channel, usually one)."""
        return list(self._requester.iter_v3("catalog/trees"))

    def tree(self, tree_id: int = 1) -> list[CategoryTreeNode]:
        """The nested categories of one tree, for a host to show and toggle per item."""
        path = f"catalog/trees/{int(tree_id)}/categories"
        data = v3_data(self._requester.request("GET", "v3", path).data, path)
        return [structure(item, CategoryTreeNode) for item in data]
