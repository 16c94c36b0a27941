"""Paging makes progress or stops typed: short pages never end a list, repeats never loop.

Against the sandbox over real HTTP; the transport seam is scripted only for stores the
sandbox does not play (a page count that keeps growing, drift between two pages).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bigcommerce_connect import BigCommerceClient, PagingError, UnexpectedResponseError
from bigcommerce_connect._paging import SeenKeys
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.recording import RecordingTransport
from support.scripted import ScriptedTransport, respond

from .conftest import MakeClient


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=37, orders=45, customers=23, products=3)) as sandbox:
        yield sandbox


def order_ids(sb: Sandbox, status_id: int | None = None) -> list[int]:
    with sb.store.locked() as store:
        return sorted(
            i for i, o in store.orders.items() if status_id is None or o["status_id"] == status_id
        )


def customer_ids(sb: Sandbox) -> list[int]:
    with sb.store.locked() as store:
        return sorted(store.customers)


def ids_with_fault(
    pages: Iterator[list[dict[str, int]]], sb: Sandbox, kind: str, prefix: str, on_page: int = 2
) -> list[int]:
    """Every id the pages bring, with ``kind`` on page ``on_page`` (pages are lazy)."""
    ids: list[int] = []
    for number, page in enumerate(pages, start=1):
        ids.extend(item["id"] for item in page)
        if number == on_page - 1:
            sb.knobs.fail_next(kind, 1, path_prefix=prefix)
    return ids


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- short pages never end a list -----------------------------------------------------------


def test_a_short_v2_page_does_not_end_the_order_list(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    pages = client.orders.wire_pages(embed_lines=False, limit=6)
    assert ids_with_fault(pages, sb, "short_page", "/v2/orders") == order_ids(sb)


def test_a_page_cut_mid_list_is_read_again_before_going_on(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(200, [{"id": i} for i in (1, 2, 3)]),
        respond(200, [{"id": 4}]),  # cut: 5 and 6 are page 2's too
        respond(200, [{"id": i} for i in (7, 8, 9)]),
        respond(200, [{"id": i} for i in (4, 5, 6)]),  # page 2 again, whole
        respond(200, [{"id": 10}]),
        respond(200, []),
    )
    pages = list(make_client(transport).pages_v2("orders", limit=3))
    assert pages == [[{"id": i} for i in ids] for ids in ([1, 2, 3], [4], [5, 6], [7, 8, 9], [10])]
    asked = [query(r.url)["page"][0] for r in transport.requests]
    assert asked == ["1", "2", "3", "2", "4", "5"]


def test_a_page_that_stays_cut_stops_typed(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(200, [{"id": i} for i in (1, 2, 3)]),
        respond(200, [{"id": 4}]),
        respond(200, [{"id": i} for i in (7, 8, 9)]),
        respond(200, [{"id": 4}]),
    )
    with pytest.raises(PagingError, match="page 2 held 1 items where the pages around it held 3"):
        list(make_client(transport).iter_v2("orders", limit=3))


def test_a_v3_page_that_grew_reveals_every_earlier_cut_page(make_client: MakeClient) -> None:
    def page(numbers: list[int]) -> object:
        items = [{"id": i} for i in numbers]
        return respond(200, {"data": items, "meta": {"pagination": {"total_pages": 4}}})

    transport = ScriptedTransport(
        page([1]), page([3]), page([5, 6]), page([1, 2]), page([3, 4]), page([7])
    )
    items = list(make_client(transport).iter_v3("customers", limit=2))
    assert [item["id"] for item in items] == [1, 3, 2, 4, 5, 6, 7]


def test_a_store_serving_fewer_items_than_asked_loses_nothing(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    sb.knobs.max_page_size = 4
    ids = [order.id for order in client.orders.iter(limit=10)]
    assert ids == order_ids(sb)


def test_every_line_of_a_big_order_is_read_from_short_pages(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    order_id = sb.store.add_order(line_count=120)
    sb.knobs.max_page_size = 50
    order = client.orders.with_lines(client.orders.get(order_id, embed_lines=False))
    assert sorted(line.id for line in order.products) == sorted(
        line["id"] for line in sb.store.lines_of(order_id)
    )
    assert len(order.products) == 120


def test_a_short_v3_page_does_not_end_the_customer_list(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    pages = client.pages_v3("customers", limit=5)
    assert ids_with_fault(pages, sb, "short_page", "/v3/customers") == customer_ids(sb)


# -- lists that do not advance stop with a typed error --------------------------------------


@pytest.mark.parametrize("kind", ["ignore_paging", "repeat_page", "shuffled_repeat"])
def test_a_v2_list_that_does_not_advance_stops_typed(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    seen: list[int] = []
    with pytest.raises(PagingError, match="page 3 brought no item") as caught:
        seen.extend(ids_with_fault(client.orders.wire_pages(limit=5), sb, kind, "/v2", 3))
    assert caught.value.code == "paging"
    assert isinstance(caught.value, UnexpectedResponseError)


@pytest.mark.parametrize("kind", ["ignore_paging", "repeat_page", "shuffled_repeat"])
def test_order_iter_never_yields_an_order_twice(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    yielded: list[int] = []

    def read() -> None:
        for number, order in enumerate(client.orders.iter(limit=5), start=1):
            yielded.append(order.id)
            if number == 10:
                sb.knobs.fail_next(kind, 1, path_prefix="/v2/orders")

    with pytest.raises(PagingError):
        read()
    assert len(yielded) == len(set(yielded)) == 10


@pytest.mark.parametrize("kind", ["ignore_paging", "repeat_page", "shuffled_repeat"])
def test_a_v3_list_that_does_not_advance_stops_typed(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    with pytest.raises(PagingError, match="page 2"):
        ids_with_fault(client.pages_v3("customers", limit=5), sb, kind, "/v3/customers")


def test_a_v3_list_is_never_read_past_total_pages(make_client: MakeClient) -> None:
    def page(first: int, total: int) -> dict[str, object]:
        items = [{"id": i} for i in range(first, first + 2)]
        return {"data": items, "meta": {"pagination": {"total_pages": total}}}

    # A store that would go on serving pages: only the pages it announced are read.
    transport = ScriptedTransport(*[respond(200, page(i * 2, 2)) for i in range(10)])
    items = list(make_client(transport).iter_v3("catalog/products", limit=2))
    assert [item["id"] for item in items] == [0, 1, 2, 3]
    assert len(transport.requests) == 2


def test_drift_between_pages_yields_each_item_once(make_client: MakeClient) -> None:
    # An order entered the list before page 2 was read: page 2 starts with page 1's last.
    transport = ScriptedTransport(
        respond(200, [{"id": 1}, {"id": 2}, {"id": 3}]),
        respond(200, [{"id": 3}, {"id": 4}, {"id": 5}]),
        respond(200, [{"id": 6}]),
        respond(204),
    )
    items = list(make_client(transport).iter_v2("orders", limit=3))
    assert [item["id"] for item in items] == [1, 2, 3, 4, 5, 6]


def test_items_without_ids_still_make_progress_by_content(make_client: MakeClient) -> None:
    records = [{"variant_id": i, "currency": "usd", "price": 1} for i in range(4)]
    transport = ScriptedTransport(
        respond(200, {"data": records[:2], "meta": {"pagination": {"total_pages": 3}}}),
        respond(200, {"data": records[2:], "meta": {"pagination": {"total_pages": 3}}}),
        respond(200, {"data": records[2:], "meta": {"pagination": {"total_pages": 3}}}),
    )
    with pytest.raises(PagingError, match="page 3"):
        list(make_client(transport).iter_v3("pricelists/1/records", limit=2))


# -- id keyset --------------------------------------------------------------------------------


def recording_client(sb: Sandbox) -> tuple[BigCommerceClient, RecordingTransport]:
    transport = RecordingTransport()
    client = BigCommerceClient(
        sb.api_path,
        sb.access_token,
        allow_insecure_host=True,
        transport=transport,
        sleep=lambda _s: None,
    )
    return client, transport


def test_keyset_reads_a_whole_status_while_it_is_being_emptied() -> None:
    with run_sandbox(SandboxConfig(seed=41, orders=30, customers=5, products=3)) as store:
        wanted = order_ids(store, 11)
        bc, transport = recording_client(store)
        seen: list[int] = []
        for page in bc.orders.wire_pages_keyset(status_id=11, limit=3):
            seen.extend(item["id"] for item in page)
            for item in page:  # like the importer: move each page out of the status
                store.store.set_order_status(item["id"], 9)
        assert seen == wanted
        assert order_ids(store, 11) == []
        asked = [parse_qs(sent.query) for sent in transport.sent]
        assert all(p["sort"] == ["id:asc"] and "page" not in p for p in asked)
        bc.close()


def test_keyset_asks_above_the_last_highest_id_and_reads_past_short_pages(sb: Sandbox) -> None:
    bc, transport = recording_client(sb)
    pages: list[list[int]] = []
    for page in bc.orders.wire_pages_keyset(embed_lines=False, limit=6):
        pages.append([item["id"] for item in page])
        sb.knobs.fail_next("short_page", 1, path_prefix="/v2/orders")  # every page is cut
    assert [i for page in pages for i in page] == order_ids(sb)
    asked = [parse_qs(sent.query).get("min_id") for sent in transport.sent]
    assert asked == [None] + [[str(max(page) + 1)] for page in pages]
    bc.close()


def test_keyset_starts_at_the_callers_min_id(sb: Sandbox, client: BigCommerceClient) -> None:
    start = order_ids(sb)[10]
    ids = [i["id"] for p in client.orders.wire_pages_keyset(min_id=start, limit=7) for i in p]
    assert ids == [i for i in order_ids(sb) if i >= start]


@pytest.mark.parametrize("kind", ["ignore_paging", "repeat_page", "shuffled_repeat"])
def test_keyset_that_does_not_advance_stops_typed(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    pages = client.orders.wire_pages_keyset(embed_lines=False, limit=5)
    with pytest.raises(PagingError, match="is below the requested min_id"):
        ids_with_fault(pages, sb, kind, "/v2/orders")


def test_keyset_ends_only_on_an_empty_list(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(200, [{"id": 4}, {"id": 9}]), respond(200, [{"id": 12}]), respond(200, [])
    )
    pages = list(make_client(transport).pages_v2_keyset("orders", {"status_id": 11}, limit=2))
    assert pages == [[{"id": 4}, {"id": 9}], [{"id": 12}]]
    assert [query(r.url).get("min_id") for r in transport.requests] == [None, ["10"], ["13"]]


def test_keyset_page_without_any_id_stops_typed(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, [{"name": "no id"}]))
    with pytest.raises(PagingError, match="no item of the page had an id"):
        list(make_client(transport).pages_v2_keyset("orders"))


# -- what a stream remembers ------------------------------------------------------------------


def test_seen_keys_are_exact_and_compact() -> None:
    seen = SeenKeys()
    rng = random.Random(9)
    keys = rng.sample(range(10**9), 30_000)
    for key in keys:
        seen.add(key)
    assert all(key in seen for key in keys)
    unique = set(keys)
    assert not any(key + 1 in seen for key in keys if key + 1 not in unique)
    assert len(seen) == len(keys)
    # 30,000 ids in at most a handful of sorted runs, 8 bytes each.
    assert len(seen._runs) <= 4
    assert ("id", "x") not in seen
    seen.add(("id", "x"))
    assert ("id", "x") in seen
