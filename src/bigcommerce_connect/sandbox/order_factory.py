"""The order factory: a deterministic order, its planned lines and its shipping address.

An order is built in two steps. :func:`build_order` makes the order record and a plan of its
lines; :func:`materialize_order` turns the plan into line and address records on first access.
A 100k-order store then seeds in seconds and stays small in memory.

Hard cases built in: guest orders (``customer_id`` 0, every 7th order), eBay marketplace
orders (every 11th), order :data:`BIG_ORDER_ID` with 60 lines, order :data:`BUNDLE_ORDER_ID`
with a pick-list bundle (parent line and bundled child lines), custom non-catalog lines
(``product_id`` 0) on order :data:`CUSTOM_LINE_ORDER_ID` and every 13th order, and the orders
in :data:`SAME_SECOND_IDS` sharing one ``date_modified`` second.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

import attrs

from bigcommerce_connect.sandbox.indexes import IndexedTable
from bigcommerce_connect.sandbox.order_rows import (
    line_record,
    order_record,
    shipping_address_record,
)
from bigcommerce_connect.sandbox.rows import CENT, ZERO, Row
from bigcommerce_connect.sandbox.vocabulary import (
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    PAYMENT_STATUSES,
    SEED_BASE,
)

SAME_SECOND_IDS = range(20, 40)
BIG_ORDER_ID = 3
BUNDLE_ORDER_ID = 4
CUSTOM_LINE_ORDER_ID = 5
#: Bundled children carry no price of their own: counting them would double the total.
_CHILD_ZEROED = (
    "base_price",
    "price_ex_tax",
    "price_inc_tax",
    "base_total",
    "total_ex_tax",
    "total_inc_tax",
)

#: (product, variant) pairs an order line can be drawn from.
Catalog = list[tuple[Row, Row]]
#: One planned line: (product, variant, quantity, unit price, role); role is "", "custom",
#: "parent" (a pick-list bundle) or "child" (a line bundled into the parent).
LinePlan = tuple[Row | None, Row | None, int, Decimal, str]


@attrs.frozen
class OrderPlan:
    """What is needed to build an order's lines and address later, deterministically."""

    first_line: int
    address_id: int
    lines: list[LinePlan]
    items: int
    shipping: Decimal


class OrderBook(Protocol):
    """What the factory needs of a store: its seed, rows and id allocation."""

    seed: int
    customers: dict[int, Row]
    products: IndexedTable
    variants: IndexedTable
    orders: IndexedTable
    order_plans: dict[int, OrderPlan]

    def next_id(self, kind: str) -> int:
        """Allocate the next id of a kind."""
        ...

    def reserve_block(self, kind: str, count: int) -> int:
        """Allocate ``count`` consecutive ids of a kind; return the first."""
        ...


def catalog_lines(store: OrderBook) -> Catalog:
    """Every (product, variant) pair of the store, the pool order lines are drawn from."""
    return [(store.products[v["product_id"]], v) for v in store.variants.values()]


def build_order(
    store: OrderBook,
    order_id: int,
    when: datetime,
    status_id: int,
    customer_id: int | None,
    line_count: int | None,
    *,
    catalog: Catalog | None = None,
) -> Row:
    """Build an order and plan its lines and shipping address; put it in the store.

    The caller holds the store lock. The order's own random generator is derived from the
    store seed and the order id, so the same order id always looks the same.
    """
    rng = random.Random(store.seed * 1_000_003 + order_id)
    catalog = catalog if catalog is not None else catalog_lines(store)
    ebay = order_id % 11 == 0
    if customer_id is None:
        guest = order_id % 7 == 0 or ebay or not store.customers
        customer_id = 0 if guest else 1 + rng.randrange(len(store.customers))
    billing = _billing_address(store, rng, customer_id, order_id)
    plans = _plan_lines(rng, order_id, catalog, line_count)
    address_id = store.next_id("order_address")
    first_line = store.reserve_block("order_product", len(plans))
    subtotal = sum((p[3] * p[2] for p in plans if p[4] != "child"), ZERO)
    shipping = Decimal("10.00")
    items = sum(p[2] for p in plans if p[4] != "child")
    modified = _date_modified(order_id, when, rng)
    order = order_record(order_id, customer_id, when, modified, status_id, subtotal, shipping)
    order.update(
        items_total=items,
        billing_address=billing,
        payment_status=PAYMENT_STATUSES[order_id % len(PAYMENT_STATUSES)],
        cart_id=f"{rng.getrandbits(64):016x}-{order_id:08d}",
    )
    if ebay:
        order.update(
            ebay_order_id=f"11-{order_id:05d}-{rng.randint(10000, 99999)}",
            external_source="ebay",
            order_source="external",
            payment_method="eBay Managed Payments",
        )
    store.orders[order_id] = order
    store.order_plans[order_id] = OrderPlan(first_line, address_id, plans, items, shipping)
    return order


def materialize_order(
    store: OrderBook, order_id: int, plan: OrderPlan
) -> tuple[list[Row], list[Row]]:
    """Build an order's line and shipping-address records from its plan."""
    lines: list[Row] = []
    parent_id: int | None = None
    for offset, (product, variant, qty, price, role) in enumerate(plan.lines):
        line_id = plan.first_line + offset
        line = line_record(line_id, order_id, plan.address_id, product, variant, qty, price)
        if role == "parent":
            line["name"] = line["name_customer"] = line["name_merchant"] = "Pick-list Bundle"
            parent_id = line["id"]
        elif role == "child":
            line.update(dict.fromkeys(_CHILD_ZEROED, ZERO))
            line["parent_order_product_id"] = parent_id
            line["is_bundled_product"] = True
        lines.append(line)
    order = store.orders[order_id]
    address = shipping_address_record(order, plan.address_id, plan.items, plan.shipping)
    return lines, [address]


def _date_modified(order_id: int, created: datetime, rng: random.Random) -> datetime:
    if order_id in SAME_SECOND_IDS:
        # Many orders share one date_modified second: the cursor-tie hard case.
        return SEED_BASE + timedelta(days=3, hours=7, minutes=11, seconds=42)
    return created + timedelta(seconds=rng.randint(0, 72 * 3600))


def _billing_address(store: OrderBook, rng: random.Random, customer_id: int, order_id: int) -> Row:
    customer = store.customers.get(customer_id)
    if customer is not None:
        first, last, email = customer["first_name"], customer["last_name"], customer["email"]
    else:
        first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        email = f"guest{order_id}@example.net"
    city, state, zip_code, iso2, country = CITIES[order_id % len(CITIES)]
    return {
        "first_name": first,
        "last_name": last,
        "company": "",
        "street_1": f"{order_id} Rue de l'Église",
        "street_2": "",
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": country,
        "country_iso2": iso2,
        "phone": "5555550100",
        "email": email,
        "form_fields": [],
    }


def _plan_lines(
    rng: random.Random, order_id: int, catalog: Catalog, line_count: int | None
) -> list[LinePlan]:
    if line_count is None:
        line_count = 60 if order_id == BIG_ORDER_ID else 1 + rng.randrange(3)
    plans: list[LinePlan] = []
    for _ in range(line_count if catalog else 0):
        product, variant = catalog[rng.randrange(len(catalog))]
        plans.append((product, variant, 1 + rng.randrange(4), product["price"], ""))
    if order_id == CUSTOM_LINE_ORDER_ID or order_id % 13 == 0 or not catalog:
        plans.append((None, None, 1, Decimal(rng.randint(100, 5000)) * CENT, "custom"))
    if order_id == BUNDLE_ORDER_ID and len(catalog) >= 3:
        product, variant = catalog[0]
        plans.append((product, variant, 1, product["price"], "parent"))
        for product, variant in catalog[1:3]:
            plans.append((product, variant, 1, ZERO, "child"))
    return plans
