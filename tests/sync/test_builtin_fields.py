"""The built-in order mapping fills every text field with text, as the record's types say."""

from __future__ import annotations

import typing

import attrs

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.records import ErpSalesOrder

from .conftest import MakeRig

AF = OrderStatus.AWAITING_FULFILLMENT


def wrongly_typed(record: object) -> list[str]:
    """The text fields (nested records and lines included) that hold something else."""
    hints = typing.get_type_hints(type(record))
    found = []
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if attrs.has(type(child)):
                found += [f"{field.name}.{name}" for name in wrongly_typed(child)]
        if hints[field.name] is str and not isinstance(value, str):
            found.append(f"{field.name}={value!r}")
    return found


def test_outside_channel_fields_are_text_on_every_order(make_rig: MakeRig) -> None:
    rig = make_rig()
    with rig.sb.store.locked() as store:
        for order in store.orders.values():  # every seeded order, eBay and others
            order["status_id"] = int(AF)
        raw = {o["id"]: dict(o) for o in store.orders.values()}
    report = rig.importer.import_orders()
    assert report.orders_imported == len(raw)
    imported: dict[str, ErpSalesOrder] = {
        o.external_ref: o for o, _ in rig.erp.sales_orders.all().values()
    }
    for order_id, wire in raw.items():
        order = imported[f"BC{order_id}"]
        assert wrongly_typed(order) == [], order_id
        assert order.external_source == (wire["external_source"] or "")
        assert order.external_order_id == (wire["external_id"] or "")
        assert order.ebay_order_id == (wire["ebay_order_id"] or "")
    sources = {o.external_source for o in imported.values()}
    assert sources == {"", "ebay"}
