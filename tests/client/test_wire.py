"""Query parameter formats: v2 RFC 2822 dates, v3 ISO 8601, encoded exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.client import encode_query
from bigcommerce_connect.values import format_iso8601, format_query_value, format_rfc2822

AWARE = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.timezones(),
    allow_imaginary=False,
)


def test_v2_dates_are_rfc_2822_in_utc() -> None:
    moment = datetime(2026, 3, 5, 21, 40, 11, tzinfo=timezone(timedelta(hours=-5)))
    assert format_rfc2822(moment) == "Fri, 06 Mar 2026 02:40:11 +0000"
    assert format_iso8601(moment) == "2026-03-06T02:40:11+00:00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_query_value(datetime(2026, 1, 1), "v2")
    with pytest.raises(ValueError, match="naive"):
        encode_query({"date_modified:min": datetime(2026, 1, 1)}, "v3")


def test_date_is_percent_encoded_exactly_once() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    query = encode_query({"min_date_modified": moment}, "v2")
    assert "%2B0000" in query
    assert "%25" not in query  # never double-encoded
    assert parse_qs(query)["min_date_modified"] == ["Fri, 02 Jan 2026 03:04:05 +0000"]


def test_values_of_every_kind() -> None:
    assert format_query_value(True, "v3") == "true"
    assert format_query_value(OrderStatus.SHIPPED, "v2") == "2"
    assert format_query_value([1, 2, 3], "v3") == "1,2,3"
    assert format_query_value(None, "v3") is None
    assert encode_query({"a": None, "b": 1}, "v3") == "b=1"
    with pytest.raises(TypeError):
        format_query_value(object(), "v3")


@given(AWARE)
def test_rfc_2822_round_trips_at_second_resolution(moment: datetime) -> None:
    parsed = parsedate_to_datetime(format_rfc2822(moment))
    # Compare instants: PEP 495 makes == across zones False for ambiguous local times.
    assert parsed.timestamp() == moment.replace(microsecond=0).timestamp()


@given(AWARE)
def test_query_decoding_gives_back_the_same_instant(moment: datetime) -> None:
    decoded = parse_qs(encode_query({"d": moment}, "v3"))["d"][0]
    assert datetime.fromisoformat(decoded).timestamp() == moment.replace(microsecond=0).timestamp()
