"""Target schemas: which field names a mapping (or child mapping) may write.

A definition's ``target`` names a schema:

* a canonical ERP record (:mod:`bigcommerce_connect.records`): ``ErpCustomer``, ``ErpAddress``,
  ``ErpSalesOrder``, ``ErpOrderLine``, ``ErpItem``, ``ErpCustomField``, ``ErpContact``;
* a BigCommerce wire shape for the export direction: ``BcProduct`` (v3 product),
  ``BcCustomField`` (``{name, value}``), ``BcCustomer`` (v3 customer), ``BcCustomerAddress``,
  ``BcInventoryItem`` (an inventory adjustment item);
* ``free``: any field name (no validation);
* any other name together with an explicit ``"fields": [...]`` list in the definition: a host's
  own target. Hosts with their own attrs classes can also pass ``targets=`` to
  :func:`~bigcommerce_connect.mapping.definition.load_definition` (see :func:`schema_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from bigcommerce_connect import records

__all__ = [
    "BUILTIN_TARGETS",
    "FREE_TARGET",
    "TargetSchema",
    "schema_for",
]

FREE_TARGET: Final = "free"


@attrs.frozen
class TargetSchema:
    """The writable field names of one target.

    Attributes:
        name: the name definitions use.
        fields: the allowed field names; ``None`` allows any name.
        record_type: the attrs class :func:`~bigcommerce_connect.mapping.build_record` builds,
            if the target is a record.
    """

    name: str
    fields: frozenset[str] | None
    record_type: type | None = None

    def allows(self, field: str) -> bool:
        """Whether a rule may write ``field``."""
        return self.fields is None or field in self.fields


def schema_for(name: str, spec: type | Iterable[str] | None) -> TargetSchema:
    """Build a schema from an attrs class, a list of field names, or ``None`` (free)."""
    if spec is None:
        return TargetSchema(name, None)
    if isinstance(spec, type):
        if not attrs.has(spec):
            raise TypeError(f"{spec!r} is not an attrs class")
        return TargetSchema(name, frozenset(f.name for f in attrs.fields(spec)), spec)
    return TargetSchema(name, frozenset(spec))


_RECORDS: Final[tuple[type[Any], ...]] = (
    records.ErpAddress,
    records.ErpCustomer,
    records.ErpSalesOrder,
    records.ErpOrderLine,
    records.ErpItem,
    records.ErpCustomField,
    records.ErpContact,
)


def _fields(names: str) -> tuple[str, ...]:
    """Field names written as one space-separated string (keeps long lists compact)."""
    return tuple(names.split())


# The v3 fields the SDK writes (the writable properties of the catalog and customers specs);
# read-only fields are left out.
_WIRE: Final[Mapping[str, tuple[str, ...]]] = {
    "BcProduct": _fields(
        "id name type sku description price cost_price retail_price sale_price map_price weight "
        "width depth height categories brand_id inventory_level inventory_warning_level "
        "inventory_tracking is_visible availability upc gtin mpn bin_picking_number "
        "tax_class_id custom_url custom_fields variants search_keywords page_title "
        "meta_description"
    ),
    "BcCustomField": _fields("id name value"),
    "BcCustomer": _fields(
        "id email first_name last_name company phone notes tax_exempt_category "
        "customer_group_id addresses authentication "
        "accepts_product_review_abandoned_cart_emails channel_ids"
    ),
    "BcCustomerAddress": _fields(
        "id first_name last_name company address1 address2 city state_or_province postal_code "
        "country_code phone address_type"
    ),
    "BcInventoryItem": _fields("sku product_id variant_id location_id quantity"),
}

BUILTIN_TARGETS: Final[Mapping[str, TargetSchema]] = {
    **{cls.__name__: schema_for(cls.__name__, cls) for cls in _RECORDS},
    **{name: schema_for(name, fields) for name, fields in _WIRE.items()},
    FREE_TARGET: TargetSchema(FREE_TARGET, None),
}
"""Every target a definition can name without listing its fields."""
