"""Binding entities are an enum in the SDK and plain text in a host's storage."""

from __future__ import annotations

from pathlib import Path

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.ports import Binding, BindingEntity


def test_an_entity_reads_and_formats_as_its_text() -> None:
    assert BindingEntity.ORDER == "order"
    assert f"{BindingEntity.CUSTOMER_GROUP}" == str(BindingEntity.CUSTOMER_GROUP)
    assert str(BindingEntity.CUSTOMER_GROUP) == "customer_group"
    assert {e.value for e in BindingEntity} >= {"order", "customer", "product", "variant"}


def check_binding_by_text_and_enum(erp: MemoryErp | SqliteErp) -> None:
    erp.bindings.bind(Binding(entity=BindingEntity.PRODUCT, external_id="5", local_id="I1"))
    by_text = erp.bindings.get("product", "5")
    by_enum = erp.bindings.get_by_local(BindingEntity.PRODUCT, "I1")
    assert by_text is not None
    assert by_enum is not None
    assert by_text.local_id == by_enum.local_id == "I1"
    assert by_text.entity == "product"
    assert erp.bindings.get(BindingEntity.VARIANT, "5") is None


def test_memory_binding_made_with_the_enum_is_found_by_its_text() -> None:
    check_binding_by_text_and_enum(MemoryErp())


def test_sqlite_binding_made_with_the_enum_is_found_by_its_text(tmp_path: Path) -> None:
    with SqliteErp(tmp_path / "erp.db") as erp:
        check_binding_by_text_and_enum(erp)
