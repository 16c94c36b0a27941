"""Customer import against the sandbox: created once, updated when changed, matched by e-mail."""

from __future__ import annotations

from datetime import timedelta

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.records import ErpCustomer
from bigcommerce_connect.sync import CUSTOMER_STREAM

from .conftest import MakeRig


def store_customers(rig_sb: object) -> dict[int, dict[str, object]]:
    with rig_sb.store.locked() as store:  # type: ignore[attr-defined]
        return {cid: dict(c) for cid, c in store.customers.items()}


def test_every_customer_is_imported_once_with_the_code_prefix(make_rig: MakeRig) -> None:
    rig = make_rig()
    customers = store_customers(rig.sb)
    report = rig.importer.import_customers()
    assert report.customers_created == len(customers)
    erp = rig.erp.customers.all()
    # The settings' code ("BC") goes in front of the mapped code (Add Customer Code: "BC-<id>").
    assert sorted(c.customer_code for c in erp.values()) == sorted(f"BCBC-{i}" for i in customers)
    assert rig.erp.sync_state.get_cursor(CUSTOMER_STREAM) is not None
    rig.later()
    again = rig.importer.import_customers()
    assert again.customers_created == 0
    assert again.customers_updated == 0
    assert len(rig.erp.customers.all()) == len(customers)


def test_a_changed_customer_is_updated(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.importer.import_customers()
    some_id = next(iter(store_customers(rig.sb)))
    with rig.sb.store.locked() as store:
        store.customers[some_id]["last_name"] = "Renamed"
        store.customers[some_id]["date_modified"] = store.now()
    rig.later()
    report = rig.importer.import_customers()
    assert report.customers_updated == 1
    binding = rig.erp.bindings.get("customer", str(some_id))
    assert binding is not None
    assert rig.erp.customers.get(binding.local_id).last_name == "Renamed"


def test_existing_erp_customer_is_matched_by_email_not_duplicated(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    customers = store_customers_of_default(make_rig)
    first_id, first = next(iter(customers.items()))
    local_id = erp.customers.create(
        ErpCustomer(email=str(first["email"]).upper(), customer_code="OLD-1")
    )
    rig = make_rig(erp=erp)
    rig.importer.import_customers()
    assert len(erp.customers.all()) == len(customers)
    binding = erp.bindings.get("customer", str(first_id))
    assert binding is not None
    assert binding.local_id == local_id
    assert erp.customers.get(local_id).customer_code == "OLD-1"  # on-create-only rules skipped


def test_b2b_sets_the_price_level_from_the_customer_group(make_rig: MakeRig) -> None:
    rig = make_rig(b2b=True)
    rig.importer.import_customers()
    with rig.sb.store.locked() as store:
        grouped = {
            cid: c["customer_group_id"]
            for cid, c in store.customers.items()
            if c.get("customer_group_id")
        }
        names = {gid: g["name"] for gid, g in store.customer_groups.items()}
    assert grouped, "the seed puts some customers in groups"
    for cid, gid in grouped.items():
        binding = rig.erp.bindings.get("customer", str(cid))
        assert binding is not None
        assert rig.erp.customers.get(binding.local_id).price_level == names[gid]


def test_window_uses_overlap_and_a_cursor_in_utc(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.importer.import_customers()
    cursor = rig.erp.sync_state.get_cursor(CUSTOMER_STREAM)
    assert cursor is not None
    assert cursor.utcoffset() == timedelta(0)


def store_customers_of_default(make_rig: MakeRig) -> dict[int, dict[str, object]]:
    return store_customers(make_rig().sb)
