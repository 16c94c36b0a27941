"""Lazy paging: v2 page/limit until a 204 or [] (never a short page), v3 by meta.pagination."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bigcommerce_connect.errors import PagingError, UnexpectedResponseError
from support.scripted import ScriptedTransport, respond

from .conftest import MakeClient


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def ids(start: int, count: int) -> list[dict[str, int]]:
    return [{"id": i} for i in range(start, start + count)]


def test_v2_reads_past_a_short_page_until_an_empty_list(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(200, ids(1, 3)), respond(200, ids(4, 2)), respond(200, [])
    )
    items = list(make_client(transport).iter_v2("orders", {"status_id": 11}, limit=3))
    assert [i["id"] for i in items] == [1, 2, 3, 4, 5]
    assert [query(r.url)["page"] for r in transport.requests] == [["1"], ["2"], ["3"]]
    assert query(transport.requests[0].url)["status_id"] == ["11"]
    assert query(transport.requests[0].url)["limit"] == ["3"]


def test_v2_stops_on_204_with_no_body(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, ids(1, 2)), respond(204))
    assert len(list(make_client(transport).iter_v2("orders", limit=2))) == 2
    assert len(transport.requests) == 2


def test_v2_empty_collection_is_a_204(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(204))
    assert list(make_client(transport).iter_v2("orders")) == []


def test_v2_paging_is_lazy(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, ids(1, 2)), respond(200, ids(3, 2)))
    pages = make_client(transport).pages_v2("orders", limit=2)
    assert next(pages) == ids(1, 2)
    assert len(transport.requests) == 1


def test_v2_server_ignoring_page_does_not_loop_forever(make_client: MakeClient) -> None:
    transport = ScriptedTransport(*[respond(200, ids(1, 2))] * 5)
    with pytest.raises(PagingError, match="page 2 brought no item"):
        list(make_client(transport).iter_v2("orders", limit=2))
    assert len(transport.requests) == 2


def test_v2_non_list_is_a_typed_error(make_client: MakeClient) -> None:
    transport = ScriptedTransport(*[respond(200, {"oops": True})] * 3)
    with pytest.raises(UnexpectedResponseError, match="not a JSON array"):
        list(make_client(transport).iter_v2("orders"))
    assert len(transport.requests) == 3  # garbled answers to a read are read again


def test_page_size_is_bounded(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="250"):
        list(make_client(ScriptedTransport()).iter_v2("orders", limit=251))


def v3_page(items: list[dict[str, int]], current: int, total: int) -> dict[str, object]:
    pagination = {"total": 0, "count": len(items), "per_page": 2, "current_page": current}
    pagination["total_pages"] = total
    return {"data": items, "meta": {"pagination": pagination}}


def test_v3_follows_meta_pagination(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(200, v3_page(ids(1, 2), 1, 3)),
        respond(200, v3_page(ids(3, 2), 2, 3)),
        respond(200, v3_page(ids(5, 1), 3, 3)),
    )
    items = list(make_client(transport).iter_v3("catalog/products", limit=2))
    assert [i["id"] for i in items] == [1, 2, 3, 4, 5]
    assert len(transport.requests) == 3


def test_v3_without_pagination_meta_is_one_page(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {"data": ids(1, 2), "meta": {}}))
    assert len(list(make_client(transport).iter_v3("catalog/trees"))) == 2


def test_v3_without_data_is_a_typed_error(make_client: MakeClient) -> None:
    transport = ScriptedTransport(*[respond(200, {"nope": []})] * 3)
    with pytest.raises(UnexpectedResponseError, match="no data"):
        list(make_client(transport).iter_v3("customers"))
    assert len(transport.requests) == 3


def test_batch_207_is_a_result_with_per_item_errors(make_client: MakeClient) -> None:
    body = {
        "data": [{"id": 1}],
        "errors": {"status": 422, "title": "inventory failed", "errors": {"2": "negative"}},
        "meta": {},
    }
    transport = ScriptedTransport(respond(207, body))
    result = make_client(transport).batch(
        "PUT", "catalog/products", [{"id": 1}, {"id": 2}], max_items=10
    )
    assert not result.ok
    assert result.status == 207
    assert result.data == [{"id": 1}]
    assert result.errors[0].errors == {"2": "negative"}


def test_batch_422_with_batch_errors_is_per_item(make_client: MakeClient) -> None:
    body = {
        "batch_errors": [
            {"status": 422, "title": "bad", "errors": {"sku": "x"}, "data": {"sku": "A"}}
        ]
    }
    transport = ScriptedTransport(respond(422, body))
    result = make_client(transport).batch(
        "PUT", "pricelists/1/records", [{"sku": "A"}], max_items=1000
    )
    assert not result.ok
    assert result.errors[0].item == {"sku": "A"}


def test_batch_over_the_maximum_is_refused_before_any_call(make_client: MakeClient) -> None:
    transport = ScriptedTransport()
    with pytest.raises(ValueError, match="at most 10"):
        make_client(transport).batch(
            "PUT", "customers", [{"id": i} for i in range(11)], max_items=10
        )
    assert transport.requests == []
