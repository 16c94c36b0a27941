"""A legacy API account (Basic auth, v2 only) imports customers and orders, never calling v3.

Customers come from ``/v2/customers`` with their addresses, typed as :class:`CustomerV2` and
adapted to the v3 :class:`Customer` the customer mapping reads: the ERP records are the ones
an OAuth account's import makes from the same store.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.models import CustomerAddressV2, CustomerV2, structure
from bigcommerce_connect.records import ErpCustomer
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter
from support.sandboxes import StartSandbox

AWAITING_FULFILLMENT = 11


@pytest.fixture
def sb(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=12, orders=40, customers=12, products=8)


def legacy_settings(sb: Sandbox) -> StoreSettings:
    return StoreSettings.from_dict(
        {
            "api_path": sb.legacy_api_path,
            "api_token": sb.legacy_api_key,
            "username": sb.legacy_username,
            "allow_insecure_host": True,
            "code": "WEB",
        }
    )


def oauth_settings(sb: Sandbox) -> StoreSettings:
    return StoreSettings.from_dict(
        {
            "api_path": sb.api_path,
            "api_token": sb.access_token,
            "allow_insecure_host": True,
            "code": "WEB",
        }
    )


def catalogue(sb: Sandbox) -> list[Any]:
    from bigcommerce_connect.ports import ItemRef

    with sb.store.locked() as store:
        return [
            ItemRef(local_id=f"I{v['id']}", sku=v["sku"], is_variant=True)
            for v in store.variants.values()
            if v.get("sku")
        ]


class Run:
    """One ERP importing from the store with one account; ``later`` moves its clock."""

    def __init__(self, sb: Sandbox, settings: StoreSettings) -> None:
        self.erp = MemoryErp(catalogue(sb))
        self.client = BigCommerceClient.from_settings(settings, sleep=lambda _s: None)
        self.clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
        ports = ErpPorts.from_erp(self.erp, mappings=InMemoryMappingStore(), clock=self.clock)
        options = ImportOptions(settle=timedelta(0))
        self.importer = StoreImporter(self.client, settings, ports, options)

    def later(self) -> None:
        self.clock.current += timedelta(minutes=1)

    def customers(self) -> dict[str, ErpCustomer]:
        """The ERP customers by their store id (the binding)."""
        found = {}
        for local_id, record in self.erp.customers.all().items():
            binding = self.erp.bindings.get_by_local("customer", local_id)
            found[binding.external_id if binding else f"unbound {local_id}"] = record
        return found


def test_customers_and_orders_import_through_v2_only(sb: Sandbox) -> None:
    with sb.store.locked() as store:
        waiting = sorted(
            i for i, o in store.orders.items() if o["status_id"] == AWAITING_FULFILLMENT
        )
        store_customers = {c["id"]: c for c in store.customers.values()}
    run = Run(sb, legacy_settings(sb))
    with run.client:
        report = run.importer.import_all()
    assert not report.failed, report.errors
    assert {r.path.split("/")[2] for r in sb.requests.records()} == {"v2"}  # /api/v2/...
    assert any(r.path.startswith("/api/v2/customers") for r in sb.requests.records())
    imported = run.customers()
    for customer_id, row in store_customers.items():
        record = imported[str(customer_id)]
        assert record.email == row["email"]
        assert record.customer_code.startswith("WEB")
        assert record.customer_code.endswith(str(customer_id))
        if row["addresses"]:
            assert record.billing_address is not None
            assert record.billing_address.street_1 == row["addresses"][0]["address1"]
    assert report.orders_imported == len(waiting) > 0
    assert report.statuses_moved == len(waiting)


def test_the_same_records_as_an_oauth_accounts_import(sb: Sandbox) -> None:
    legacy, oauth = Run(sb, legacy_settings(sb)), Run(sb, oauth_settings(sb))
    with legacy.client, oauth.client:
        assert legacy.importer.import_customers().customers_created == 12
        assert oauth.importer.import_customers().customers_created == 12
    assert legacy.customers() == oauth.customers()


def test_a_changed_customer_is_updated_and_the_others_are_not_read_again(sb: Sandbox) -> None:
    run = Run(sb, legacy_settings(sb))
    with run.client:
        run.importer.import_customers()
        with sb.store.locked() as store:
            store.customers[3]["last_name"] = "Renamed"
            store.customers[3]["date_modified"] = store.now()
        run.later()
        sb.requests.clear()
        again = run.importer.import_customers()
    assert (again.customers_created, again.customers_updated) == (0, 1)
    assert run.customers()["3"].last_name == "Renamed"
    addresses = [r for r in sb.requests.records() if r.path.endswith("/addresses")]
    assert [r.path for r in addresses] == ["/api/v2/customers/3/addresses"]


def test_the_v2_model_adapts_to_the_v3_customer() -> None:
    wire = {
        "id": 7,
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "company": "Lee & Co",
        "customer_group_id": 2,
        "store_credit": "12.5000",
        "date_modified": "Tue, 05 Mar 2019 21:40:11 +0000",
        "addresses": {
            "url": "https://x/customers/7/addresses",
            "resource": "/customers/7/addresses",
        },
        "reset_pass_on_login": False,
    }
    address = {
        "id": 1,
        "customer_id": 7,
        "street_1": "1 Main St",
        "state": "Texas",
        "zip": "78701",
        "country": "United States",
        "country_iso2": "US",
    }
    customer = structure(wire, CustomerV2).to_customer([structure(address, CustomerAddressV2)])
    assert (customer.id, customer.email, customer.company) == (7, "ann@example.com", "Lee & Co")
    assert customer.date_modified == datetime(2019, 3, 5, 21, 40, 11, tzinfo=timezone.utc)
    assert customer.address_count == 1
    (mapped,) = customer.addresses
    assert (mapped.address1, mapped.state_or_province, mapped.postal_code) == (
        "1 Main St",
        "Texas",
        "78701",
    )
    assert (mapped.country_code, mapped.country) == ("US", "United States")
