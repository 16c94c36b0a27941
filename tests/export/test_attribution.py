"""Batch error attribution and the small helpers, without a store."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.errors import ValidationError
from bigcommerce_connect.export._common import (
    admin_url,
    batch_failures,
    error_failures,
    fingerprint,
)


def sent_items(count: int) -> list[dict[str, Any]]:
    return [{"id": 100 + n, "price": n} for n in range(count)]


@given(st.integers(1, 10).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1)))))
def test_207_errors_are_attributed_to_exactly_the_failed_items(case: tuple[int, set[int]]) -> None:
    count, bad = case
    sent = sent_items(count)
    body = {
        "data": [item for n, item in enumerate(sent) if n not in bad],
        "errors": {
            "status": 422,
            "title": "Some products could not be updated.",
            "errors": {f"[{n}].id": f"Product {sent[n]['id']} was not found." for n in bad},
        },
    }

    failures = batch_failures(BatchResult.from_body(207 if bad else 200, body, None), sent)

    assert set(failures) == bad
    assert all(str(sent[n]["id"]) in failures[n] for n in bad)


def test_records_errors_matched_by_sku_others_succeed() -> None:
    sent = [{"sku": "A", "currency": "usd"}, {"sku": "B", "currency": "usd"}]
    body = {"batch_errors": [{"data": {"sku": "B"}, "errors": {"variant_id": "unknown"}}]}

    failures = batch_failures(BatchResult.from_body(422, body, None), sent, keys=("sku",))

    assert failures == {1: "variant_id: unknown"}


def test_unattributable_error_fails_every_item() -> None:
    body = {"batch_errors": [{"title": "Invalid variant", "errors": {"id": "bad"}}]}
    result = BatchResult.from_body(422, body, None)
    assert set(batch_failures(result, sent_items(3), all_or_nothing=True)) == {0, 1, 2}
    assert set(batch_failures(result, sent_items(3))) == {0, 1, 2}  # never reported as success


def test_refused_batch_names_its_items() -> None:
    error = ValidationError(
        method="PUT", path="v3/catalog/products", status=422, field_errors={"[1].id": "gone"}
    )
    failures = error_failures(error, 3)
    assert failures[1] == "[1].id: gone"
    assert "422" in failures[0]


@given(st.dictionaries(st.text(), st.text() | st.integers()))
def test_fingerprint_ignores_key_order(payload: dict[str, Any]) -> None:
    reordered = dict(reversed(list(payload.items())))
    assert fingerprint(payload) == fingerprint(reordered)


def test_admin_urls() -> None:
    assert admin_url("abc123", "customer", 7) == (
        "https://store-abc123.mybigcommerce.com/manage/customers/7/edit"
    )
    assert admin_url(None, "product", 7) == ""
    assert admin_url("abc123", "product", None) == ""
