"""The one value codec: every wire form round-trips, every caller follows the same rule.

Round trips (property tests): v2 RFC 2822 and v3 ISO 8601 dates, Unix seconds, the exact
stored forms, money text with any number of places, exact Decimal out (v2 strings, v3
numbers written digit for digit). The rules that used to differ between the models, the
mapping, the settings and the SQLite adapter are each pinned once here, through every
caller. Junk raises ValueFormatError and nothing else.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.adapters.sql.codec import load_money, parse_time, time_text, utc_text
from bigcommerce_connect.errors import ConnectError, WireValueError
from bigcommerce_connect.mapping.transforms import TRANSFORMS, TransformFailure
from bigcommerce_connect.models import ModelError, money_to_wire, parse_datetime, parse_money
from bigcommerce_connect.values import (
    ValueFormatError,
    datetime_text,
    decimal_text,
    encode_json,
    format_datetime,
    format_iso8601,
    format_money,
    format_query_value,
    format_rfc2822,
    format_unix,
    parse_iso8601,
    parse_rfc2822,
    parse_unix,
    register_value_hooks,
)
from bigcommerce_connect.values import parse_datetime as codec_datetime
from bigcommerce_connect.values import parse_money as codec_money

UTC = timezone.utc
MAX_UNIX = 253_402_300_799
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

minute_offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# What datetime allows: any offset under a day, to the microsecond (isoformat writes them).
odd_offsets = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59, seconds=-59),
    max_value=timedelta(hours=23, minutes=59, seconds=59),
).map(timezone)
# Far enough from year 1 and 9999 that converting to UTC stays on the calendar.
aware = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 31), timezones=minute_offsets
)
any_aware = st.datetimes(min_value=datetime(2, 1, 1), timezones=odd_offsets)
# Every amount a write can carry: up to 20 integer digits and 50 places.
amounts = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: not d or (d.adjusted() < 20 and int(d.as_tuple().exponent) >= -50)
)


def run(name: str, value: Any) -> Any:
    return TRANSFORMS[name].build(())(value)


def outcome(parse: Any, value: object) -> object:
    """What ``parse`` makes of ``value``: its result, or "error" for the caller's data error."""
    try:
        result = parse(value)
    except (ValueFormatError, ModelError, TransformFailure):
        return "error"
    return (result, result.utcoffset()) if isinstance(result, datetime) else result


def test_value_format_error_is_a_connect_error_and_a_value_error() -> None:
    assert issubclass(ValueFormatError, ConnectError)
    assert issubclass(ValueFormatError, ValueError)


# -- v2 dates: RFC 2822 -------------------------------------------------------------------


@given(aware)
def test_v2_dates_round_trip_at_second_resolution(moment: datetime) -> None:
    text = format_rfc2822(moment)
    assert text.endswith(" +0000")  # UTC, so cursors compare as text too
    assert parse_rfc2822(text) == moment.replace(microsecond=0)
    assert codec_datetime(text) == moment.replace(microsecond=0)
    assert format_datetime(moment, "v2") == text


@st.composite
def rfc2822_texts(draw: st.DrawFn) -> tuple[str, datetime]:
    moment = draw(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
    sign = draw(st.sampled_from("+-"))
    hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    weekday = draw(st.sampled_from(["", DAYS[moment.weekday()] + ", "]))
    seconds = draw(st.sampled_from(["", f":{moment.second:02d}"]))
    text = (
        f"{weekday}{moment.day:02d} {MONTHS[moment.month - 1]} {moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}{seconds} {sign}{hours:02d}{minutes:02d}"
    )
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    wall = moment.replace(second=moment.second if seconds else 0, microsecond=0)
    return text, wall.replace(tzinfo=timezone(offset))


@given(rfc2822_texts())
def test_every_v2_date_text_is_the_instant_email_utils_reads(case: tuple[str, datetime]) -> None:
    text, expected = case
    parsed = parse_rfc2822(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    if not text.endswith("-0000"):  # email.utils gives a naive value for "-0000"
        assert parsed == parsedate_to_datetime(text)


def test_rfc2822_named_zones_and_short_forms_take_the_rare_path() -> None:
    assert parse_rfc2822("Tue, 05 Mar 2019 21:40:11 GMT") == datetime(
        2019, 3, 5, 21, 40, 11, 0, UTC
    )
    assert parse_rfc2822("5 Mar 2019 21:40 EST") == datetime(
        2019, 3, 5, 21, 40, tzinfo=timezone(timedelta(hours=-5))
    )


# -- v3 dates: ISO 8601 -------------------------------------------------------------------


@given(aware)
def test_v3_dates_round_trip_at_second_resolution(moment: datetime) -> None:
    text = format_iso8601(moment)
    assert text.endswith("+00:00")
    assert parse_iso8601(text) == moment.replace(microsecond=0)
    assert codec_datetime(text) == moment.replace(microsecond=0)
    assert format_datetime(moment, "v3") == text
    fixed = format_iso8601(moment, timespec="microseconds")
    assert len(fixed) == len("2019-02-19T18:34:16.000000+00:00")  # text order is time order
    assert parse_iso8601(fixed) == moment


@given(any_aware)
def test_the_exact_form_keeps_offset_and_microseconds(moment: datetime) -> None:
    text = datetime_text(moment)
    assert text == moment.isoformat()
    for parse in (codec_datetime, parse_iso8601, parse_time):
        parsed = parse(text)
        assert parsed == moment
        assert parsed.utcoffset() == moment.utcoffset()
    assert time_text(moment) == text


@st.composite
def iso8601_texts(draw: st.DrawFn) -> tuple[str, datetime]:
    moment = draw(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
    digits = draw(st.integers(0, 9))
    fraction = f"{moment.microsecond:06d}{draw(st.integers(0, 999)):03d}"[:digits]
    wall = moment.replace(microsecond=int((fraction + "000000")[:6]) if digits else 0)
    sign = draw(st.sampled_from("+-"))
    hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    offset = draw(
        st.sampled_from(
            ["Z", "z", f"{sign}{hours:02d}:{minutes:02d}", f"{sign}{hours:02d}{minutes:02d}"]
        )
    )
    delta = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    zone = UTC if offset in "Zz" else timezone(delta)
    text = (
        f"{moment.year:04d}-{moment:%m-%d}{draw(st.sampled_from('T t'))}{moment:%H:%M:%S}"
        f"{'.' + fraction if digits else ''}{offset}"
    )
    return text, wall.replace(tzinfo=zone)


@given(iso8601_texts())
def test_every_v3_date_text_parses_to_its_instant(case: tuple[str, datetime]) -> None:
    text, expected = case
    parsed = parse_iso8601(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    assert codec_datetime(f"  {text} ") == expected


# -- Unix seconds (webhooks) --------------------------------------------------------------


@given(st.integers(min_value=0, max_value=MAX_UNIX))
def test_unix_seconds_round_trip(seconds: int) -> None:
    moment = parse_unix(seconds)
    assert moment.tzinfo is UTC
    assert format_unix(moment) == seconds
    assert codec_datetime(seconds) == moment


@given(aware)
def test_unix_out_rounds_down_to_the_second(moment: datetime) -> None:
    assert parse_unix(format_unix(moment)) == moment.replace(microsecond=0)


# -- money --------------------------------------------------------------------------------


@given(amounts)
def test_money_text_with_any_number_of_places_parses_back_exactly(amount: Decimal) -> None:
    for text in (str(amount), f"{amount:f}", f" {amount} "):
        parsed = codec_money(text)
        assert parsed == amount
    assert str(codec_money(decimal_text(amount))) == str(amount)  # trailing zeros kept
    assert load_money(decimal_text(amount)) == amount


@given(st.decimals(min_value=Decimal("-1e19"), max_value=Decimal("1e19"), places=4))
def test_four_place_money_goes_out_exactly_on_both_versions(amount: Decimal) -> None:
    v2 = format_money(amount, "v2")
    assert isinstance(v2, str)
    assert v2 == f"{amount:.4f}"
    assert codec_money(v2) == amount
    body = json.loads(encode_json({"price": amount}, "v2"))
    assert codec_money(body["price"]) == amount
    assert format_money(amount, "v3") == amount


@given(amounts)
def test_v3_money_is_written_digit_for_digit(amount: Decimal) -> None:
    assert format_money(amount, "v3") == amount
    text = encode_json({"price": amount}, "v3").decode()
    written = json.loads(text, parse_float=Decimal, parse_int=Decimal)["price"]
    assert written == amount
    assert text.removeprefix('{"price": ').rstrip("}").lstrip("-").replace(".", "").isdigit()


@given(
    st.decimals(min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=8).filter(
        lambda d: d != d.quantize(Decimal("0.0001"))
    )
)
def test_v2_refuses_money_it_would_have_to_round(amount: Decimal) -> None:
    with pytest.raises(ValueFormatError, match="more than 4 decimal places"):
        format_money(amount, "v2")
    with pytest.raises(ModelError, match="more than 4 decimal places"):
        money_to_wire(amount, "v2")
    with pytest.raises(WireValueError, match=r"\$\.price"):
        encode_json({"price": amount}, "v2")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_json_numbers_are_read_through_their_shortest_repr(number: float) -> None:
    assert codec_money(number) == Decimal(repr(number))


# -- one rule where the callers used to disagree ------------------------------------------

MINUS_ZERO = "Tue, 05 Mar 2019 21:40:11 -0000"


def test_rfc2822_minus_zero_is_utc_everywhere() -> None:
    """Was: UTC in the models, an error in the mapping. RFC 2822 §3.3: the time is UTC."""
    expected = datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)
    assert codec_datetime(MINUS_ZERO) == expected
    assert parse_datetime(MINUS_ZERO) == expected  # models
    assert run("date", MINUS_ZERO) == expected  # mapping
    base = {"api_path": "https://api.bigcommerce.com/stores/abc123/v3/", "api_token": "t"}
    assert StoreSettings.from_dict({**base, "last_update": MINUS_ZERO}).last_update == expected


@pytest.mark.parametrize("text", ["1_000", "1_000.50", "١٢", "1,50", "NaN", " nan ", "Infinity"])
def test_underscores_and_other_non_amounts_are_refused_everywhere(text: str) -> None:
    """Was: ``"1_000"`` refused by the models, 1000 in the mapping. A store never sends it."""
    with pytest.raises(ValueFormatError):
        codec_money(text)
    with pytest.raises(ModelError):
        parse_money(text)  # models
    with pytest.raises(TransformFailure):
        run("decimal", text)  # mapping
    with pytest.raises(TransformFailure):
        run("int", text)
    with pytest.raises(ValueFormatError):
        load_money(text)  # SQLite


def test_unix_seconds_are_a_date_everywhere() -> None:
    """Was: Unix seconds in the models, an error in the mapping's ``date``."""
    expected = datetime(2019, 6, 25, 16, 15, 35, tzinfo=UTC)
    assert parse_datetime(1561479335) == run("date", 1561479335) == expected


def test_v2_writes_send_v2_dates_and_exact_money_whoever_builds_the_body() -> None:
    """Was: the client's encoder sent ISO 8601 to v2 and kept every digit, while the models'
    ``money_to_wire`` rounded v2 amounts and sent v3 amounts through float."""
    moment = datetime(2026, 1, 2, 3, 4, 5, 600_000, tzinfo=timezone(timedelta(hours=1)))
    body = json.loads(encode_json({"at": moment, "day": date(2026, 1, 2)}, "v2"))
    assert body == {"at": "Fri, 02 Jan 2026 02:04:05 +0000", "day": "2026-01-02"}
    body = json.loads(encode_json({"at": moment}, "v3"))
    assert body == {"at": "2026-01-02T02:04:05+00:00"}
    big = Decimal("12345678901234.5678")
    assert money_to_wire(big, "v3") == big
    assert b"12345678901234.5678" in encode_json({"price": money_to_wire(big, "v3")}, "v3")
    with pytest.raises(WireValueError, match="naive"):
        encode_json({"at": datetime(2026, 1, 2)}, "v3")


def test_query_values_use_the_same_forms() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert format_query_value(moment, "v2") == "Fri, 02 Jan 2026 03:04:05 +0000"
    assert format_query_value(moment, "v3") == "2026-01-02T03:04:05+00:00"
    assert format_query_value(Decimal("1E+2"), "v3") == "100"  # plain digits, as in bodies
    with pytest.raises(ValueFormatError):
        format_query_value(Decimal("NaN"), "v3")


def test_naive_datetimes_are_refused_by_every_formatter() -> None:
    naive = datetime(2026, 1, 1)
    for format_ in (format_rfc2822, format_iso8601, format_unix, datetime_text, utc_text):
        with pytest.raises(ValueFormatError, match="naive"):
            format_(naive)


wire_like_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\s*[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{2}.{0,12}"),
    st.from_regex(r"([A-Za-z]{3}, )?[0-9]{1,2} [A-Za-z]{3} [0-9]{2,5} [0-9:]{4,9} .{0,6}"),
    st.from_regex(r"\s*[+-]?[0-9_.,eE]{0,12}\s*"),
)


@settings(max_examples=300, deadline=None)
@given(wire_like_text)
def test_the_models_and_the_mapping_read_text_exactly_as_the_codec(text: str) -> None:
    date_rule = outcome(codec_datetime, text)
    assert outcome(parse_datetime, text) == date_rule
    if text.strip():  # blank is null in a mapping, by the transform's own rule
        assert outcome(lambda value: run("date", value), text) == date_rule
        money_rule = outcome(codec_money, text)
        assert outcome(parse_money, text) == money_rule
        assert outcome(lambda value: run("decimal", value), text) == money_rule


# -- junk ---------------------------------------------------------------------------------

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=30)
    | st.binary(max_size=8)
    | st.datetimes()
    | st.datetimes(timezones=odd_offsets)
    | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=5,
)


@settings(max_examples=400, deadline=None)
@given(junk)
def test_junk_raises_value_format_error_and_nothing_else(value: Any) -> None:
    calls: list[Any] = [codec_datetime, parse_iso8601, parse_rfc2822, parse_unix, codec_money]
    if isinstance(value, datetime):
        calls += [format_rfc2822, format_iso8601, format_unix, datetime_text]
    if isinstance(value, Decimal):
        calls += [decimal_text, lambda v: format_money(v, "v2"), lambda v: format_money(v, "v3")]
    for call in calls:
        with contextlib.suppress(ValueFormatError):
            call(value)


@given(st.from_regex(r"[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}"))
def test_out_of_range_fields_in_a_well_shaped_date_are_value_format_errors(text: str) -> None:
    try:
        parsed = parse_rfc2822(text)
    except ValueFormatError:
        return
    assert parsed.utcoffset() is not None


def test_year_edges_are_value_format_errors_not_overflows() -> None:
    edge = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    with pytest.raises(ValueFormatError):
        format_rfc2822(edge)
    with pytest.raises(ValueFormatError):
        codec_money("1e999999999999999999999")
    with pytest.raises(ValueFormatError, match="out of range"):
        parse_unix(MAX_UNIX + 1)


# -- the cattrs hooks ---------------------------------------------------------------------


@attrs.frozen
class _Row:
    amount: Decimal
    at: datetime


@given(amounts, any_aware)
def test_registered_converters_round_trip_exactly(amount: Decimal, moment: datetime) -> None:
    converter = cattrs.Converter()
    register_value_hooks(converter)
    row = _Row(amount, moment)
    data = converter.unstructure(row)
    assert data == {"amount": str(amount), "at": moment.isoformat()}
    back = converter.structure(json.loads(json.dumps(data)), _Row)
    assert back == row
    assert str(back.amount) == str(amount)
    assert back.at.utcoffset() == moment.utcoffset()
