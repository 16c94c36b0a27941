"""Text and nesting no later layer can hold are repaired where the bytes come in, and named.

Lone surrogates (``bad_text``) and 10,000-deep JSON (``deep_json``) come from the sandbox
over real HTTP; bytes that are not UTF-8 are scripted at the transport seam.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator

import pytest

from bigcommerce_connect import BigCommerceClient, WireRepair
from bigcommerce_connect.repairs import MAX_JSON_DEPTH
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.scripted import ScriptedTransport, respond

from .conftest import MakeClient

LONE = "\ud83d"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=43, orders=12, customers=9, products=3)) as sandbox:
        yield sandbox


def strings_of(value: object) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def assert_storable(value: object) -> None:
    """Every string encodes as UTF-8 (what SQLite, files and log handlers need)."""
    for text in strings_of(value):
        text.encode("utf-8")
    json.dumps(value, ensure_ascii=False).encode("utf-8")


def depth_of(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


# -- lone surrogates --------------------------------------------------------------------------


def test_lone_surrogates_in_a_v3_list_are_replaced_and_named(
    sb: Sandbox, client: BigCommerceClient, caplog: pytest.LogCaptureFixture
) -> None:
    sb.knobs.fail_next("bad_text", 1, path_prefix="/v3/customers")
    with caplog.at_level(logging.WARNING, logger="bigcommerce_connect.client"):
        customers = list(client.iter_v3("customers"))
    with sb.store.locked() as store:
        assert [c["id"] for c in customers] == sorted(store.customers)  # every record kept
    assert_storable(customers)
    assert all(c["first_name"].startswith("\ufffd") for c in customers)
    repairs = client.take_wire_repairs()
    assert WireRepair("v3/customers", str(customers[0]["id"]), "first_name", "text") in repairs
    assert {r.record_id for r in repairs} == {str(c["id"]) for c in customers}
    assert {r.kind for r in repairs} == {"text"}
    assert client.take_wire_repairs() == []  # drained
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == len(repairs)
    assert "first_name" in warnings[0].getMessage()
    assert all(LONE not in r.getMessage() and "\ufffd" not in r.getMessage() for r in warnings)


def test_lone_surrogates_in_v2_orders_name_the_nested_field(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    sb.knobs.fail_next("bad_text", 1, path_prefix="/v2/orders")
    orders = [order for page in client.orders.wire_pages(limit=50) for order in page]
    assert_storable(orders)
    repairs = client.take_wire_repairs()
    first = str(orders[0]["id"])
    fields = {r.field for r in repairs if r.record_id == first}
    assert "billing_address.first_name" in fields
    assert all(r.path == "v2/orders" for r in repairs)


def test_a_lone_surrogate_in_an_object_and_in_a_key(make_client: MakeClient) -> None:
    body = b'{"id": 7, "a": {"b\\uDC00": ["ok", "x\\udbff"]}, "pair": "\\ud83d\\ude00"}'
    transport = ScriptedTransport(respond(200, body))
    client = make_client(transport)
    data = client.request("GET", "v2", "orders/7", expect="object").data
    assert data == {"id": 7, "a": {"b\ufffd": ["ok", "x\ufffd"]}, "pair": "\U0001f600"}
    assert sorted(client.take_wire_repairs(), key=lambda r: r.field) == [
        WireRepair("v2/orders/7", "7", "a.b\ufffd", "text"),
        WireRepair("v2/orders/7", "7", "a.b\ufffd.1", "text"),
    ]


def test_bytes_that_are_not_utf8_are_replaced_and_named(make_client: MakeClient) -> None:
    body = b'[{"id": 3, "name": "Zo\xeb"}, {"id": 4, "name": "ok"}]'
    transport = ScriptedTransport(respond(200, body), respond(204))
    client = make_client(transport)
    items = list(client.iter_v2("customer_groups"))
    assert items == [{"id": 3, "name": "Zo\ufffd"}, {"id": 4, "name": "ok"}]
    assert client.take_wire_repairs() == [WireRepair("v2/customer_groups", "3", "name", "text")]


def test_clean_answers_repair_nothing(sb: Sandbox, client: BigCommerceClient) -> None:
    list(client.orders.wire_pages(limit=50))
    list(client.iter_v3("customers"))
    assert client.take_wire_repairs() == []


# -- deep nesting -----------------------------------------------------------------------------


def test_10000_deep_json_in_a_list_is_cut_and_the_record_named(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    sb.knobs.fail_next("deep_json", 1, path_prefix="/v2/orders")
    orders = [order for page in client.orders.wire_pages(limit=50) for order in page]
    with sb.store.locked() as store:
        assert [o["id"] for o in orders] == sorted(store.orders)
    assert depth_of(orders) <= MAX_JSON_DEPTH
    json.dumps(orders)  # no RecursionError anywhere later
    [repair] = client.take_wire_repairs()
    assert repair.kind == "depth"
    assert repair.record_id == str(orders[0]["id"])
    assert repair.field.startswith("deep.0.")
    assert orders[1].get("deep") is None  # other records untouched


def test_10000_deep_json_in_an_object(sb: Sandbox, client: BigCommerceClient) -> None:
    with sb.store.locked() as store:
        order_id = min(store.orders)
    sb.knobs.fail_next("deep_json", 1, path_prefix=f"/v2/orders/{order_id}")
    order = client.request("GET", "v2", f"orders/{order_id}", expect="object").data
    assert order["id"] == order_id
    assert depth_of(order) == MAX_JSON_DEPTH
    [repair] = client.take_wire_repairs()
    assert (repair.record_id, repair.kind) == (str(order_id), "depth")


def test_deep_cut_respects_strings_and_escapes(make_client: MakeClient) -> None:
    deep = "[" * 3000 + "]" * 3000
    tricky = '"[[[{\\"\\\\"'  # brackets, an escaped quote and backslash inside a string
    body = f'{{"data": [{{"id": 1, "s": {tricky}, "d": {deep}}}, {{"id": 2}}], "meta": {{}}}}'
    transport = ScriptedTransport(respond(200, body.encode()))
    client = make_client(transport)
    data = client.request("GET", "v3", "customers", expect="v3_list").data
    assert data["data"][0]["s"] == '[[[{"\\'
    assert data["data"][1] == {"id": 2}
    assert depth_of(data) == MAX_JSON_DEPTH
    [repair] = client.take_wire_repairs()
    assert (repair.path, repair.record_id, repair.kind) == ("v3/customers", "1", "depth")


# -- the repair log -----------------------------------------------------------------------------


def test_repairs_are_bounded_and_each_taken_once_across_threads(make_client: MakeClient) -> None:
    page = [{"id": i, "name": "\\ud800"} for i in range(300)]
    raw = json.dumps(page).replace("\\\\", "\\").encode()
    transport = ScriptedTransport(*[respond(200, raw)] * 5)
    client = make_client(transport)
    for _ in range(5):
        client.request("GET", "v2", "orders", expect="v2_list")
    taken: list[list[WireRepair]] = []
    threads = [
        threading.Thread(target=lambda: taken.append(client.take_wire_repairs())) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [repair for chunk in taken for repair in chunk]
    assert len(everything) == 1000  # the last 1,000 of 1,500, each taken once
    assert everything[-1].record_id == "299"
