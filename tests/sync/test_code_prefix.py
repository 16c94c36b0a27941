"""The settings' Code goes in front of what the mappings build, never instead of it.

The original: "Code -- optional. Enter a Code to add in front of imported Customer or Order
IDs". A custom *Add Customer Code* keeps its shape with a code, and the default formats are
the same with and without one (``BC-<id>`` customers, ``<id>`` orders).
"""

from __future__ import annotations

from typing import Any

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.mapping import AUTOMATIC_CUSTOMER_IMPORT, load_definition
from bigcommerce_connect.mapping.defaults import builtin_data

from .conftest import MakeRig, Rig

AF = OrderStatus.AWAITING_FULFILLMENT


def save_shop_codes(rig: Rig, *, create_only: bool = True) -> None:
    """Save "ShopCodes": the default customer import with Add Customer Code "SHOP-1/<email>"."""
    data = builtin_data(AUTOMATIC_CUSTOMER_IMPORT)
    rules = [r for r in data["rules"] if r.get("target") != "customer_code"]
    extra = {"on_create_only": True} if create_only else {}
    code_rules: list[dict[str, Any]] = [
        {"constant": "SHOP-1", "target": "customer_code", **extra},
        {
            "label": "Add Customer Code",
            "source": "email",
            "target": "customer_code",
            "op": "add",
            "separator": "/",
            **extra,
        },
    ]
    data.update(name="ShopCodes", rules=code_rules + rules)
    rig.ports.mappings.save(load_definition(data))


def store_emails(rig: Rig) -> dict[int, str]:
    with rig.sb.store.locked() as store:
        return {cid: str(c["email"]) for cid, c in store.customers.items()}


def erp_code_of(rig: Rig, store_customer_id: int) -> str:
    binding = rig.erp.bindings.get("customer", str(store_customer_id))
    assert binding is not None
    return rig.erp.customers.get(binding.local_id).customer_code


def test_a_custom_customer_code_keeps_its_shape_behind_the_code(make_rig: MakeRig) -> None:
    rig = make_rig(code="WEB1", customer_import="ShopCodes")
    save_shop_codes(rig)
    report = rig.importer.import_customers()
    emails = store_emails(rig)
    assert report.customers_created == len(emails)
    for store_id, email in emails.items():
        assert erp_code_of(rig, store_id) == f"WEB1SHOP-1/{email}"


def test_without_a_code_the_mapped_values_are_kept_as_built(make_rig: MakeRig) -> None:
    rig = make_rig(code="", customer_import="ShopCodes")
    save_shop_codes(rig)
    to_import = rig.store_orders_in(AF)
    rig.importer.import_all()
    for store_id, email in store_emails(rig).items():
        assert erp_code_of(rig, store_id) == f"SHOP-1/{email}"
    assert rig.erp_order_refs() == sorted(str(i) for i in to_import)


def test_the_code_goes_in_front_of_the_default_formats(make_rig: MakeRig) -> None:
    rig = make_rig(code="WEB")
    to_import = rig.store_orders_in(AF)
    with rig.sb.store.locked() as store:
        guests = {o["id"] for o in store.orders.values() if not o["customer_id"]}
    assert guests & set(to_import), "the seeded store has guest orders to import"
    rig.importer.import_all()
    assert rig.erp_order_refs() == sorted(f"WEB{i}" for i in to_import)
    for store_id in store_emails(rig):
        assert erp_code_of(rig, store_id) == f"WEBBC-{store_id}"
    # A guest has no store customer id: the mapping builds its code from G<order id>.
    guest_codes = {
        c.customer_code for c in rig.erp.customers.all().values() if c.external_id is None
    }
    assert guest_codes == {f"WEBBC-G{i}" for i in guests & set(to_import)}


def test_an_update_puts_the_code_in_front_once(make_rig: MakeRig) -> None:
    # Here Add Customer Code runs on updates too: the new code gets the prefix once.
    rig = make_rig(code="WEB1", customer_import="ShopCodes")
    save_shop_codes(rig, create_only=False)
    rig.importer.import_customers()
    store_id = next(iter(store_emails(rig)))
    with rig.sb.store.locked() as store:
        store.customers[store_id]["email"] = "renamed@example.com"
        store.customers[store_id]["date_modified"] = store.now()
    rig.later()
    report = rig.importer.import_customers()
    assert report.customers_updated == 1
    assert erp_code_of(rig, store_id) == "WEB1SHOP-1/renamed@example.com"


def test_a_create_only_code_is_not_touched_by_an_update(make_rig: MakeRig) -> None:
    rig = make_rig(code="WEB")
    rig.importer.import_customers()
    store_id = next(iter(store_emails(rig)))
    with rig.sb.store.locked() as store:
        store.customers[store_id]["last_name"] = "Renamed"
        store.customers[store_id]["date_modified"] = store.now()
    rig.later()
    assert rig.importer.import_customers().customers_updated == 1
    assert erp_code_of(rig, store_id) == f"WEBBC-{store_id}"
