"""How an order looks in v2: links to its sub-resources and the embedded consignments."""

from __future__ import annotations

from bigcommerce_connect.sandbox.formats import to_v2
from bigcommerce_connect.sandbox.routing import Request
from bigcommerce_connect.sandbox.rows import Row
from bigcommerce_connect.sandbox.statuses import STATUS_LABELS

#: Consignment costs the schema types as numbers, unlike the rest of v2.
_CONSIGNMENT_NUMBERS = (
    "base_cost",
    "cost_ex_tax",
    "cost_inc_tax",
    "cost_tax",
    "base_handling_cost",
    "handling_cost_ex_tax",
    "handling_cost_inc_tax",
    "handling_cost_tax",
)


def link(req: Request, order_id: int, sub: str) -> dict[str, str]:
    """A v2 sub-resource link ``{url, resource}`` of an order."""
    return {
        "url": f"{req.base_url}/orders/{order_id}/{sub}",
        "resource": f"/orders/{order_id}/{sub}",
    }


def embed_mode(req: Request) -> str:
    """``"lines"`` for ``include=consignments.line_items``, ``"links"`` for ``consignments``."""
    parts = req.query.get("include", "").split(",")
    if "consignments.line_items" in parts:
        return "lines"
    return "links" if "consignments" in parts else ""


def render_order(req: Request, order: Row, embed: str) -> Row:
    """An order in v2 wire form; ``embed`` adds consignments (line items or their links)."""
    store = req.store
    out: Row = to_v2(order)
    sid = order["status_id"]
    out["status"] = STATUS_LABELS[sid]
    out["custom_status"] = store.status_labels[sid]
    oid = order["id"]
    out["products"] = link(req, oid, "products")
    out["shipping_addresses"] = link(req, oid, "shipping_addresses")
    out["coupons"] = link(req, oid, "coupons")
    if embed:
        out["consignments"] = _consignments(req, oid, embed == "lines")
    return out


def _consignments(req: Request, order_id: int, with_lines: bool) -> Row:
    store = req.store
    lines = store.lines_of(order_id)
    shipping = []
    for address in store.addresses_of(order_id):
        entry = to_v2({k: v for k, v in address.items() if k != "order_id"})
        for key in _CONSIGNMENT_NUMBERS:
            entry[key] = float(address[key])
        mine = [line for line in lines if line["order_address_id"] == address["id"]]
        entry["line_items"] = [
            to_v2(line) if with_lines else link(req, order_id, f"products/{line['id']}")
            for line in mine
        ]
        shipping.append(entry)
    return {
        "pickups": [],
        "shipping": shipping,
        "downloads": [],
        "email": {"gift_certificates": []},
    }


def render_address(req: Request, address: Row) -> Row:
    """A shipping address in v2 form, with the link to its shipping quotes."""
    out: Row = to_v2(address)
    out["shipping_quotes"] = link(
        req, address["order_id"], f"shipping_addresses/{address['id']}/shipping_quotes"
    )
    return out
