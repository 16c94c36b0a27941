"""Add Customer Lookup finds the order's ERP customer: binding, lookup, e-mail, guest policy.

The default lookup is the billing first and last name; the SDK's adapters find it among the
customer codes (ignoring case), as a host whose codes are names keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.adapters.memory import MemoryCustomers, MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import LocalCustomer
from bigcommerce_connect.records import ErpCustomer
from bigcommerce_connect.sync import ImportOptions

from .conftest import MakeRig, Rig, catalogue_of

AF = OrderStatus.AWAITING_FULFILLMENT


def awaiting(rig_or_sb: Any, *, guest: bool) -> dict[str, Any]:
    """The first order awaiting fulfillment that is (or is not) a guest order."""
    with rig_or_sb.store.locked() as store:
        return next(
            dict(o)
            for o in sorted(store.orders.values(), key=lambda o: o["id"])
            if o["status_id"] == AF and (o["customer_id"] == 0) == guest
        )


def lookup_of(order: dict[str, Any]) -> str:
    """What the default Add Customer Lookup builds: billing first + last name."""
    billing = order["billing_address"]
    return f"{billing['first_name']} {billing['last_name']}"


def customer_of(rig: Rig, order_id: int) -> str:
    """The ERP customer id the ERP order of a store order was created for."""
    found = [c for o, c in rig.erp.sales_orders.all().values() if o.external_ref == f"BC{order_id}"]
    assert len(found) == 1
    return found[0]


def test_a_guest_order_goes_to_the_customer_its_lookup_finds(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    rig = make_rig(erp=erp)
    order = awaiting(rig.sb, guest=True)
    # Another case and spaces around it: the adapters compare as the e-mail match does.
    known = erp.customers.create(
        ErpCustomer(customer_code=f" {lookup_of(order).upper()} ", email="books@example.org")
    )
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    assert customer_of(rig, order["id"]) == known
    emails = {c.email for c in erp.customers.all().values()}
    assert order["billing_address"]["email"] not in emails  # no customer made for the guest


def test_the_lookup_comes_before_the_email(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    rig = make_rig(erp=erp)
    order = awaiting(rig.sb, guest=True)
    erp.customers.create(ErpCustomer(customer_code="A-1", email=order["billing_address"]["email"]))
    by_lookup = erp.customers.create(ErpCustomer(customer_code=lookup_of(order)))
    rig.importer.import_orders()
    assert customer_of(rig, order["id"]) == by_lookup


def test_several_matches_elect_the_first_and_say_so(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    rig = make_rig(erp=erp)
    order = awaiting(rig.sb, guest=True)
    first = erp.customers.create(ErpCustomer(customer_code=lookup_of(order)))
    second = erp.customers.create(ErpCustomer(customer_code=lookup_of(order).lower()))
    report = rig.importer.import_orders()
    assert customer_of(rig, order["id"]) == first
    elections = [n for n in report.notifications if n.code == "customer.lookup.several"]
    assert len(elections) == 1
    assert elections[0].kind is NotificationKind.ELECTION
    assert elections[0].details["candidates"] == [first, second]
    assert elections[0].recipient == "pat"
    assert erp.notifier.notifications.count(elections[0]) == 1


def test_the_binding_comes_before_the_lookup(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    rig = make_rig(erp=erp)
    order = awaiting(rig.sb, guest=False)
    decoy = erp.customers.create(ErpCustomer(customer_code=lookup_of(order)))
    rig.importer.import_all()
    binding = erp.bindings.get("customer", str(order["customer_id"]))
    assert binding is not None
    assert customer_of(rig, order["id"]) == binding.local_id != decoy


def test_an_unbound_registered_customer_found_by_lookup_is_bound(make_rig: MakeRig) -> None:
    # The customer list cannot be read right now: the lookup finds the customer the ERP
    # already has, and binds the store customer to it (the customer stream completes it).
    erp = MemoryErp()
    rig = make_rig(erp=erp)
    order = awaiting(rig.sb, guest=False)
    known = erp.customers.create(ErpCustomer(customer_code=lookup_of(order)))
    rig.sb.knobs.fail_next("503", n=1000, path_prefix="/v3/customers")
    report = rig.importer.import_orders()
    rig.sb.knobs.clear_faults()
    assert not report.failed, report.errors
    assert customer_of(rig, order["id"]) == known
    binding = erp.bindings.get("customer", str(order["customer_id"]))
    assert binding is not None
    assert binding.local_id == known


def test_then_the_guest_account_after_the_email(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    rig = make_rig(erp=erp, options=ImportOptions(guest_customer_id="GUEST"))
    with rig.sb.store.locked() as store:
        guests = [
            o["id"] for o in store.orders.values() if o["status_id"] == AF and not o["customer_id"]
        ]
        email = store.orders[guests[0]]["billing_address"]["email"]
    assert len(guests) >= 2
    by_email = erp.customers.create(ErpCustomer(customer_code="K-1", email=email))
    rig.importer.import_orders()
    assert customer_of(rig, guests[0]) == by_email
    assert {customer_of(rig, i) for i in guests[1:]} == {"GUEST"}


class _WithoutLookup:
    """A host's customer repository from before find_by_lookup existed."""

    def __init__(self, inner: MemoryCustomers) -> None:
        self._inner = inner

    def find_by_email(self, email: str) -> Sequence[LocalCustomer]:
        return self._inner.find_by_email(email)

    def create(self, customer: ErpCustomer) -> str:
        return self._inner.create(customer)

    def update(self, local_id: str, customer: ErpCustomer, *, fields: frozenset[str]) -> None:
        self._inner.update(local_id, customer, fields=fields)


def test_a_repository_without_find_by_lookup_is_not_asked(make_rig: MakeRig) -> None:
    erp = MemoryErp()
    inner = erp.customers
    erp.customers = _WithoutLookup(inner)  # type: ignore[assignment]
    rig = make_rig(erp=erp)
    order = awaiting(rig.sb, guest=True)
    unused = inner.create(ErpCustomer(customer_code=lookup_of(order)))
    report = rig.importer.import_orders()
    assert report.orders_quarantined == 0
    assert customer_of(rig, order["id"]) != unused


def test_the_sqlite_erp_finds_the_lookup_too(make_rig: MakeRig, tmp_path: Path) -> None:
    rig0 = make_rig()
    with SqliteErp(tmp_path / "erp.db", items=catalogue_of(rig0.sb)) as erp:
        rig = make_rig(erp=erp)
        order = awaiting(rig.sb, guest=True)
        known = erp.customers.create(ErpCustomer(customer_code=lookup_of(order).upper()))
        rig.importer.import_orders()
        assert customer_of(rig, order["id"]) == known
