"""Dates, money and scalar parsing of the shared converter, with property tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bigcommerce_connect.models import (
    ModelError,
    format_iso8601,
    format_rfc2822,
    money_to_wire,
    parse_datetime,
    parse_money,
)
from bigcommerce_connect.models.converter import parse_bool, parse_int, parse_str

UTC = timezone.utc
EST = timezone(timedelta(hours=-5))


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 05 Mar 2019 21:40:11 +0000", datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)),
        ("Thu, 20 Apr 2017 11:32:00 -0500", datetime(2017, 4, 20, 16, 32, tzinfo=UTC)),
        ("2018-09-05T20:42:07+00:00", datetime(2018, 9, 5, 20, 42, 7, tzinfo=UTC)),
        ("2019-02-19T18:34:16Z", datetime(2019, 2, 19, 18, 34, 16, tzinfo=UTC)),
        ("2017-04-20T11:32:00.000-04:00", datetime(2017, 4, 20, 15, 32, tzinfo=UTC)),
        ("2021-07-28T19:00:38.1234567Z", datetime(2021, 7, 28, 19, 0, 38, 123456, tzinfo=UTC)),
        ("2019-02-19T18:34:16.5+0100", datetime(2019, 2, 19, 17, 34, 16, 500000, tzinfo=UTC)),
        ("2019-02-19 18:34:16-0000", datetime(2019, 2, 19, 18, 34, 16, tzinfo=UTC)),
        (1561479335, datetime(2019, 6, 25, 16, 15, 35, tzinfo=UTC)),
    ],
)
def test_parse_datetime_accepts_every_wire_form(text: str | int, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_rfc2822_keeps_the_sender_offset() -> None:
    parsed = parse_datetime("Thu, 20 Apr 2017 11:32:00 -0500")
    assert parsed.utcoffset() == timedelta(hours=-5)


def test_rfc2822_minus_zero_means_utc() -> None:
    # RFC 2822 "-0000": UTC with the local zone unknown. We read it as UTC.
    assert parse_datetime("Tue, 05 Mar 2019 21:40:11 -0000") == datetime(
        2019, 3, 5, 21, 40, 11, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text", ["2019-02-19T18:34:16", "2019-02-19 18:34:16", "2019-02-19T18:34:16.5"]
)
def test_naive_iso_is_rejected(text: str) -> None:
    with pytest.raises(ModelError, match="no UTC offset"):
        parse_datetime(text)


def test_naive_datetime_object_is_rejected() -> None:
    with pytest.raises(ModelError, match="naive"):
        parse_datetime(datetime(2020, 1, 1))


@pytest.mark.parametrize(
    "value", ["", "   ", "yesterday", "2019-13-45T99:00:00Z", True, 1.5, None, []]
)
def test_garbage_dates_raise_model_error(value: object) -> None:
    with pytest.raises(ModelError):
        parse_datetime(value)


def test_out_of_range_unix_timestamp_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="out of range"):
        parse_datetime(10**15)


def test_error_message_truncates_echoed_value() -> None:
    with pytest.raises(ModelError) as caught:
        parse_datetime("x" * 500)
    assert len(str(caught.value)) < 120


def test_format_rfc2822_and_iso_use_utc_and_reject_naive() -> None:
    moment = datetime(2017, 4, 20, 11, 32, 0, 999, tzinfo=EST)
    assert format_rfc2822(moment) == "Thu, 20 Apr 2017 16:32:00 +0000"
    assert format_iso8601(moment) == "2017-04-20T16:32:00+00:00"
    with pytest.raises(ModelError, match="naive"):
        format_rfc2822(datetime(2017, 4, 20))
    with pytest.raises(ModelError, match="naive"):
        format_iso8601(datetime(2017, 4, 20))


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
aware_datetimes = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=offsets,
)


@settings(max_examples=200, deadline=None)
@given(aware_datetimes)
def test_any_aware_datetime_round_trips_through_both_formats(moment: datetime) -> None:
    expected = moment.replace(microsecond=0)
    assert parse_datetime(format_rfc2822(moment)) == expected
    assert parse_datetime(format_iso8601(moment)) == expected
    assert parse_datetime(moment.isoformat()) == moment


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_only_ever_raises_model_error(text: str) -> None:
    # The documented contract: data problems raise ModelError (a ValueError), nothing else.
    try:
        parsed = parse_datetime(text)
    except ModelError:
        return
    assert parsed.tzinfo is not None


# ----------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("62.6793", Decimal("62.6793")),
        ("0", Decimal("0")),
        ("-1.50", Decimal("-1.50")),
        ("12.3450", Decimal("12.345")),
        (12.345, Decimal("12.345")),
        (7.95, Decimal("7.95")),
        (0.1, Decimal("0.1")),
        (10, Decimal("10")),
        (Decimal("3.14"), Decimal("3.14")),
    ],
)
def test_parse_money(value: object, expected: Decimal) -> None:
    assert parse_money(value) == expected


def test_money_as_string_and_number_are_the_same_decimal() -> None:
    assert parse_money("12.3450") == parse_money(12.345)
    assert parse_money(0.1) == Decimal("0.1")  # never the binary expansion of 0.1


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        float("nan"),
        float("inf"),
        "NaN",
        "Infinity",
        "abc",
        "",
        "1_000",
        "1,50",
        None,
        [],
    ],
)
def test_bad_money_raises_model_error(value: object) -> None:
    with pytest.raises(ModelError):
        parse_money(value)


money_decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False
)


@settings(max_examples=300, deadline=None)
@given(money_decimals)
def test_any_four_place_decimal_string_parses_back_equal(amount: Decimal) -> None:
    assert parse_money(str(amount)) == amount
    assert parse_money(f"{amount:.4f}") == amount


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_integers_parse_exactly(amount: int) -> None:
    assert parse_money(amount) == Decimal(amount)
    assert parse_money(str(amount)) == Decimal(amount)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_parse_through_their_shortest_repr(amount: float) -> None:
    assert parse_money(amount) == Decimal(str(amount))
    assert float(parse_money(amount)) == amount


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_money_text_only_ever_raises_model_error(text: str) -> None:
    try:
        parsed = parse_money(text)
    except ModelError:
        return
    assert parsed.is_finite()


# Any amount a store column holds (20 integer digits, 4 places) goes out exactly.
column_money = st.decimals(
    min_value=Decimal("-1e19"), max_value=Decimal("1e19"), places=4, allow_nan=False
)


@settings(max_examples=200, deadline=None)
@given(column_money)
def test_v2_and_v3_money_out_parse_back_exactly(amount: Decimal) -> None:
    assert parse_money(money_to_wire(amount, "v2")) == amount
    assert parse_money(money_to_wire(amount, "v3")) == amount


def test_money_out_is_exact_and_never_rounds() -> None:
    # One rule with the client's encoder: v3 keeps every digit (the Decimal itself, written
    # digit for digit), v2 refuses places beyond the 4th instead of rounding them away.
    assert money_to_wire(Decimal("12345678901234.5678"), "v3") == Decimal("12345678901234.5678")
    assert money_to_wire(Decimal("12.3450"), "v2") == "12.3450"
    assert money_to_wire(Decimal("10.00"), "v3") == 10
    with pytest.raises(ModelError, match="more than 4 decimal places"):
        money_to_wire(Decimal("12.34567"), "v2")
    with pytest.raises(ModelError, match="NaN"):
        money_to_wire(Decimal("NaN"), "v3")


# ----------------------------------------------------------------------------- scalars


def test_scalars_are_lenient_in_the_documented_ways() -> None:
    assert parse_str(78108) == "78108"
    assert parse_str(78108.0) == "78108"
    assert parse_int("42") == 42
    assert parse_int(3.0) == 3
    assert parse_bool("true") is True
    assert parse_bool(0) is False


@pytest.mark.parametrize(
    ("parse", "value"),
    [(parse_str, True), (parse_str, {}), (parse_int, True), (parse_int, "4.5"), (parse_bool, 2)],
)
def test_scalars_reject_wrong_kinds(parse: object, value: object) -> None:
    with pytest.raises(ModelError):
        parse(value)  # type: ignore[operator]
