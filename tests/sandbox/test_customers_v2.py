"""v2 ``/customers`` (what a legacy API account reads) conforms to customers.v2.yml."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import pytest
from openapi_schema_validator import OAS30Validator

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.sandbox_api import Api

from .test_conformance import load_spec, response_schema

SPEC = "customers.v2.yml"

CASES = [
    ("customers-list", "/customers", "v2/customers?limit=5"),
    ("customers-filtered", "/customers", "v2/customers?min_id=2&max_id=4"),
    ("customer-get", "/customers/{customer_id}", "v2/customers/3"),
    ("customers-count", "/customers/count", "v2/customers/count"),
    ("addresses-list", "/customers/{customer_id}/addresses", "v2/customers/3/addresses"),
    (
        "addresses-count",
        "/customers/{customer_id}/addresses/count",
        "v2/customers/3/addresses/count",
    ),
]


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=10, customers=8, products=4)) as sandbox:
        yield sandbox


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_answers_match_the_spec(sb: Sandbox, case: tuple[str, str, str]) -> None:
    _, spec_path, request_path = case
    spec = load_spec(SPEC)
    answer = Api(sb).get(request_path)
    assert answer.status == 200, answer.data[:300]
    schema = response_schema(spec, "get", spec_path, 200)
    root = {"allOf": [schema], "components": spec["components"]}
    errors = list(OAS30Validator(root).iter_errors(json.loads(answer.data)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


def test_the_same_customers_as_v3_in_the_v2_shape(sb: Sandbox) -> None:
    api = Api(sb)
    v2 = json.loads(api.get("v2/customers/3").data)
    v3 = json.loads(api.get("v3/customers?id:in=3&include=addresses").data)["data"][0]
    assert (v2["email"], v2["first_name"], v2["last_name"]) == (
        v3["email"],
        v3["first_name"],
        v3["last_name"],
    )
    assert v2["date_modified"].endswith("+0000")  # RFC 2822, as v2 sends dates
    assert parsedate_to_datetime(v2["date_modified"]).isoformat() == v3["date_modified"]
    assert v2["addresses"]["resource"] == "/customers/3/addresses"
    addresses = json.loads(api.get("v2/customers/3/addresses").data)
    assert [a["street_1"] for a in addresses] == [a["address1"] for a in v3["addresses"]]
    assert [a["country_iso2"] for a in addresses] == [a["country_code"] for a in v3["addresses"]]


def test_filters_paging_and_empty_answers(sb: Sandbox) -> None:
    api = Api(sb)
    ids = [c["id"] for c in json.loads(api.get("v2/customers?min_id=2&limit=3&page=2").data)]
    assert ids == [5, 6, 7]
    first = json.loads(api.get("v2/customers/1").data)
    since = first["date_modified"].replace("+", "%2B")
    recent = json.loads(api.get(f"v2/customers?min_date_modified={since}").data)
    assert all(
        parsedate_to_datetime(c["date_modified"]) >= parsedate_to_datetime(first["date_modified"])
        for c in recent
    )
    assert api.get("v2/customers?min_id=100000").status == 204
    assert api.get("v2/customers/100000").status == 404
    assert api.get("v2/customers?min_date_modified=yesterday").status == 400
    count = json.loads(api.get("v2/customers/count?min_id=7").data)
    assert count == {"count": 2}
