"""Orders (v2): orders, line items, billing and shipping addresses, statuses and counts.

v2 sends money as 4-decimal strings (sometimes numbers) and dates as RFC 2822; both are parsed
by the shared converter. An order's ``products`` and ``shipping_addresses`` are link objects
unless the request asked for ``include=consignments.line_items&consignment_structure=object``;
:meth:`Order.from_wire` flattens the embedded consignments (see there).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from bigcommerce_connect.models.converter import ModelError, structure, unstructure, wire_model
from bigcommerce_connect.status import OrderStatus

__all__ = [
    "POSTAL_FIELDS",
    "BillingAddress",
    "Order",
    "OrderCounts",
    "OrderProduct",
    "OrderStatusCount",
    "OrderStatusInfo",
    "ShippingAddress",
]

_CUSTOM = {"wire": "custom"}
_SDK_ONLY = {"wire": False}


#: The text fields of a v2 postal address (billing and shipping), in wire order.
POSTAL_FIELDS: Final = (
    *("first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip"),
    *("country", "country_iso2", "phone", "email"),
)


@attrs.frozen(kw_only=True)
class _PostalAddress:
    """The address fields billing and shipping addresses share on the v2 wire."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_iso2: str | None = None
    phone: str | None = None
    email: str | None = None
    form_fields: list[dict[str, Any]] = attrs.field(factory=list)


@wire_model
@attrs.frozen(kw_only=True)
class BillingAddress(_PostalAddress):
    """An order's billing address. ``zip`` and ``phone`` are always text (v2 may send numbers).

    For a guest order (``customer_id == 0``) ``email`` here is the only customer identity.
    """

    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class ShippingAddress(_PostalAddress):
    """One shipping address (a shipping consignment) of an order.

    ``id`` is what line items call ``order_address_id`` and what a shipment needs.
    """

    id: int
    order_id: int | None = None
    shipping_method: str | None = None
    items_total: int | None = None
    items_shipped: int | None = None
    base_cost: Decimal | None = None
    cost_ex_tax: Decimal | None = None
    cost_inc_tax: Decimal | None = None
    cost_tax: Decimal | None = None
    cost_tax_class_id: int | None = None
    base_handling_cost: Decimal | None = None
    handling_cost_ex_tax: Decimal | None = None
    handling_cost_inc_tax: Decimal | None = None
    handling_cost_tax: Decimal | None = None
    handling_cost_tax_class_id: int | None = None
    shipping_zone_id: int | None = None
    shipping_zone_name: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class OrderProduct:
    """One order line. ``product_id == 0`` is a custom (non-catalog) line.

    Lines with ``parent_order_product_id`` set (``is_bundled_product``) are children of a
    pick-list bundle: count them once, not on top of their parent.
    """

    id: int
    order_id: int | None = None
    product_id: int | None = None
    variant_id: int | None = None
    order_address_id: int | None = None
    name: str | None = None
    name_customer: str | None = None
    name_merchant: str | None = None
    sku: str | None = None
    upc: str | None = None
    type: str | None = None
    quantity: int | None = None
    base_price: Decimal | None = None
    price_ex_tax: Decimal | None = None
    price_inc_tax: Decimal | None = None
    price_tax: Decimal | None = None
    base_total: Decimal | None = None
    total_ex_tax: Decimal | None = None
    total_inc_tax: Decimal | None = None
    total_tax: Decimal | None = None
    base_cost_price: Decimal | None = None
    cost_price_ex_tax: Decimal | None = None
    cost_price_inc_tax: Decimal | None = None
    cost_price_tax: Decimal | None = None
    weight: Decimal | None = None
    quantity_shipped: int | None = None
    quantity_refunded: int | None = None
    is_refunded: bool | None = None
    refund_amount: Decimal | None = None
    is_bundled_product: bool | None = None
    parent_order_product_id: int | None = None
    bin_picking_number: str | None = None
    external_id: str | None = None
    fulfillment_source: str | None = None
    product_options: list[dict[str, Any]] = attrs.field(factory=list)
    applied_discounts: list[dict[str, Any]] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def is_custom(self) -> bool:
        """True for a custom line that is not in the catalog (``product_id`` 0)."""
        return self.product_id == 0


@wire_model
@attrs.frozen(kw_only=True)
class Order:
    """A v2 order.

    ``status_id`` is the raw id (map on it); ``status`` is the wire's system label and
    ``custom_status`` the store's renamed label. :attr:`order_status` gives the enum.
    ``customer_id == 0`` is a guest order: identify the buyer by ``billing_address.email``.

    ``products`` and ``shipping_addresses`` are filled only when the payload embedded them
    (``lines_embedded`` / ``shipping_addresses_embedded``); otherwise they are empty and the
    caller fetches ``/orders/{id}/products`` and ``/orders/{id}/shipping_addresses``.
    Money fields are None when absent, never a made-up zero.
    """

    id: int
    customer_id: int | None = None
    status_id: int | None = None
    status: str | None = None
    custom_status: str | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None
    date_shipped: datetime | None = None
    subtotal_ex_tax: Decimal | None = None
    subtotal_inc_tax: Decimal | None = None
    subtotal_tax: Decimal | None = None
    base_shipping_cost: Decimal | None = None
    shipping_cost_ex_tax: Decimal | None = None
    shipping_cost_inc_tax: Decimal | None = None
    shipping_cost_tax: Decimal | None = None
    base_handling_cost: Decimal | None = None
    handling_cost_ex_tax: Decimal | None = None
    handling_cost_inc_tax: Decimal | None = None
    handling_cost_tax: Decimal | None = None
    base_wrapping_cost: Decimal | None = None
    wrapping_cost_ex_tax: Decimal | None = None
    wrapping_cost_inc_tax: Decimal | None = None
    wrapping_cost_tax: Decimal | None = None
    total_ex_tax: Decimal | None = None
    total_inc_tax: Decimal | None = None
    total_tax: Decimal | None = None
    discount_amount: Decimal | None = None
    coupon_discount: Decimal | None = None
    refunded_amount: Decimal | None = None
    store_credit_amount: Decimal | None = None
    gift_certificate_amount: Decimal | None = None
    is_tax_inclusive_pricing: bool | None = None
    currency_code: str | None = None
    currency_exchange_rate: Decimal | None = None
    default_currency_code: str | None = None
    store_default_currency_code: str | None = None
    store_default_to_transactional_exchange_rate: Decimal | None = None
    payment_method: str | None = None
    payment_status: str | None = None
    payment_provider_id: str | None = None
    items_total: int | None = None
    items_shipped: int | None = None
    billing_address: BillingAddress | None = None
    is_deleted: bool | None = None
    channel_id: int | None = None
    external_source: str | None = None
    external_id: str | None = None
    ebay_order_id: str | None = None
    order_source: str | None = None
    customer_message: str | None = None
    staff_notes: str | None = None
    ip_address: str | None = None
    cart_id: str | None = None
    customer_locale: str | None = None
    products: list[OrderProduct] = attrs.field(factory=list, metadata=_CUSTOM)
    shipping_addresses: list[ShippingAddress] = attrs.field(factory=list, metadata=_CUSTOM)
    consignments: dict[str, Any] | None = attrs.field(default=None, metadata=_CUSTOM)
    lines_embedded: bool = attrs.field(default=False, metadata=_SDK_ONLY)
    shipping_addresses_embedded: bool = attrs.field(default=False, metadata=_SDK_ONLY)
    links: dict[str, Any] = attrs.field(factory=dict, metadata=_SDK_ONLY, repr=False)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def order_status(self) -> OrderStatus | None:
        """The status as an enum, or None when the id is missing or unknown to this SDK."""
        return None if self.status_id is None else OrderStatus.from_id(self.status_id)

    @property
    def is_guest(self) -> bool:
        """True for a guest checkout (``customer_id`` 0)."""
        return self.customer_id == 0

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Order:
        """Structure a v2 order, flattening embedded consignments.

        With ``include=consignments.line_items&consignment_structure=object`` every line item
        of every consignment (shipping, pickups, downloads, gift-certificate emails) lands in
        ``products`` (sorted by line id, as ``/orders/{id}/products`` lists them) and every
        shipping consignment, without its ``line_items``, in ``shipping_addresses``. A list
        under ``products``/``shipping_addresses`` is used as is. Link objects leave the lists
        empty with ``lines_embedded``/``shipping_addresses_embedded`` False.
        """
        return structure(data, cls)

    @classmethod
    def _from_wire_kwargs(cls, kwargs: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
        links = {
            key: dict(data[key])
            for key in ("products", "shipping_addresses")
            if isinstance(data.get(key), Mapping)
        }
        kwargs["links"] = links
        consignments = data.get("consignments")
        if isinstance(consignments, Mapping):
            kwargs["consignments"] = dict(consignments)
            _flatten_consignments(kwargs, consignments, data.get("id"))
        elif consignments is not None:
            raise ModelError("expected an object", ("consignments",), cls.__name__)
        _use_embedded_list(kwargs, data, "products", OrderProduct, "lines_embedded")
        _use_embedded_list(
            kwargs, data, "shipping_addresses", ShippingAddress, "shipping_addresses_embedded"
        )
        return kwargs

    def _to_wire(self, data: dict[str, Any]) -> dict[str, Any]:
        # Embedded lists are written as lists; otherwise the original link object goes back.
        for key, embedded in (
            ("products", self.lines_embedded),
            ("shipping_addresses", self.shipping_addresses_embedded),
        ):
            if embedded or key not in self.links:
                data[key] = unstructure(getattr(self, key))
            else:
                data[key] = self.links[key]
        if self.consignments is not None:
            data["consignments"] = self.consignments
        return data


def _use_embedded_list(
    kwargs: dict[str, Any], data: Mapping[str, Any], key: str, model: type[Any], flag: str
) -> None:
    if kwargs.get(flag):
        return  # consignments already supplied them
    value = data.get(key)
    if not isinstance(value, list):
        return
    kwargs[key] = _structure_items(value, model, (key,))
    kwargs[flag] = True


def _structure_items(items: list[Any], model: type[Any], path: tuple[str, ...]) -> list[Any]:
    result = []
    for index, item in enumerate(items):
        try:
            result.append(structure(item, model))
        except ModelError as error:
            raise error.within(*path, f"[{index}]", model="Order") from None
    return result


_LINE_GROUPS = ("shipping", "pickups", "downloads")


def _flatten_consignments(
    kwargs: dict[str, Any], consignments: Mapping[str, Any], order_id: object
) -> None:
    groups: list[tuple[tuple[str, ...], Any]] = [
        (("consignments", name), consignments.get(name)) for name in _LINE_GROUPS
    ]
    email = consignments.get("email")
    if isinstance(email, Mapping):
        groups.append(
            (("consignments", "email", "gift_certificates"), email.get("gift_certificates"))
        )
    lines: list[OrderProduct] = []
    all_embedded = True
    for path, group in groups:
        for index, consignment in enumerate(_as_list(group)):
            where = (*path, f"[{index}]", "line_items")
            raw = consignment.get("line_items") if isinstance(consignment, Mapping) else None
            embedded, items = _line_items(raw)
            all_embedded = all_embedded and embedded
            lines.extend(_structure_items(items, OrderProduct, where))
    if all_embedded:
        kwargs["products"] = sorted(lines, key=lambda line: line.id)
        kwargs["lines_embedded"] = True
    shipping = consignments.get("shipping")
    if isinstance(shipping, list):
        kwargs["shipping_addresses"] = _shipping_addresses(shipping, order_id)
        kwargs["shipping_addresses_embedded"] = True


def _as_list(group: object) -> list[Any]:
    if group is None:
        return []
    if not isinstance(group, list):
        raise ModelError("expected a list of consignments", model="Order")
    return group


def _line_items(raw: object) -> tuple[bool, list[Any]]:
    """(embedded, items): a consignment's line items, or False if any is only a link."""
    if raw is None:
        return True, []
    if isinstance(raw, Mapping):
        raw = [raw]  # the spec's digital example sends one link object, not a list
    if not isinstance(raw, list):
        raise ModelError("consignment line_items must be a list", model="Order")
    embedded = all(isinstance(item, Mapping) and "id" in item for item in raw)
    return embedded, raw if embedded else []


def _shipping_addresses(shipping: list[Any], order_id: object) -> list[ShippingAddress]:
    result = []
    for index, consignment in enumerate(shipping):
        if not isinstance(consignment, Mapping):
            raise ModelError(
                "expected an object", ("consignments", "shipping", f"[{index}]"), "Order"
            )
        address = {key: value for key, value in consignment.items() if key != "line_items"}
        # A consignment does not repeat the order id; the address model carries it.
        address.setdefault("order_id", order_id)
        result.extend(_structure_items([address], ShippingAddress, ("consignments", "shipping")))
    return result


@wire_model
@attrs.frozen(kw_only=True)
class OrderStatusInfo:
    """One entry of ``GET /v2/order_statuses``. ``order`` is the control-panel sort position."""

    id: int
    name: str | None = None
    system_label: str | None = None
    custom_label: str | None = None
    system_description: str | None = None
    order: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def status(self) -> OrderStatus | None:
        """The enum for this id, or None for an id this SDK does not know."""
        return OrderStatus.from_id(self.id)


@wire_model
@attrs.frozen(kw_only=True)
class OrderStatusCount:
    """One status of ``GET /v2/orders/count`` with its order count."""

    id: int
    name: str | None = None
    system_label: str | None = None
    custom_label: str | None = None
    system_description: str | None = None
    count: int = 0
    sort_order: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class OrderCounts:
    """``GET /v2/orders/count``: per-status counts and the total."""

    statuses: list[OrderStatusCount] = attrs.field(factory=list)
    count: int = 0
    extra: dict[str, Any] = attrs.field(factory=dict)

    def for_status(self, status_id: int) -> int:
        """The number of orders with ``status_id`` (0 when the store lists none)."""
        return sum(entry.count for entry in self.statuses if entry.id == status_id)
