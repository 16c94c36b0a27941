"""The MappingStore protocol and the in-memory store."""

from __future__ import annotations

import pytest

from bigcommerce_connect.mapping import (
    AUTOMATIC_ORDER_IMPORT,
    BUILTIN_NAMES,
    InMemoryMappingStore,
    MappingDefinition,
    MappingExistsError,
    MappingNotFound,
    MappingStore,
    ReadOnlyMappingError,
    UnknownTargetFieldError,
    builtin_definition,
    copy,
)


def test_protocol_and_builtins_listed() -> None:
    store = InMemoryMappingStore()
    assert isinstance(store, MappingStore)
    assert store.list_names() == sorted(BUILTIN_NAMES)
    assert store.load(AUTOMATIC_ORDER_IMPORT) == builtin_definition(AUTOMATIC_ORDER_IMPORT)


def test_save_as_load_save_delete() -> None:
    store = InMemoryMappingStore()
    saved = store.save_as(AUTOMATIC_ORDER_IMPORT, "MyBCOrders")
    assert saved.name == "MyBCOrders"
    assert saved.rules == store.load(AUTOMATIC_ORDER_IMPORT).rules
    assert "MyBCOrders" in store.list_names()
    edited = MappingDefinition("MyBCOrders", "order_import", "ErpSalesOrder", saved.rules[:3])
    store.save(edited)
    assert store.load("MyBCOrders") == edited
    with pytest.raises(MappingExistsError, match="MyBCOrders"):
        store.save_as(AUTOMATIC_ORDER_IMPORT, "MyBCOrders")
    assert store.save_as(AUTOMATIC_ORDER_IMPORT, "MyBCOrders", overwrite=True) == saved
    store.delete("MyBCOrders")
    assert "MyBCOrders" not in store.list_names()
    with pytest.raises(MappingNotFound, match="MyBCOrders"):
        store.load("MyBCOrders")
    with pytest.raises(MappingNotFound):
        store.delete("MyBCOrders")


def test_builtins_are_read_only() -> None:
    store = InMemoryMappingStore()
    with pytest.raises(ReadOnlyMappingError):
        store.save(builtin_definition(AUTOMATIC_ORDER_IMPORT))
    with pytest.raises(ReadOnlyMappingError):
        store.delete(AUTOMATIC_ORDER_IMPORT)
    with pytest.raises(ReadOnlyMappingError):
        store.save_as("x", "automatic:mine")


def test_invalid_definitions_are_not_stored() -> None:
    store = InMemoryMappingStore()
    bad = MappingDefinition("Bad", "custom", "ErpItem", (copy("a", "nope"),))
    with pytest.raises(UnknownTargetFieldError):
        store.save(bad)
    assert "Bad" not in store.list_names()


def test_stored_copies_are_independent() -> None:
    store = InMemoryMappingStore()
    store.save(MappingDefinition("M", "custom", "free", (copy("a", "b"),)))
    first = store.load("M")
    assert store.load("M") == first
    assert store.load("M") is not first
