"""The SQLite export ports beyond the contract: persistence, exact values, times, chunking."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.memory import FixedClock
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.ports import LevelPrice, StockLevel
from bigcommerce_connect.records import ErpContact, ErpCustomField, ErpItem

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
PLUS_TWO = timezone(timedelta(hours=2))


def full_item() -> ErpItem:
    return ErpItem(
        item_code="Crème",
        variant_code="XL",
        description_1="Crème brûlée",
        price=Decimal("1234567890.1250"),
        weight=Decimal("0.500"),
        quantity_on_hand=Decimal("7.000"),
        location_id=2,
        categories=[3, 1],
        custom_fields=[ErpCustomField(name="Origin", value="Köln")],
        is_active=False,
        external_id=42,
    )


def test_export_data_survives_close_and_reopen_exactly(path: Path) -> None:
    gold = [
        LevelPrice(sku="B", price=Decimal("9.90"), currency="EUR", sale_price=Decimal("8.50")),
        LevelPrice(sku="A", price=Decimal("10")),
    ]
    with SqliteErp(path) as erp:
        erp.item_source.put("I1", full_item(), modified=T0)
        erp.stock.mark_stock_pushed(
            [StockLevel(local_id="I1", sku="Crème-XL", quantity=7, location_id=2)],
            datetime(2026, 1, 1, 11, tzinfo=PLUS_TWO),
        )
        erp.contacts.put("K1", ErpContact(email="zoë@example.com", customer_group_id=3))
        erp.price_levels.set_prices("Gold", gold)
        erp.price_levels.set_prices("Empty", [])

    with SqliteErp(path) as erp:
        [stored] = erp.item_source.get(["I1"])
        assert stored.item == full_item()
        assert str(stored.item.price) == "1234567890.1250"  # the scale is kept, not a float
        assert erp.stock.stock_pushed("I1", 2) == 7
        assert erp.stock.pushed_at("I1", 2) == datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
        assert erp.stock.stock_snapshot() == [
            StockLevel(local_id="I1", sku="Crème-XL", quantity=7, location_id=2)
        ]
        assert [c.contact.customer_group_id for c in erp.contacts.contacts()] == [3]
        # A level set with no prices is still a level; prices keep the order they were set in.
        assert list(erp.price_levels.price_levels()) == ["Empty", "Gold"]
        assert list(erp.price_levels.prices("Gold")) == gold
        assert list(erp.price_levels.prices("Empty")) == []


def test_changed_since_compares_instants_whatever_the_offset(erp: SqliteErp) -> None:
    erp.item_source.put(
        "I1", ErpItem(item_code="A"), modified=datetime(2026, 1, 1, 10, tzinfo=PLUS_TWO)
    )
    # 10:00+02:00 is 08:00 UTC: after 07:59 UTC, not after 09:00+01:00 (08:00 UTC).
    assert [
        e.local_id for e in erp.item_source.changed_since(T0 + timedelta(hours=7, minutes=59))
    ] == ["I1"]
    one_hour = timezone(timedelta(hours=1))
    assert erp.item_source.changed_since(datetime(2026, 1, 1, 9, tzinfo=one_hour)) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        erp.item_source.changed_since(datetime(2026, 1, 1))


def test_put_without_a_time_uses_the_erp_clock(path: Path) -> None:
    clock = FixedClock(T0)
    with SqliteErp(path, clock=clock) as erp:
        erp.item_source.put("I1", ErpItem(item_code="A"))
        clock.current = T0 + timedelta(hours=1)
        erp.item_source.put("I2", ErpItem(item_code="B"))
        assert [e.local_id for e in erp.item_source.changed_since(T0)] == ["I2"]


def test_set_quantity_changes_stock_but_not_the_modified_time(erp: SqliteErp) -> None:
    erp.item_source.put("I1", full_item(), modified=T0)
    erp.item_source.set_quantity("I1", 3)
    assert erp.item_source.changed_since(T0) == []  # a stock change is not a product change
    assert [level.quantity for level in erp.stock.stock_snapshot(["I1"])] == [3]
    [stored] = erp.item_source.get(["I1"])
    assert stored.item.quantity_on_hand == Decimal(3)
    assert stored.item.price == full_item().price  # the rest of the record is untouched
    with pytest.raises(KeyError):
        erp.item_source.set_quantity("nope", 1)


def test_get_and_contacts_take_more_ids_than_one_statement_allows(erp: SqliteErp) -> None:
    with erp.unit_of_work.transaction():
        for n in range(1200):
            erp.item_source.put(f"I{n:04}", ErpItem(item_code=f"C{n}"), modified=T0)
            erp.contacts.put(f"K{n:04}", ErpContact(email=f"c{n}@example.com"))
    wanted = [f"I{n:04}" for n in reversed(range(1200))] + ["missing"]
    assert [e.local_id for e in erp.item_source.get(wanted)] == wanted[:-1]
    contacts = [f"K{n:04}" for n in range(1199, -1, -1)]
    assert [c.local_id for c in erp.contacts.contacts(contacts)] == contacts
