"""Exact money on the wire: a Decimal never passes through float; what the API cannot hold
raises WireValueError before anything is sent."""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError, WireValueError
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport
from bigcommerce_connect.values import encode_json

BIG = Decimal("12345678901234.5678")  # float would send 12345678901234.568


class RawRecorder:
    """Real HTTP to the sandbox, keeping the exact bytes of every request body it sent."""

    def __init__(self) -> None:
        self.inner = Urllib3Transport()
        self.bodies: list[bytes | None] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.bodies.append(request.body)
        return self.inner.send(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=31, orders=3, customers=3, products=4)) as sandbox:
        yield sandbox


@pytest.fixture
def wire(sb: Sandbox) -> Iterator[tuple[BigCommerceClient, RawRecorder]]:
    recorder = RawRecorder()
    with BigCommerceClient(
        sb.api_path, sb.access_token, allow_insecure_host=True, transport=recorder
    ) as client:
        yield client, recorder


def sent_json(body: bytes | None) -> Any:
    assert body is not None
    return json.loads(body, parse_float=Decimal)


# -- against the sandbox ---------------------------------------------------------------------


def test_a_v3_price_goes_out_digit_for_digit(
    wire: tuple[BigCommerceClient, RawRecorder],
) -> None:
    client, recorder = wire
    product = next(iter(client.products.iter()))
    client.products.update(product.id, {"price": BIG, "cost_price": Decimal("0.0001")})
    body = recorder.bodies[-1]
    assert body is not None
    assert b"12345678901234.5678" in body
    assert sent_json(body) == {"price": BIG, "cost_price": Decimal("0.0001")}


def test_a_v3_batch_sends_every_amount_exactly(
    wire: tuple[BigCommerceClient, RawRecorder],
) -> None:
    client, recorder = wire
    ids = [p.id for p in client.products.iter()][:3]
    prices = [Decimal("19.99"), Decimal("99999999999999999999.9999"), Decimal("1E-4")]
    result = client.products.update_batch(
        [{"id": pid, "price": price} for pid, price in zip(ids, prices, strict=True)]
    )
    assert result.ok
    assert [item["price"] for item in sent_json(recorder.bodies[-1])] == prices


def test_a_v2_amount_goes_out_as_a_four_place_string(
    wire: tuple[BigCommerceClient, RawRecorder],
) -> None:
    client, recorder = wire
    rules = [{"type": "all", "method": "price", "amount": Decimal("12345678901234.56")}]
    client.customer_groups.create("Exact wholesale", discount_rules=rules)
    sent = sent_json(recorder.bodies[-1])
    assert sent["discount_rules"][0]["amount"] == "12345678901234.5600"


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        (Decimal("NaN"), "NaN"),
        (Decimal("sNaN"), "NaN"),
        (Decimal("Infinity"), "Infinity"),
        (Decimal("-Infinity"), "Infinity"),
        (Decimal("1E+20"), "more than 20 integer digits"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (10**25, "more than 20 integer digits"),
    ],
)
def test_an_unholdable_amount_raises_before_anything_is_sent(
    sb: Sandbox, wire: tuple[BigCommerceClient, RawRecorder], amount: object, reason: str
) -> None:
    client, recorder = wire
    requests_before, calls_before = len(sb.requests), client.api_calls
    with pytest.raises(WireValueError) as caught:
        client.products.update(1, {"name": "Secret Widget", "price": amount})
    assert caught.value.code == "wire_value"
    assert caught.value.path == "$.price"
    assert reason in str(caught.value)
    assert "Secret Widget" not in str(caught.value)  # never other values of the body
    assert (len(sb.requests), client.api_calls, recorder.bodies) == (
        requests_before,
        calls_before,
        [],
    )


def test_the_path_names_the_bad_item_of_a_batch(
    sb: Sandbox, wire: tuple[BigCommerceClient, RawRecorder]
) -> None:
    client, _ = wire
    before = len(sb.requests)
    items: list[dict[str, Any]] = [{"id": i, "price": Decimal("1.5")} for i in range(1, 6)]
    items[3]["price"] = Decimal("NaN")
    with pytest.raises(WireValueError, match=r"\$\[3\]\.price"):
        client.variants.update_batch(list[Mapping[str, Any]](items))
    assert len(sb.requests) == before


def test_a_v2_amount_with_more_than_four_places_is_refused_not_rounded(
    sb: Sandbox, wire: tuple[BigCommerceClient, RawRecorder]
) -> None:
    client, _ = wire
    before = len(sb.requests)
    rules = [{"type": "all", "method": "percent", "amount": Decimal("5.00005")}]
    with pytest.raises(WireValueError, match=r"discount_rules\[0\]\.amount.*4 decimal places"):
        client.customer_groups.create("Rounded", discount_rules=rules)
    assert len(sb.requests) == before


# -- the encoder ---------------------------------------------------------------------------


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def test_every_supported_type() -> None:
    body = {
        "s": 'Größe 😀 "q" \n',
        "i": -7,
        "f": 0.1,
        "b": [True, False, None],
        "d": Decimal("-0.000100"),
        "t": (1, Decimal("2.50")),
        "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "day": date(2026, 1, 2),
        "e": [Colour.RED, Level.HIGH],
        7: "int key",
    }
    text = encode_json(body, "v3")
    assert json.loads(text, parse_float=Decimal) == {
        "s": 'Größe 😀 "q" \n',
        "i": -7,
        "f": Decimal("0.1"),
        "b": [True, False, None],
        "d": Decimal("-0.000100"),
        "t": [1, Decimal("2.50")],
        "at": "2026-01-02T03:04:05+00:00",
        "day": "2026-01-02",
        "e": ["red", 3],
        "7": "int key",
    }
    assert "Größe 😀".encode() in text  # UTF-8, not ASCII-escaped


def test_v2_pads_to_four_places_and_keeps_other_numbers() -> None:
    body = {"a": Decimal("1"), "b": Decimal("1.2"), "c": Decimal("1.230000"), "n": 2, "x": 1.5}
    assert json.loads(encode_json(body, "v2")) == {
        "a": "1.0000",
        "b": "1.2000",
        "c": "1.2300",
        "n": 2,
        "x": 1.5,
    }
    assert json.loads(encode_json([Decimal("0E-60"), Decimal("-0")], "v2")) == [
        "0.0000",
        "-0.0000",
    ]


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        ({"name": "x\ud83d"}, "$.name", "lone surrogate"),
        ({"a": {"x\udc00": 1}}, "$.a['x\\udc00']", "lone surrogate"),
        ({"a": [object()]}, "$.a[0]", "no JSON form"),
        ({(1, 2): 1}, "$[<tuple>]", "not text"),
        ({"n": -(10**20)}, "$.n", "20 integer digits"),
        ({"n": 1e21}, "$.n", "20 integer digits"),
        ({"n": Decimal("1E-51")}, "$.n", "50 decimal places"),
        ({"a b": {"c": [1, Decimal("NaN")]}}, "$['a b'].c[1]", "NaN"),
    ],
)
def test_what_cannot_be_sent_is_named_by_its_path(body: Any, path: str, reason: str) -> None:
    with pytest.raises(WireValueError) as caught:
        encode_json(body, "v3")
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_a_cycle_or_runaway_nesting_is_a_wire_value_error() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(WireValueError, match="nested deeper than 64"):
        encode_json(cycle, "v3")
    deep: Any = 1
    for _ in range(10_000):
        deep = {"d": deep}
    with pytest.raises(WireValueError, match="nested deeper"):
        encode_json(deep, "v3")


def test_nothing_but_wire_value_error_escapes() -> None:
    assert issubclass(WireValueError, BigCommerceError)
    for bad in (float("-inf"), Decimal("-sNaN"), {1.5: 1}, {None: 1}, b"bytes", {1, 2}):
        with pytest.raises(WireValueError):
            encode_json({"x": bad}, "v3")


# -- properties ------------------------------------------------------------------------------


def holdable(value: Decimal | float) -> bool:
    """What the API can hold: finite, at most 20 integer digits (and 50 places)."""
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) < 1e20
    if not value.is_finite():
        return False
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return value.is_zero() or (value.adjusted() < 20 and exponent >= -50)


IN_RANGE = st.decimals(allow_nan=False, allow_infinity=False).filter(holdable)


@given(IN_RANGE)
def test_any_finite_decimal_in_range_round_trips_exactly(amount: Decimal) -> None:
    text = encode_json({"price": amount}, "v3")
    sent = json.loads(text, parse_float=Decimal)["price"]
    assert Decimal(sent) == amount
    assert b"E" not in text  # plain digits, never an exponent
    if amount.as_tuple().exponent < 0 and not amount.is_zero():  # type: ignore[operator]
        assert sent.as_tuple() == amount.as_tuple()  # digit for digit, trailing zeros kept


@given(st.decimals(min_value=-(10**16), max_value=10**16, places=4))
def test_any_v2_amount_of_four_places_round_trips_exactly(amount: Decimal) -> None:
    sent = json.loads(encode_json({"amount": amount}, "v2"))["amount"]
    assert isinstance(sent, str)
    assert Decimal(sent) == amount
    assert len(sent.partition(".")[2]) == 4


@given(st.decimals(allow_nan=True, allow_infinity=True) | st.floats())
def test_any_number_is_sent_exactly_or_refused(value: Decimal | float) -> None:
    if not holdable(value):
        with pytest.raises(WireValueError) as caught:
            encode_json([value], "v3")
        assert caught.value.path == "$[0]"
        return
    sent = json.loads(encode_json([value], "v3"), parse_float=Decimal)[0]
    expected = value if isinstance(value, Decimal) else Decimal(repr(value))
    assert Decimal(sent) == expected


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**19), max_value=10**19)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e19, max_value=1e19)
    | st.text()
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(JSON_VALUES)
def test_plain_json_is_encoded_byte_for_byte_as_json_dumps_did(value: Any) -> None:
    expected = json.dumps(value, ensure_ascii=False).encode("utf-8")
    assert encode_json(value, "v3") == expected
    assert encode_json(value, "v2") == expected
