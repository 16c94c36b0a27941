"""The adapter contract: one test suite every implementation of the ports must pass.

A host proves its storage adapters by subclassing :class:`AdapterContract` in its own tests::

    from bigcommerce_connect.testing.contract import AdapterContract

    class TestMyErpAdapters(AdapterContract):
        absent_ports = frozenset({"credit_limits", "shipment_source"})  # what MyErp lacks

        def make_erp(self, items):
            return MyErp(items=items)   # has .bindings, .customers, .sales_orders, ...

The object ``make_erp`` returns is an :class:`~bigcommerce_connect.ports.ErpAdapters`: the
ports as attributes under the names :data:`REQUIRED_PORTS` and :data:`OPTIONAL_PORTS` list (the
names :class:`~bigcommerce_connect.adapters.memory.MemoryErp` uses), the same object
``ErpPorts.from_erp`` takes. A required port that is missing fails, named. An optional port
that is missing fails too, named, unless the subclass lists it in
:attr:`AdapterContract.absent_ports`; the tests of a declared-absent port are skipped, so a
port forgotten under a misspelt attribute cannot pass unnoticed. Requires only pytest (the
``contract`` extra).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from bigcommerce_connect.ports import (
    Binding,
    BindingConflictError,
    ContactIdSink,
    CustomerLookup,
    ErpAdapters,
    ItemIdSink,
    ItemRef,
    LevelPrice,
    QuarantineEntry,
    ShipmentIdSink,
    StockLevel,
)
from bigcommerce_connect.records import ErpContact, ErpCustomer, ErpItem, ErpSalesOrder
from bigcommerce_connect.shipments import ErpShipment, ErpShipmentLine

__all__ = ["OPTIONAL_PORTS", "REQUIRED_PORTS", "AdapterContract"]

#: The attributes every ERP object has: the import's ports (``ErpPorts.from_erp`` reads them).
REQUIRED_PORTS: tuple[str, ...] = (
    "bindings",
    "customers",
    "sales_orders",
    "items",
    "sync_state",
    "quarantine",
    "unit_of_work",
    "lock",
    "notifier",
)
#: The attributes an ERP object has unless :attr:`AdapterContract.absent_ports` names them.
OPTIONAL_PORTS: tuple[str, ...] = (
    "webhook_receipts",
    "credit_limits",
    "order_changes",
    "item_repository",
    "item_source",
    "stock",
    "contacts",
    "price_levels",
    "shipment_source",
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
ITEMS = (
    ItemRef(local_id="P1", sku="SKU-1"),
    ItemRef(local_id="V1", sku="SKU-1", is_variant=True),
    ItemRef(local_id="P2", sku="SKU-2", available=Decimal(3)),
)


def _order(ref: str) -> ErpSalesOrder:
    return ErpSalesOrder(external_ref=ref, total=Decimal("12.34"))


class AdapterContract:
    """Behaviour the SDK relies on from every adapter. Subclass it and define ``make_erp``."""

    #: Optional ports (names from :data:`OPTIONAL_PORTS`) the ERP deliberately does not have:
    #: their tests are skipped instead of failing.
    absent_ports: frozenset[str] = frozenset()

    def make_erp(self, items: Sequence[ItemRef]) -> ErpAdapters:
        """Return a fresh, empty ERP exposing the ports (override in a subclass)."""
        raise NotImplementedError

    @pytest.fixture
    def erp(self) -> ErpAdapters:
        """A fresh ERP per test."""
        return self.make_erp(ITEMS)

    # -- the ERP object's shape --------------------------------------------------------------

    def test_erp_has_every_required_port(self, erp: ErpAdapters) -> None:
        missing = [name for name in REQUIRED_PORTS if getattr(erp, name, None) is None]
        assert not missing, (
            f"{type(erp).__name__} lacks the required port attribute(s) {', '.join(missing)} "
            f"(an ERP object needs all of: {', '.join(REQUIRED_PORTS)})"
        )

    def test_optional_ports_are_present_or_declared_absent(self, erp: ErpAdapters) -> None:
        unknown = sorted(self.absent_ports - set(OPTIONAL_PORTS))
        assert not unknown, (
            f"absent_ports names {', '.join(unknown)}, not optional ports "
            f"(optional: {', '.join(OPTIONAL_PORTS)})"
        )
        missing = [
            name
            for name in OPTIONAL_PORTS
            if getattr(erp, name, None) is None and name not in self.absent_ports
        ]
        assert not missing, self._missing_message(erp, missing)
        present = sorted(name for name in self.absent_ports if getattr(erp, name, None) is not None)
        assert not present, (
            f"absent_ports declares {', '.join(present)} absent, but {type(erp).__name__} "
            "has it: drop it from absent_ports so its tests run"
        )

    def _missing_message(self, erp: ErpAdapters, missing: Sequence[str]) -> str:
        names = ", ".join(missing)
        return (
            f"{type(erp).__name__} has no optional port attribute(s) {names}: add them, or "
            f"declare them absent in the contract subclass: absent_ports = frozenset({{...}})"
        )

    # -- bindings ----------------------------------------------------------------------------

    def test_bind_and_read_both_ways(self, erp: ErpAdapters) -> None:
        erp.bindings.bind(
            Binding(entity="order", external_id="7", local_id="SO9", external_modified=T0)
        )
        found = erp.bindings.get("order", "7")
        assert found is not None
        assert found.local_id == "SO9"
        assert found.external_modified == T0
        by_local = erp.bindings.get_by_local("order", "SO9")
        assert by_local is not None
        assert by_local.external_id == "7"
        assert erp.bindings.get("order", "8") is None
        assert erp.bindings.get("customer", "7") is None

    def test_binding_is_unique_both_ways(self, erp: ErpAdapters) -> None:
        erp.bindings.bind(Binding(entity="order", external_id="7", local_id="SO9"))
        with pytest.raises(BindingConflictError):
            erp.bindings.bind(Binding(entity="order", external_id="7", local_id="SO10"))
        with pytest.raises(BindingConflictError):
            erp.bindings.bind(Binding(entity="order", external_id="8", local_id="SO9"))
        erp.bindings.bind(Binding(entity="customer", external_id="7", local_id="SO9"))

    def test_rebinding_the_same_pair_updates_it(self, erp: ErpAdapters) -> None:
        erp.bindings.bind(Binding(entity="order", external_id="7", local_id="SO9"))
        later = T0 + timedelta(hours=1)
        erp.bindings.bind(
            Binding(entity="order", external_id="7", local_id="SO9", external_modified=later)
        )
        found = erp.bindings.get("order", "7")
        assert found is not None
        assert found.external_modified == later

    # -- customers and orders ----------------------------------------------------------------

    def test_customers_create_find_update(self, erp: ErpAdapters) -> None:
        local_id = erp.customers.create(
            ErpCustomer(email="Zoë@Example.com", customer_listing="Zoë")
        )
        assert isinstance(local_id, str)
        assert local_id
        assert [c.local_id for c in erp.customers.find_by_email("zoë@example.com")] == [local_id]
        assert erp.customers.find_by_email("nobody@example.com") == []
        assert erp.customers.find_by_email("") == []
        erp.customers.update(
            local_id, ErpCustomer(email="new@example.com"), fields=frozenset({"email"})
        )
        assert [c.local_id for c in erp.customers.find_by_email("new@example.com")] == [local_id]
        # Fields the update did not name keep their value.
        assert erp.customers.find_by_email("new@example.com")[0].name == "Zoë"

    def test_customers_find_by_lookup(self, erp: ErpAdapters) -> None:
        # Optional (ports.CustomerLookup): an order's Customer Lookup value finds customers
        # by code, ignoring case and surrounding spaces; several come oldest first.
        customers = erp.customers
        if not isinstance(customers, CustomerLookup):
            pytest.skip("the customer repository has no find_by_lookup")
        first = customers.create(ErpCustomer(customer_code="Zoë-1", email="a@example.com"))
        second = customers.create(ErpCustomer(customer_code="ZOË-1 ", email="b@example.com"))
        other = customers.create(ErpCustomer(customer_code="Zoë-2", email="c@example.com"))
        assert [c.local_id for c in customers.find_by_lookup(" zoë-1")] == [first, second]
        assert customers.find_by_lookup("Zoë") == []
        assert customers.find_by_lookup("") == []
        assert customers.find_by_lookup("   ") == []
        customers.update(other, ErpCustomer(customer_code="Zoë-3"), fields=frozenset({"email"}))
        assert [c.local_id for c in customers.find_by_lookup("zoë-2")] == [other]  # kept
        customers.update(
            other, ErpCustomer(customer_code="Zoë-3"), fields=frozenset({"customer_code"})
        )
        assert [c.local_id for c in customers.find_by_lookup("zoë-3")] == [other]
        assert customers.find_by_lookup("zoë-2") == []

    def test_sales_orders_create_and_update(self, erp: ErpAdapters) -> None:
        first = erp.sales_orders.create(_order("1"), customer_id="C1")
        second = erp.sales_orders.create(_order("2"), customer_id="C1")
        assert first != second
        erp.sales_orders.update(
            first, _order("1b"), customer_id="C2", fields=frozenset({"external_ref"})
        )

    def test_items_by_sku_variants_first(self, erp: ErpAdapters) -> None:
        found = erp.items.find_by_sku("SKU-1")
        assert [item.local_id for item in found] == ["V1", "P1"]
        assert erp.items.find_by_sku("SKU-2")[0].available == Decimal(3)
        assert list(erp.items.find_by_sku("nope")) == []

    # -- cursors -----------------------------------------------------------------------------

    def test_cursor_round_trip_in_utc(self, erp: ErpAdapters) -> None:
        assert erp.sync_state.get_cursor("orders") is None
        local = datetime(2026, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
        erp.sync_state.set_cursor("orders", local)
        stored = erp.sync_state.get_cursor("orders")
        assert stored == local
        assert stored.utcoffset() == timedelta(0)
        assert erp.sync_state.get_cursor("customers") is None

    # -- quarantine --------------------------------------------------------------------------

    def test_quarantine_put_count_list_remove(self, erp: ErpAdapters) -> None:
        entry = QuarantineEntry(
            entity="order",
            external_id="5",
            code="x",
            reason="bad",
            payload={"id": 5},
            first_failed=T0,
            last_failed=T0,
        )
        erp.quarantine.put(entry)
        erp.quarantine.put(entry)
        entries = erp.quarantine.entries("order")
        assert [(e.external_id, e.attempts) for e in entries] == [("5", 2)]
        assert entries[0].payload == {"id": 5}
        assert erp.quarantine.entries("customer") == []
        erp.quarantine.remove("order", "5")
        erp.quarantine.remove("order", "5")
        assert erp.quarantine.entries() == []

    # -- unit of work ------------------------------------------------------------------------

    def test_transaction_commits(self, erp: ErpAdapters) -> None:
        with erp.unit_of_work.transaction():
            local_id = erp.sales_orders.create(_order("1"), customer_id="C1")
            erp.bindings.bind(Binding(entity="order", external_id="1", local_id=local_id))
        binding = erp.bindings.get("order", "1")
        assert binding is not None
        assert binding.local_id == local_id

    def test_transaction_rolls_everything_back(self, erp: ErpAdapters) -> None:
        erp.sync_state.set_cursor("orders", T0)

        def crash_before_commit() -> None:
            with erp.unit_of_work.transaction():
                customer = erp.customers.create(ErpCustomer(email="a@example.com"))
                local_id = erp.sales_orders.create(_order("1"), customer_id=customer)
                erp.bindings.bind(Binding(entity="order", external_id="1", local_id=local_id))
                erp.sync_state.set_cursor("orders", T0 + timedelta(days=1))
                raise RuntimeError("crash before commit")

        with pytest.raises(RuntimeError):
            crash_before_commit()
        assert erp.bindings.get("order", "1") is None
        assert erp.customers.find_by_email("a@example.com") == []
        assert erp.sync_state.get_cursor("orders") == T0

    # -- lock --------------------------------------------------------------------------------

    def test_lock_is_exclusive_and_released_by_its_owner(self, erp: ErpAdapters) -> None:
        assert erp.lock.try_acquire("store:import", "a")
        assert not erp.lock.try_acquire("store:import", "b")
        erp.lock.release("store:import", "b")  # not the owner: no effect
        assert not erp.lock.try_acquire("store:import", "b")
        assert erp.lock.try_acquire("store:other", "b")
        erp.lock.release("store:import", "a")
        assert erp.lock.try_acquire("store:import", "b")
        erp.lock.release("store:import", "b")
        erp.lock.release("store:other", "b")

    def test_lock_is_renewed_by_its_owner(self, erp: ErpAdapters) -> None:
        # The importer renews its store lock with try_acquire(name, same owner) after every
        # page: a lock that refuses its own holder stops every real run after the first page.
        assert erp.lock.try_acquire("store:import", "a")
        assert erp.lock.try_acquire("store:import", "a"), (
            "try_acquire(name, owner) must return True again for the owner holding the lock "
            "(the importer renews the lock this way after every page)"
        )
        assert not erp.lock.try_acquire("store:import", "b"), "a renewal let another owner in"
        erp.lock.release("store:import", "a")  # one release frees it, however often renewed
        assert erp.lock.try_acquire("store:import", "b")
        assert not erp.lock.try_acquire("store:import", "a")
        erp.lock.release("store:import", "b")

    def test_lock_has_one_winner_among_threads(self, erp: ErpAdapters) -> None:
        winners: list[str] = []
        start = threading.Barrier(8)

        def contend(owner: str) -> None:
            start.wait()
            if erp.lock.try_acquire("store:import", owner):
                winners.append(owner)

        threads = [threading.Thread(target=contend, args=(f"o{i}",)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(winners) == 1
        erp.lock.release("store:import", winners[0])

    # -- webhook receipts --------------------------------------------------------------------

    def test_webhook_receipts(self, erp: ErpAdapters) -> None:
        receipts = self._port(erp, "webhook_receipts")
        assert not receipts.has_seen("abc")
        receipts.record("abc")
        assert receipts.has_seen("abc")
        receipts.record("abc")
        assert not receipts.has_seen("abd")

    def test_webhook_receipts_key_whole_deliveries(self, erp: ErpAdapters) -> None:
        # The handler's keys share the payload hash across later updates of one record: a
        # key is compared whole and exactly, never by a prefix, a hash part or case.
        receipts = self._port(erp, "webhook_receipts")
        first = "store/customer/updated " + "a" * 40 + " 1767225600"
        receipts.record(first)
        assert receipts.has_seen(first)
        assert not receipts.has_seen(first.removesuffix("600") + "660")
        assert not receipts.has_seen(first.replace("updated", "created"))
        assert not receipts.has_seen(first.upper())
        assert not receipts.has_seen("a" * 40)
        digest = "sha256:" + "0f" * 32
        receipts.record(digest)
        assert receipts.has_seen(digest)

    # -- order changes -----------------------------------------------------------------------
    # A store-side change of an imported order is delivered exactly once because the state
    # kept in the order's binding and the change's receipt commit with the host's apply.

    def test_change_state_and_receipt_commit_or_roll_back_together(self, erp: ErpAdapters) -> None:
        receipts = self._port(erp, "webhook_receipts")
        erp.bindings.bind(Binding(entity="order", external_id="9", local_id="SO9"))
        key = "order-change 9 refund 3"
        state = {"changes": {"status": 14, "refunds": [3], "refunded": "12.5"}}

        def deliver(fail: bool) -> None:
            with erp.unit_of_work.transaction():
                binding = erp.bindings.get("order", "9")
                assert binding is not None
                receipts.record(key)
                erp.bindings.bind(attrs.evolve(binding, data={**binding.data, **state}))
                if fail:
                    raise RuntimeError("crash before commit")

        with pytest.raises(RuntimeError):
            deliver(fail=True)
        rolled_back = erp.bindings.get("order", "9")
        assert rolled_back is not None
        assert "changes" not in rolled_back.data
        assert not receipts.has_seen(key)
        deliver(fail=False)
        committed = erp.bindings.get("order", "9")
        assert committed is not None
        assert dict(committed.data) == state
        assert receipts.has_seen(key)

    # -- export sources ----------------------------------------------------------------------
    # The export reads items, stock, contacts and price levels the host fills its own way.
    # Override these seeding hooks in a subclass (the defaults fit the memory adapters); an
    # ERP without a port (no ``item_source``, ``stock``, ``contacts`` or ``price_levels``
    # attribute) lists it in ``absent_ports`` and that port's tests are skipped.

    def put_export_item(
        self, erp: ErpAdapters, local_id: str, item: ErpItem, modified: datetime
    ) -> None:
        """Add or replace an ERP item as changed at ``modified``."""
        self._port(erp, "item_source").put(local_id, item, modified=modified)

    def put_contact(self, erp: ErpAdapters, local_id: str, contact: ErpContact) -> None:
        """Add or replace an ERP contact."""
        self._port(erp, "contacts").put(local_id, contact)

    def set_level_prices(self, erp: ErpAdapters, level: str, prices: Sequence[LevelPrice]) -> None:
        """Replace the prices of a price level."""
        self._port(erp, "price_levels").set_prices(level, prices)

    def _port(self, erp: ErpAdapters, name: str) -> Any:
        """An optional port of the ERP: skipped when declared absent, a failure when missing."""
        port = getattr(erp, name, None)
        if port is None:
            if name in self.absent_ports:
                pytest.skip(f"this ERP has no {name} port (declared in absent_ports)")
            pytest.fail(self._missing_message(erp, [name]))
        return port

    def test_binding_data_round_trips(self, erp: ErpAdapters) -> None:
        data = {"fingerprint": "ab12", "product_id": 5, "variant_id": None, "sku": "Crème-1"}
        erp.bindings.bind(Binding(entity="product", external_id="5", local_id="I1", data=data))
        found = erp.bindings.get_by_local("product", "I1")
        assert found is not None
        assert dict(found.data) == data
        erp.bindings.bind(attrs.evolve(found, data={**data, "fingerprint": "cd34"}))
        again = erp.bindings.get("product", "5")
        assert again is not None
        assert again.data["fingerprint"] == "cd34"

    def test_item_source_changed_since_and_get(self, erp: ErpAdapters) -> None:
        source = self._port(erp, "item_source")
        self.put_export_item(erp, "A", ErpItem(item_code="A-1"), T0)
        self.put_export_item(erp, "B", ErpItem(item_code="B-1"), T0 + timedelta(hours=1))
        assert [e.local_id for e in source.changed_since(None)] == ["A", "B"]
        changed = source.changed_since(T0 + timedelta(minutes=30))
        assert [(e.local_id, e.item.item_code) for e in changed] == [("B", "B-1")]
        assert source.changed_since(T0 + timedelta(hours=2)) == []
        assert [e.local_id for e in source.get(["B", "missing", "A"])] == ["B", "A"]

    def test_stock_snapshot_is_fresh_and_markers_are_per_location(self, erp: ErpAdapters) -> None:
        stock = self._port(erp, "stock")
        item = ErpItem(item_code="S-1", variant_code="XL", quantity_on_hand=Decimal(4))
        self.put_export_item(erp, "S", item, T0)
        self.put_export_item(erp, "N", ErpItem(item_code="N-1"), T0)  # not stocked
        levels = stock.stock_snapshot()
        assert [(lv.local_id, lv.sku, lv.quantity, lv.location_id) for lv in levels] == [
            ("S", "S-1-XL", 4, 1)
        ]
        assert stock.stock_pushed("S", 1) is None
        stock.mark_stock_pushed(levels, T0)
        assert stock.stock_pushed("S", 1) == 4
        assert stock.stock_pushed("S", 2) is None
        self.put_export_item(erp, "S", attrs.evolve(item, quantity_on_hand=Decimal(1)), T0)
        assert [lv.quantity for lv in stock.stock_snapshot(["S"])] == [1]
        stock.mark_stock_pushed([StockLevel(local_id="S", sku="S-1-XL", quantity=1)], T0)
        assert stock.stock_pushed("S", 1) == 1

    def test_contacts_keep_their_price_level(self, erp: ErpAdapters) -> None:
        contacts = self._port(erp, "contacts")
        self.put_contact(erp, "K1", ErpContact(email="a@example.com", price_level="Gold"))
        self.put_contact(erp, "K2", ErpContact(email="b@example.com"))
        assert [c.local_id for c in contacts.contacts()] == ["K1", "K2"]
        found = contacts.contacts(["K2", "nope", "K1"])
        assert [(c.local_id, c.contact.price_level) for c in found] == [("K2", ""), ("K1", "Gold")]

    def test_price_levels_and_prices(self, erp: ErpAdapters) -> None:
        levels = self._port(erp, "price_levels")
        prices = [LevelPrice(sku="A-1", price=Decimal("9.95"), currency="EUR")]
        self.set_level_prices(erp, "Gold", prices)
        assert list(levels.price_levels()) == ["Gold"]
        assert list(levels.prices("Gold")) == prices
        assert list(levels.prices("Silver")) == []

    # -- the item import's repository and the store-id hooks (optional) ----------------------

    def test_item_repository_create_find_update(self, erp: ErpAdapters) -> None:
        # Optional (ports.ItemRepository, the ``item_repository`` attribute): the item import
        # finds items by the SKU the mappings build, creates them and updates named fields.
        items = self._port(erp, "item_repository")
        first = items.create(ErpItem(item_code="W-1", variant_code="BL", description_1="Widget"))
        other = items.create(ErpItem(item_code="W-1"))
        assert isinstance(first, str)
        assert first
        assert first != other
        assert [e.local_id for e in items.find_by_sku("W-1-BL")] == [first]
        assert [e.local_id for e in items.find_by_sku("W-1")] == [other]
        assert list(items.find_by_sku("w-1-bl")) == []  # a SKU is exact
        assert list(items.find_by_sku("")) == []
        items.update(first, ErpItem(description_1="Gadget"), fields=frozenset({"description_1"}))
        (found,) = items.get([first])
        # Fields the update did not name keep their value.
        assert (found.item.item_code, found.item.variant_code) == ("W-1", "BL")
        assert found.item.description_1 == "Gadget"
        items.update(first, ErpItem(variant_code=""), fields=frozenset({"variant_code"}))
        assert {e.local_id for e in items.find_by_sku("W-1")} == {first, other}
        with pytest.raises(KeyError):
            items.update("no-such-item", ErpItem(), fields=frozenset({"description_1"}))

    def test_item_repository_rolls_back_with_the_transaction(self, erp: ErpAdapters) -> None:
        items = self._port(erp, "item_repository")

        def create_then_fail() -> None:
            with erp.unit_of_work.transaction():
                items.create(ErpItem(item_code="GONE-1"))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            create_then_fail()
        assert list(items.find_by_sku("GONE-1")) == []

    def test_item_linked_fills_in_the_store_ids(self, erp: ErpAdapters) -> None:
        # Optional (ports.ItemIdSink on the item source): the export's "fills in the ID".
        source = self._port(erp, "item_source")
        hook: object = source
        if not isinstance(hook, ItemIdSink):
            pytest.skip("the item source has no item_linked hook")
        self.put_export_item(erp, "A", ErpItem(item_code="A-1"), T0)
        hook.item_linked("A", 101, 202)
        (found,) = source.get(["A"])
        assert found.item.external_id == 101
        # The store's own id is not a change to export again.
        assert source.changed_since(T0) == []
        hook.item_linked("missing", 1, None)  # an item the host handed over directly

    def test_contact_linked_fills_in_the_customer_id(self, erp: ErpAdapters) -> None:
        # Optional (ports.ContactIdSink on the contact source): the B2B button's "ID".
        contacts = self._port(erp, "contacts")
        hook: object = contacts
        if not isinstance(hook, ContactIdSink):
            pytest.skip("the contact source has no contact_linked hook")
        self.put_contact(erp, "K1", ErpContact(email="a@example.com", price_level="Gold"))
        hook.contact_linked("K1", 77)
        (found,) = contacts.contacts(["K1"])
        assert (found.contact.external_id, found.contact.price_level) == (77, "Gold")
        hook.contact_linked("missing", 1)

    # -- shipments (the shipment export) -------------------------------------------------------

    def put_shipment(self, erp: ErpAdapters, shipment: ErpShipment) -> None:
        """Add or replace an ERP shipment (override for an ERP filled its own way)."""
        self._port(erp, "shipment_source").put(shipment)

    def test_shipment_source_keeps_records_and_their_order(self, erp: ErpAdapters) -> None:
        source = self._port(erp, "shipment_source")
        first = ErpShipment(
            local_id="SH2",
            store_order_id=7,
            lines=[ErpShipmentLine(order_product_id=3, quantity=2)],
            tracking_number="1Z999",
            shipping_provider="ups",
            shipped_at=T0,
            order_address_id=4,
        )
        second = ErpShipment(
            local_id="SH1",
            order_local_id="SO-9",
            lines=[ErpShipmentLine(sku="Crème-1", quantity=1)],
            comments="Fragile ✓",
        )
        self.put_shipment(erp, first)
        self.put_shipment(erp, second)
        assert list(source.shipments()) == [first, second]  # the order first put, not by id
        changed = attrs.evolve(first, tracking_number="1Z998")
        self.put_shipment(erp, changed)
        assert [s.local_id for s in source.shipments()] == ["SH2", "SH1"]
        assert list(source.shipments(["SH1", "missing", "SH2"])) == [second, changed]
        assert list(source.shipments([])) == []

    def test_shipment_binding_and_store_ids_commit_together(self, erp: ErpAdapters) -> None:
        source = self._port(erp, "shipment_source")
        if not isinstance(self._port(erp, "shipment_source"), ShipmentIdSink):
            pytest.skip("the shipment source has no shipment_linked hook")
        shipment = ErpShipment(
            local_id="SH1", store_order_id=7, lines=[ErpShipmentLine(sku="A", quantity=1)]
        )
        self.put_shipment(erp, shipment)
        binding = Binding(entity="shipment", external_id="41", local_id="SH1", data={"order_id": 7})

        def crash_before_commit() -> None:
            with erp.unit_of_work.transaction():
                erp.bindings.bind(binding)
                source.shipment_linked("SH1", 7, 41)
                raise RuntimeError("crash")

        with pytest.raises(RuntimeError, match="crash"):
            crash_before_commit()
        assert erp.bindings.get_by_local("shipment", "SH1") is None
        with erp.unit_of_work.transaction():
            erp.bindings.bind(binding)
            source.shipment_linked("SH1", 7, 41)
        found = erp.bindings.get_by_local("shipment", "SH1")
        assert found is not None
        assert (found.external_id, dict(found.data)) == ("41", {"order_id": 7})
        assert list(source.shipments(["SH1"])) == [shipment]
