"""B2B export against the sandbox: customers, price levels, customer pricing, access."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from bigcommerce_connect.export import AccessDeniedError, Action
from bigcommerce_connect.ports import LevelPrice, LocalContact
from bigcommerce_connect.records import ErpContact

from .conftest import ExportRig


def contact(local_id: str, email: str, level: str = "", **extra: str) -> LocalContact:
    fields = {"first_name": "Zoë", "last_name": "O'Néill", "company": "Acme"} | extra
    return LocalContact(
        local_id=local_id, contact=ErpContact(email=email, price_level=level, **fields)
    )


def seeded_customer(rig: ExportRig) -> dict[str, object]:
    with rig.sb.store.locked() as store:
        return dict(min(store.customers.values(), key=lambda c: c["id"]))


def test_contacts_link_by_email_or_create(rig: ExportRig) -> None:
    existing = seeded_customer(rig)
    contacts = [
        contact("K1", str(existing["email"]).upper()),  # the store keeps e-mails unique
        contact("K2", "new.buyer@example.com"),
    ]

    report = rig.b2b.sync_contacts("pat", contacts)

    linked, created = report.contact("K1"), report.contact("K2")
    assert (linked.action, linked.customer_id) == (Action.LINKED, existing["id"])
    assert created.action is Action.CREATED
    store_customer = rig.sb.store.customers[created.customer_id or 0]
    assert (store_customer["email"], store_customer["last_name"]) == (
        "new.buyer@example.com",
        "O'Néill",
    )
    hash_ = rig.client.endpoint.store_hash
    assert created.admin_url == (
        f"https://store-{hash_}.mybigcommerce.com/manage/customers/{created.customer_id}/edit"
    )
    for result in (linked, created):
        binding = rig.erp.bindings.get_by_local("contact", result.local_id)
        assert binding is not None
        assert binding.external_id == str(result.customer_id)


def test_contacts_created_in_batches_of_ten_and_rerun_sends_nothing(rig: ExportRig) -> None:
    contacts = [contact(f"K{n}", f"buyer{n}@example.com") for n in range(23)]
    first = rig.b2b.sync_contacts("pat", contacts)
    assert first.counts["created"] == 23
    creates = [w for w in rig.transport.writes("/v3/customers") if w.method == "POST"]
    assert [len(w.body) for w in creates] == [10, 10, 3]
    rig.sb.requests.clear()

    again = rig.b2b.sync_contacts("pat", contacts)

    assert again.counts["unchanged"] == 23
    assert len(rig.sb.requests) == 0


def test_contact_without_email_or_name_fails_clearly(rig: ExportRig) -> None:
    report = rig.b2b.sync_contacts(
        "pat", [contact("K1", "not-an-email"), contact("K2", "a@b.example", last_name="")]
    )
    assert "e-mail" in report.contact("K1").error
    assert "last name" in report.contact("K2").error
    assert rig.writes() == 0


def test_price_levels_become_groups_and_customers_join_them(rig: ExportRig) -> None:
    contacts = [
        contact("K1", "one@example.com", "Gold"),
        contact("K2", "two@example.com", "Gold"),
        contact("K3", "three@example.com", "Silver"),
    ]
    rig.b2b.sync_contacts("pat", contacts)

    report = rig.b2b.sync_price_levels("pat", contacts, levels=["Retail"])

    by_level = {result.level: result for result in report.levels}
    assert by_level["Retail"].action is Action.LINKED  # the store already has "Retail"
    assert by_level["Retail"].customer_group_id == 1
    assert (by_level["Gold"].action, by_level["Gold"].customers_assigned) == (Action.CREATED, 2)
    gold = by_level["Gold"].customer_group_id
    assert rig.sb.store.customer_groups[gold or 0]["name"] == "Gold"
    rig.sb.requests.clear()
    after = rig.b2b.sync_contacts("pat", contacts)  # already in their groups: nothing to send
    assert after.counts["unchanged"] == 3
    assert rig.writes() == 0
    for result in after.contacts:
        level = "Gold" if result.local_id != "K3" else "Silver"
        customer = rig.sb.store.customers[result.customer_id or 0]
        assert customer["customer_group_id"] == by_level[level].customer_group_id
    assert rig.b2b.sync_price_levels("pat", contacts).counts["unchanged"] == 2
    assert rig.writes() == 0


def test_bad_contact_in_a_batch_fails_alone(rig: ExportRig) -> None:
    contacts = [contact(f"K{n}", f"same{n}@example.com") for n in range(4)]
    contacts.append(contact("DUP", "same1@example.com"))  # the store keeps e-mails unique

    report = rig.b2b.sync_contacts("pat", contacts)

    assert [r.action for r in report.contacts] == [Action.CREATED] * 4 + [Action.FAILED]
    assert "already in use" in report.contact("DUP").error
    emails = [c["email"] for c in rig.sb.store.customers.values()]
    assert emails.count("same1@example.com") == 1


def test_new_contact_is_created_in_its_level_group(rig: ExportRig) -> None:
    rig.b2b.sync_price_levels("pat", [], levels=["Gold"])
    report = rig.b2b.sync_contacts("pat", [contact("K9", "late@example.com", "Gold")])
    created = report.contact("K9")
    assert created.customer_group_id is not None
    customer = rig.sb.store.customers[created.customer_id or 0]
    assert customer["customer_group_id"] == created.customer_group_id


def test_customer_pricing_records_and_assignment_visible(rig: ExportRig) -> None:
    rig.b2b.sync_price_levels("pat", [], levels=["Gold"])
    with rig.sb.store.locked() as store:
        skus = sorted(v["sku"] for v in store.variants.values())
    prices = [LevelPrice(sku=sku, price=Decimal("4.20")) for sku in skus]
    prices.append(LevelPrice(sku="NO-SUCH-SKU", price=Decimal(1)))

    report = rig.b2b.sync_customer_pricing("pat", "Gold", prices)

    level = report.levels[0]
    assert level.failed_skus == ("NO-SUCH-SKU",)
    assert level.records_upserted == len(skus)
    plid = level.price_list_id or 0
    assert rig.sb.store.price_lists[plid]["name"] == "Gold"
    records = {k[1]: r for k, r in rig.sb.store.price_list_records.items() if k[0] == plid}
    assert len(records) == len(skus)
    assert {r["price"] for r in records.values()} == {Decimal("4.20")}
    assigned = [
        a for a in rig.sb.store.price_list_assignments.values() if a["price_list_id"] == plid
    ]
    assert [a["customer_group_id"] for a in assigned] == [level.customer_group_id]


def test_customer_pricing_batches_of_1000_and_25(rig: ExportRig) -> None:
    rig.b2b.sync_price_levels("pat", [], levels=["Bulk"])
    with rig.sb.store.locked() as store:
        sku = next(iter(store.variants.values()))["sku"]
    prices = [LevelPrice(sku=sku, price=Decimal(n), currency="usd") for n in range(1, 2501)]

    report = rig.b2b.sync_customer_pricing("pat", "Bulk", prices, channel_ids=range(1, 31))

    assert report.ok, report.failed
    upserts = [w for w in rig.transport.writes("/v3/pricelists/") if w.path.endswith("/records")]
    assert [len(w.body) for w in upserts] == [1000, 1000, 500]
    posts = rig.transport.writes("/v3/pricelists/assignments")
    assert [len(w.body) for w in posts] == [25, 5]
    rig.sb.requests.clear()
    assert (
        rig.b2b.sync_customer_pricing("pat", "Bulk", prices, channel_ids=range(1, 31))
        .levels[0]
        .action
        is Action.UNCHANGED
    )
    assert len(rig.sb.requests) == 0


def test_pricing_without_a_group_fails_clearly(rig: ExportRig) -> None:
    report = rig.b2b.sync_customer_pricing(
        "pat", "Nowhere", [LevelPrice(sku="x", price=Decimal(1))]
    )
    assert "sync price levels first" in report.levels[0].error
    assert len(rig.sb.requests) == 0


@pytest.mark.parametrize("employee", ["mallory", "", "  "])
def test_access_refused_sends_nothing(rig: ExportRig, employee: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: rig.b2b.sync_contacts(employee, [contact("K1", "x@example.com", "Gold")]),
        lambda: rig.b2b.sync_price_levels(employee, [], levels=["Gold"]),
        lambda: rig.b2b.sync_customer_pricing(
            employee, "Gold", [LevelPrice(sku="SKU-00001", price=Decimal(1))]
        ),
    ]
    for call in calls:
        with pytest.raises(AccessDeniedError) as refused:
            call()
        assert refused.value.employee == employee
        assert refused.value.code == "access_denied"
    assert len(rig.sb.requests) == 0
    assert rig.erp.bindings.all("contact") == []


def test_sources_feed_the_exporter_by_default(rig: ExportRig) -> None:
    rig.erp.contacts.put("K1", contact("K1", "src@example.com", "Gold").contact)
    rig.erp.price_levels.set_prices("Gold", [LevelPrice(sku="SKU-00001", price=Decimal("3"))])

    assert rig.b2b.sync_price_levels("pat").levels[0].action is Action.CREATED
    assert rig.b2b.sync_contacts("pat").contact("K1").action is Action.CREATED
    pricing = rig.b2b.sync_customer_pricing("pat", "Gold").levels[0]

    assert pricing.records_upserted == 1
    variant = rig.sb.store.variant_by_sku("SKU-00001")
    assert variant is not None
    record = rig.sb.store.price_list_records[(pricing.price_list_id, variant["id"], "USD")]
    assert record["price"] == Decimal("3")
