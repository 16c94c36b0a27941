"""Seeding: fill an empty store with deterministic data from its seed.

Everything derives from the seed and the fixed :data:`~.vocabulary.SEED_BASE` date, never from
the wall clock, so two stores with the same seed and sizes are identical. The records come
from the row builders (:mod:`.rows`) and the order factory (:mod:`.order_factory`, which holds
the order hard cases); this module adds the store-wide hard cases: unicode names (accents,
apostrophes, emoji, right-to-left), every status including 0 (Incomplete) via
``order_id % 15``, and renamed labels for statuses 2 and 11.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from bigcommerce_connect.sandbox.order_factory import build_order, catalog_lines
from bigcommerce_connect.sandbox.rows import (
    CENT,
    new_category,
    new_customer,
    new_price_record,
    new_product,
    new_variant,
)
from bigcommerce_connect.sandbox.store import SandboxStore
from bigcommerce_connect.sandbox.vocabulary import (
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    PRODUCT_WORDS,
    SEED_BASE,
    SIZES,
)

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
        catalog = catalog_lines(store)
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
