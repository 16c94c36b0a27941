"""The batch sender, batch error attribution and the small helpers, without a store."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.errors import NetworkError, ValidationError
from bigcommerce_connect.export.batching import (
    Accepted,
    Refused,
    batch_failures,
    error_failures,
    send_batch,
    write_batches,
)
from bigcommerce_connect.export.payload import fingerprint
from bigcommerce_connect.export.report import admin_url


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


def refusing(bad: set[int], calls: list[list[dict[str, Any]]]) -> Any:
    """A batch endpoint that refuses a request (422) naming the bad items it carries."""

    def send(items: list[dict[str, Any]]) -> BatchResult:
        calls.append(items)
        named = {f"[{n}].id": "gone" for n, item in enumerate(items) if item["id"] - 100 in bad}
        if named:
            raise ValidationError(method="PUT", path="v3/x", status=422, field_errors=named)
        return BatchResult(status=200, data=items)

    return send


def test_a_refusal_naming_some_items_resends_the_others_without_them() -> None:
    calls: list[list[dict[str, Any]]] = []
    events = list(send_batch(refusing({1}, calls), sent_items(3)))

    assert [[item["id"] for item in call] for call in calls] == [[100, 101, 102], [100, 102]]
    refused, accepted = events
    assert isinstance(refused, Refused)
    assert refused.reasons == {1: "[1].id: gone"}
    assert isinstance(accepted, Accepted)
    assert accepted.indexes == [0, 2]


def test_an_atomic_refusal_fails_every_item_and_resends_nothing() -> None:
    calls: list[list[dict[str, Any]]] = []
    (refused,) = send_batch(refusing({1}, calls), sent_items(3), resend=False)

    assert len(calls) == 1
    assert isinstance(refused, Refused)
    assert refused.reasons[1] == "[1].id: gone"
    assert "422" in refused.reasons[0]
    assert "422" in refused.reasons[2]


def test_a_failure_that_is_not_a_refusal_fails_the_whole_request() -> None:
    def send(items: list[dict[str, Any]]) -> BatchResult:
        raise NetworkError("reset", method="PUT", path="v3/x", kind="reset", retryable=True)

    (failed,) = send_batch(send, sent_items(2))

    assert isinstance(failed, Refused)
    assert set(failed.reasons) == {0, 1}
    assert all("reset" in why for why in failed.reasons.values())


def test_batches_are_cut_to_the_size_and_failures_given_by_position() -> None:
    calls: list[list[dict[str, Any]]] = []
    batches = list(write_batches(refusing({3}, calls), sent_items(5), body=dict, size=2))

    assert [len(call) for call in calls] == [2, 2, 1, 1]  # the 2nd batch resent without [3]
    assert [batch.failures for batch in batches] == [{}, {1: "[1].id: gone"}, {}]
    assert [row["id"] for row in batches[1].rows] == [102]


def test_an_atomic_422_answer_fails_every_item_of_its_batch() -> None:
    def send(items: list[dict[str, Any]]) -> BatchResult:
        body = {"batch_errors": [{"title": "Invalid variant", "errors": {"[0].id": "bad"}}]}
        return BatchResult.from_body(422, body, None)

    (batch,) = write_batches(send, sent_items(2), body=dict, size=10, atomic=True)

    assert batch.failures == {
        0: "Invalid variant: [0].id: bad",
        1: "rejected together with the rest of its batch",
    }
