"""Deterministic seed data with the hard cases built in.

Everything derives from the seed and the fixed :data:`~.store.SEED_BASE` date, never from the
wall clock, so two stores with the same seed and sizes are identical. Orders use a small
per-order random generator, which keeps generation cheap enough for 100k orders.

Hard cases (when the store is big enough to hold them): guest orders (``customer_id`` 0,
every 7th order), eBay marketplace orders (every 11th), unicode names (accents, apostrophes,
emoji, right-to-left), order 3 with 60 lines, order 4 with a pick-list bundle (parent line and
bundled child lines), custom non-catalog lines (``product_id`` 0) on order 5 and every 13th
order, every status including 0 (Incomplete) via ``order_id % 15``, renamed labels for
statuses 2 and 11, and orders 20-39 sharing one ``date_modified`` second.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.sandbox.store import SEED_BASE, SandboxStore

FIRST_NAMES = (
    "Jane", "José", "Zoë", "Siobhán", "محمد", "Łukasz", "Renée", "D'Arcy", "Noa", "Ævar",
    "Chloé", "Søren", "Ana 🌸", "Yūki", "Björn", "Dvořák",
)  # fmt: skip
LAST_NAMES = (
    "Doe", "O'Brien", "Núñez", "Müller", "العربي", "Smith 🎉", "Ferreira", "שלום", "Kowalski",
    "Öztürk", "Lefèvre", "d'Alembert", "García", "Nguyễn", "Brontë", "Åberg",
)  # fmt: skip
PRODUCT_WORDS = (
    "Chambray Towel", "Café Mug", "Kids' Sneaker", "Crème Brûlée Set", "Garden Hose",
    "Smörgåsbord Tray", "Piñata 🎉", "Łódź Scarf", "Orchid Pot", "Jalapeño Sauce",
)  # fmt: skip
CITIES = (("Austin", "Texas", "78108", "US", "United States"),
          ("München", "Bayern", "80331", "DE", "Germany"),
          ("Montréal", "Québec", "H2X 1Y4", "CA", "Canada"),
          ("תל אביב", "Tel Aviv", "6100000", "IL", "Israel"))  # fmt: skip
SIZES = ("S", "M", "L")
PAYMENT_STATUSES = ("authorized", "captured", "paid", "pending", "refunded", "void")
ZERO = Decimal("0")
CENT = Decimal("0.01")

SAME_SECOND_IDS = range(20, 40)
BIG_ORDER_ID = 3
BUNDLE_ORDER_ID = 4
CUSTOM_LINE_ORDER_ID = 5
RENAMED_STATUSES = {2: "Dispatched", 11: "Ready to Pick"}


def populate(store: SandboxStore, *, orders: int, customers: int, products: int) -> None:
    """Fill an empty store with deterministic data from its seed."""
    rng = random.Random(store.seed)
    with store.lock:
        _seed_groups(store)
        _seed_categories(store)
        _seed_products(store, rng, products)
        _seed_price_lists(store)
        _seed_customers(store, rng, customers)
        for status_id, label in RENAMED_STATUSES.items():
            store.rename_status(status_id, label)
        catalog = _catalog_lines(store)
        for order_id in range(1, orders + 1):
            when = SEED_BASE + timedelta(minutes=10 * order_id)
            status_id = order_id % 15
            build_order(store, order_id, when, status_id, None, None, catalog=catalog)
        store.reserve_ids("order", orders)


def _seed_groups(store: SandboxStore) -> None:
    groups = [
        (1, "Retail", False, False, []),
        (2, "Wholesale ‘B2B’", False, False, [{"type": "price_list", "price_list_id": 1}]),
        (3, "Guests", False, True, []),
    ]
    for gid, name, is_default, for_guests, rules in groups:
        store.customer_groups[gid] = {
            "id": gid,
            "name": name,
            "is_default": is_default,
            "category_access": {"type": "all"},
            "discount_rules": rules,
            "is_group_for_guests": for_guests,
            "date_created": SEED_BASE,
            "date_modified": SEED_BASE,
        }
    store.reserve_ids("customer_group", len(groups))


def _seed_categories(store: SandboxStore) -> None:
    store.category_trees[1] = {"id": 1, "name": "Default", "channels": [1]}
    store.reserve_ids("category_tree", 1)
    names = [
        (1, 0, "Shop All"),
        (2, 1, "Garden"),
        (3, 1, "Café & Küche"),
        (4, 1, "Kids' Toys"),
        (5, 3, "Électroménager"),
        (6, 0, "מבצעים"),
        (7, 0, "Sale 🔥"),
    ]
    for cid, parent, name in names:
        store.categories[cid] = new_category(cid, parent, name, sort_order=cid)
    store.reserve_ids("category", len(names))


def new_category(cid: int, parent_id: int, name: str, *, sort_order: int = 0) -> dict[str, Any]:
    """A category record with the v3 fields and their defaults."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return {
        "id": cid,
        "parent_id": parent_id,
        "tree_id": 1,
        "name": name,
        "description": "",
        "views": 0,
        "sort_order": sort_order,
        "page_title": "",
        "search_keywords": "",
        "meta_keywords": [],
        "meta_description": "",
        "layout_file": "category.html",
        "is_visible": True,
        "default_product_sort": "use_store_settings",
        "image_url": "",
        "custom_url": {"url": f"/{slug}-{cid}/", "is_customized": False},
    }


def _seed_products(store: SandboxStore, rng: random.Random, count: int) -> None:
    sku_id = 100
    for pid in range(1, count + 1):
        word = PRODUCT_WORDS[(pid - 1) % len(PRODUCT_WORDS)]
        price = Decimal(rng.randint(500, 20000)) * CENT
        has_options = pid % 3 == 0
        product = new_product(
            pid,
            name=f"{word} #{pid}",
            sku=f"SKU-{pid:05d}",
            price=price,
            categories=[1 + pid % 7],
            when=SEED_BASE + timedelta(hours=pid),
        )
        product["inventory_tracking"] = "variant" if has_options else "product"
        store.products[pid] = product
        if has_options:
            for size in SIZES:
                sku_id += 1
                vid = store.next_id("variant")
                store.variants[vid] = new_variant(
                    vid, pid, f"{product['sku']}-{size}", sku_id=sku_id, option_label=size
                )
                store.inventory[(vid, 1)] = rng.randint(0, 120)
        else:
            vid = store.next_id("variant")
            store.variants[vid] = new_variant(vid, pid, product["sku"], sku_id=None)
            product["base_variant_id"] = vid
            store.inventory[(vid, 1)] = rng.randint(0, 120)
        for n in range(1 + pid % 2):
            fid = store.next_id("custom_field")
            store.custom_fields[fid] = {
                "id": fid,
                "product_id": pid,
                "name": ("Material", "Origin")[n],
                "value": ("Baumwolle 100 %", "Côte d'Ivoire")[n],
            }
    store.reserve_ids("product", count)


def new_product(
    pid: int,
    *,
    name: str,
    sku: str,
    price: Decimal,
    categories: list[int],
    when: datetime,
    product_type: str = "physical",
    weight: Decimal = Decimal("1"),
) -> dict[str, Any]:
    """A product record with the v3 fields and their defaults."""
    return {
        "id": pid,
        "name": name,
        "type": product_type,
        "sku": sku,
        "description": f"<p>{name}</p>",
        "weight": weight,
        "width": ZERO,
        "depth": ZERO,
        "height": ZERO,
        "price": price,
        "cost_price": ZERO,
        "retail_price": ZERO,
        "sale_price": ZERO,
        "map_price": ZERO,
        "tax_class_id": 0,
        "product_tax_code": "",
        "calculated_price": price,
        "categories": list(categories),
        "brand_id": 0,
        "option_set_display": "right",
        "inventory_level": 0,
        "inventory_warning_level": 0,
        "inventory_tracking": "product",
        "reviews_rating_sum": 0,
        "reviews_count": 0,
        "total_sold": 0,
        "fixed_cost_shipping_price": ZERO,
        "is_free_shipping": False,
        "is_visible": True,
        "is_featured": False,
        "related_products": [-1],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": "",
        "mpn": "",
        "gtin": "",
        "search_keywords": "",
        "availability": "available",
        "availability_description": "",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": False,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "date_created": when,
        "date_modified": when,
        "view_count": 0,
        "preorder_release_date": None,
        "preorder_message": "",
        "is_preorder_only": False,
        "is_price_hidden": False,
        "price_hidden_label": "",
        "custom_url": {"url": f"/product-{pid}/", "is_customized": False},
        "base_variant_id": None,
        "open_graph_type": "product",
        "open_graph_title": "",
        "open_graph_description": "",
        "open_graph_use_meta_description": True,
        "open_graph_use_product_name": True,
        "open_graph_use_image": True,
    }


def new_variant(
    vid: int, pid: int, sku: str, *, sku_id: int | None, option_label: str | None = None
) -> dict[str, Any]:
    """A variant record; ``option_label`` ``None`` makes a base variant (no option values)."""
    option_values = []
    if option_label is not None:
        option_values = [
            {
                "id": 10 + SIZES.index(option_label) if option_label in SIZES else 99,
                "label": option_label,
                "option_id": 1,
                "option_display_name": "Size",
            }
        ]
    return {
        "id": vid,
        "product_id": pid,
        "sku": sku,
        "sku_id": sku_id,
        "price": None,
        "calculated_price": None,
        "sale_price": None,
        "retail_price": None,
        "map_price": None,
        "weight": Decimal("1"),
        "calculated_weight": Decimal("1"),
        "width": ZERO,
        "height": ZERO,
        "depth": ZERO,
        "is_free_shipping": False,
        "fixed_cost_shipping_price": ZERO,
        "purchasing_disabled": False,
        "purchasing_disabled_message": "",
        "image_url": "",
        "cost_price": ZERO,
        "upc": "",
        "mpn": "",
        "gtin": "",
        "inventory_level": 0,
        "inventory_warning_level": 0,
        "bin_picking_number": "",
        "option_values": option_values,
    }


def _seed_price_lists(store: SandboxStore) -> None:
    store.price_lists[1] = {
        "id": 1,
        "name": "Wholesale",
        "active": True,
        "date_created": SEED_BASE,
        "date_modified": SEED_BASE,
    }
    store.reserve_ids("price_list", 1)
    for vid in sorted(store.variants)[:10]:
        variant = store.variants[vid]
        price = store.products[variant["product_id"]]["price"] * Decimal("0.8")
        store.price_list_records[(1, vid, "USD")] = new_price_record(
            1, variant, store.products[variant["product_id"]]["id"], price.quantize(CENT)
        )
    aid = store.next_id("price_list_assignment")
    store.price_list_assignments[aid] = {
        "id": aid,
        "price_list_id": 1,
        "customer_group_id": 2,
        "channel_id": 1,
    }


def new_price_record(
    price_list_id: int, variant: dict[str, Any], product_id: int, price: Decimal
) -> dict[str, Any]:
    """A price-list record for a variant in USD."""
    return {
        "price_list_id": price_list_id,
        "variant_id": variant["id"],
        "product_id": product_id,
        "sku": variant["sku"],
        "currency": "USD",
        "price": price,
        "sale_price": None,
        "retail_price": None,
        "map_price": None,
        "calculated_price": price,
        "date_created": SEED_BASE,
        "date_modified": SEED_BASE,
        "bulk_pricing_tiers": [],
    }


def _seed_customers(store: SandboxStore, rng: random.Random, count: int) -> None:
    for cid in range(1, count + 1):
        first = FIRST_NAMES[(cid - 1) % len(FIRST_NAMES)]
        last = LAST_NAMES[(cid * 7) % len(LAST_NAMES)]
        when = SEED_BASE + timedelta(hours=3 * cid)
        city, state, zip_code, iso2, country = CITIES[cid % len(CITIES)]
        customer = new_customer(cid, f"customer{cid}@example.com", first, last, when)
        customer["customer_group_id"] = (0, 1, 2)[cid % 3]
        customer["company"] = "" if cid % 2 else f"Händler & Söhne {cid}"
        customer["phone"] = f"+1555{rng.randint(1000000, 9999999)}"
        aid = store.next_id("customer_address")
        customer["addresses"] = [
            {
                "id": aid,
                "customer_id": cid,
                "first_name": first,
                "last_name": last,
                "company": customer["company"],
                "address1": f"{cid} Rue de l'Église",
                "address2": "",
                "city": city,
                "state_or_province": state,
                "postal_code": zip_code,
                "country_code": iso2,
                "country": country,
                "phone": customer["phone"],
                "address_type": "residential",
            }
        ]
        customer["address_count"] = 1
        store.customers[cid] = customer
    store.reserve_ids("customer", count)


def new_customer(cid: int, email: str, first: str, last: str, when: datetime) -> dict[str, Any]:
    """A v3 customer record with defaults."""
    return {
        "id": cid,
        "email": email,
        "first_name": first,
        "last_name": last,
        "company": "",
        "phone": "",
        "notes": "",
        "tax_exempt_category": "",
        "customer_group_id": 0,
        "registration_ip_address": "",
        "date_created": when,
        "date_modified": when,
        "address_count": 0,
        "attribute_count": 0,
        "authentication": {"force_password_reset": False},
        "accepts_product_review_abandoned_cart_emails": False,
        "origin_channel_id": 1,
        "addresses": [],
    }


# -- orders -------------------------------------------------------------------------------


def _catalog_lines(store: SandboxStore) -> Catalog:
    return [(store.products[v["product_id"]], v) for v in store.variants.values()]


def build_order(
    store: SandboxStore,
    order_id: int,
    when: datetime,
    status_id: int,
    customer_id: int | None,
    line_count: int | None,
    *,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Build an order and plan its lines and shipping address; put it in the store.

    The caller holds the store lock. The order's own random generator is derived from the
    store seed and the order id, so the same order id always looks the same.
    """
    rng = random.Random(store.seed * 1_000_003 + order_id)
    catalog = catalog if catalog is not None else _catalog_lines(store)
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
    order = _order_record(order_id, customer_id, when, modified, status_id, subtotal, shipping)
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
    # Lines and addresses are built on first access (see materialize_order): a 100k-order
    # store then seeds in seconds and stays small in memory.
    store.order_plans[order_id] = OrderPlan(first_line, address_id, plans, items, shipping)
    return order


def materialize_order(
    store: SandboxStore, order_id: int, plan: OrderPlan
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Build an order's line and shipping-address records from its plan."""
    lines: list[dict[str, Any]] = []
    parent_id: int | None = None
    for offset, (product, variant, qty, price, role) in enumerate(plan.lines):
        line = _line(plan.first_line + offset, order_id, plan.address_id, product, variant,
                     qty, price)  # fmt: skip
        if role == "parent":
            line["name"] = line["name_customer"] = line["name_merchant"] = "Pick-list Bundle"
            parent_id = line["id"]
        elif role == "child":
            # Bundled children carry no price of their own: counting them doubles the total.
            for key in ("base_price", "price_ex_tax", "price_inc_tax", "base_total",
                        "total_ex_tax", "total_inc_tax"):  # fmt: skip
                line[key] = ZERO
            line["parent_order_product_id"] = parent_id
            line["is_bundled_product"] = True
        lines.append(line)
    order = store.orders[order_id]
    address = _shipping_address(order, plan.address_id, plan.items, plan.shipping)
    return lines, [address]


def _date_modified(order_id: int, created: datetime, rng: random.Random) -> datetime:
    if order_id in SAME_SECOND_IDS:
        # Many orders share one date_modified second: the cursor-tie hard case.
        return SEED_BASE + timedelta(days=3, hours=7, minutes=11, seconds=42)
    return created + timedelta(seconds=rng.randint(0, 72 * 3600))


def _billing_address(
    store: SandboxStore, rng: random.Random, customer_id: int, order_id: int
) -> dict[str, Any]:
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


Catalog = list[tuple[dict[str, Any], dict[str, Any]]]
#: One planned line: (product, variant, quantity, unit price, role); role is "", "custom",
#: "parent" (a pick-list bundle) or "child" (a line bundled into the parent).
LinePlan = tuple[dict[str, Any] | None, dict[str, Any] | None, int, Decimal, str]


@attrs.frozen
class OrderPlan:
    """What is needed to build an order's lines and address later, deterministically."""

    first_line: int
    address_id: int
    lines: list[LinePlan]
    items: int
    shipping: Decimal


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


_LINE_TEMPLATE: dict[str, Any] = {
    "id": None,  # set per line
    "order_id": None,  # set per line
    "product_id": None,  # set per line
    "variant_id": None,  # set per line
    "order_address_id": None,  # set per line
    "name": None,  # set per line
    "name_customer": None,  # set per line
    "name_merchant": None,  # set per line
    "sku": None,  # set per line
    "upc": "",
    "type": "physical",
    "base_price": None,  # set per line
    "price_ex_tax": None,  # set per line
    "price_inc_tax": None,  # set per line
    "price_tax": ZERO,
    "base_total": None,  # set per line
    "total_ex_tax": None,  # set per line
    "total_inc_tax": None,  # set per line
    "total_tax": ZERO,
    "weight": Decimal("1"),
    "width": ZERO,
    "height": ZERO,
    "depth": ZERO,
    "quantity": None,  # set per line
    "base_cost_price": ZERO,
    "cost_price_inc_tax": ZERO,
    "cost_price_ex_tax": ZERO,
    "cost_price_tax": ZERO,
    "is_refunded": False,
    "quantity_refunded": 0,
    "refund_amount": ZERO,
    "return_id": 0,
    "wrapping_id": 0,
    "wrapping_name": "",
    "base_wrapping_cost": ZERO,
    "wrapping_cost_ex_tax": ZERO,
    "wrapping_cost_inc_tax": ZERO,
    "wrapping_cost_tax": ZERO,
    "wrapping_message": "",
    "quantity_shipped": 0,
    "fixed_shipping_cost": ZERO,
    "ebay_item_id": "",
    "ebay_transaction_id": "",
    "option_set_id": None,  # set per line
    "parent_order_product_id": None,
    "is_bundled_product": False,
    "bin_picking_number": "",
    "external_id": None,
    "brand": "",
    "applied_discounts": None,  # set per line
    "product_options": None,  # set per line
    "configurable_fields": None,  # set per line
}


def _line(
    line_id: int,
    order_id: int,
    address_id: int,
    product: dict[str, Any] | None,
    variant: dict[str, Any] | None,
    qty: int,
    price: Decimal,
) -> dict[str, Any]:
    if product is None or variant is None:
        name, sku, pid, vid = "Custom engraving — «Für Élise»", "", 0, 0
    else:
        name, sku, pid, vid = product["name"], variant["sku"], product["id"], variant["id"]
    total = price * qty
    options = [
        {
            "id": line_id * 10 + i,
            "option_id": ov["option_id"],
            "order_product_id": line_id,
            "product_option_id": 100 + ov["option_id"],
            "display_name": ov["option_display_name"],
            "display_value": ov["label"],
            "value": str(ov["id"]),
            "type": "Multiple choice",
            "name": ov["option_display_name"],
            "display_style": "Rectangle",
        }
        for i, ov in enumerate(variant["option_values"] if variant else [])
    ]
    # Copying a template of the constant fields is much cheaper than a 55-key literal,
    # which matters when seeding 100k orders.
    line = _LINE_TEMPLATE.copy()
    line.update(
        id=line_id,
        order_id=order_id,
        product_id=pid,
        variant_id=vid,
        order_address_id=address_id,
        name=name,
        name_customer=name,
        name_merchant=name,
        sku=sku,
        base_price=price,
        price_ex_tax=price,
        price_inc_tax=price,
        base_total=total,
        total_ex_tax=total,
        total_inc_tax=total,
        quantity=qty,
        option_set_id=1 if options else None,
        applied_discounts=[],
        product_options=options,
        configurable_fields=[],
    )
    return line


def _shipping_address(
    order: dict[str, Any], address_id: int, items: int, shipping: Decimal
) -> dict[str, Any]:
    billing = order["billing_address"]
    address = {k: v for k, v in billing.items() if k != "form_fields"}
    address.update(
        id=address_id,
        order_id=order["id"],
        items_total=items,
        items_shipped=0,
        shipping_method="Flat Rate",
        base_cost=shipping,
        cost_ex_tax=shipping,
        cost_inc_tax=shipping,
        cost_tax=ZERO,
        cost_tax_class_id=2,
        base_handling_cost=ZERO,
        handling_cost_ex_tax=ZERO,
        handling_cost_inc_tax=ZERO,
        handling_cost_tax=ZERO,
        handling_cost_tax_class_id=2,
        shipping_zone_id=1,
        shipping_zone_name="United States",
        form_fields=[],
    )
    return address


_ORDER_TEMPLATE: dict[str, Any] = {
    "id": None,  # set per order
    "customer_id": None,  # set per order
    "date_created": None,  # set per order
    "date_modified": None,  # set per order
    "date_shipped": "",
    "status_id": None,  # set per order
    "subtotal_ex_tax": None,  # set per order
    "subtotal_inc_tax": None,  # set per order
    "subtotal_tax": ZERO,
    "base_shipping_cost": None,  # set per order
    "shipping_cost_ex_tax": None,  # set per order
    "shipping_cost_inc_tax": None,  # set per order
    "shipping_cost_tax": ZERO,
    "shipping_cost_tax_class_id": 0,
    "base_handling_cost": ZERO,
    "handling_cost_ex_tax": ZERO,
    "handling_cost_inc_tax": ZERO,
    "handling_cost_tax": ZERO,
    "handling_cost_tax_class_id": 0,
    "base_wrapping_cost": ZERO,
    "wrapping_cost_ex_tax": ZERO,
    "wrapping_cost_inc_tax": ZERO,
    "wrapping_cost_tax": ZERO,
    "wrapping_cost_tax_class_id": 0,
    "total_ex_tax": None,  # set per order
    "total_inc_tax": None,  # set per order
    "total_tax": ZERO,
    "is_tax_inclusive_pricing": False,
    "items_total": 0,
    "items_shipped": 0,
    "payment_method": "Credit Card",
    "payment_provider_id": "",
    "payment_status": "captured",
    "refunded_amount": ZERO,
    "order_is_digital": False,
    "store_credit_amount": ZERO,
    "gift_certificate_amount": ZERO,
    "ip_address": "",
    "ip_address_v6": "",
    "geoip_country": "",
    "geoip_country_iso2": "",
    "currency_id": 1,
    "currency_code": "USD",
    "currency_exchange_rate": "1.0000000000",
    "default_currency_id": 1,
    "default_currency_code": "USD",
    "staff_notes": "",
    "customer_message": "",
    "discount_amount": ZERO,
    "coupon_discount": ZERO,
    "shipping_address_count": 1,
    "is_deleted": False,
    "ebay_order_id": "0",
    "cart_id": "",
    "billing_address": None,  # set per order
    "is_email_opt_in": False,
    "credit_card_type": None,
    "order_source": "www",
    "channel_id": 1,
    "external_source": None,
    "external_id": None,
    "external_merchant_id": None,
    "tax_provider_id": "BasicTaxProvider",
    "customer_locale": "en",
    "external_order_id": "",
    "store_default_currency_code": "USD",
    "store_default_to_transactional_exchange_rate": "1.0000000000",
}


def _order_record(
    order_id: int,
    customer_id: int,
    created: datetime,
    modified: datetime,
    status_id: int,
    subtotal: Decimal,
    shipping: Decimal,
) -> dict[str, Any]:
    total = subtotal + shipping
    order = _ORDER_TEMPLATE.copy()
    order.update(
        id=order_id,
        customer_id=customer_id,
        date_created=created,
        date_modified=modified,
        status_id=status_id,
        subtotal_ex_tax=subtotal,
        subtotal_inc_tax=subtotal,
        base_shipping_cost=shipping,
        shipping_cost_ex_tax=shipping,
        shipping_cost_inc_tax=shipping,
        total_ex_tax=total,
        total_inc_tax=total,
        billing_address={},
    )
    return order
