from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from bigcommerce_connect.mapping.paths import MISSING
from bigcommerce_connect.mapping.transforms import (
    TRANSFORMS,
    TransformFailure,
    as_text,
    is_blank,
    truncate_text,
)


def run(name: str, value: Any, *args: Any) -> Any:
    return TRANSFORMS[name].build(args)(value)


def test_registry_has_the_documented_transforms() -> None:
    assert set(TRANSFORMS) == {
        *("strip", "upper", "lower", "truncate", "decimal"),
        *("date", "lookup", "default", "text", "int"),
    }


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("strip", "  a b  ", "a b"),
        ("upper", "straße", "STRASSE"),
        ("lower", "ÄBC", "äbc"),
        ("strip", 5, "5"),
        ("text", 0, "0"),
        ("text", False, "false"),
        ("text", Decimal("1.50"), "1.50"),
    ],
)
def test_text_transforms(name: str, value: Any, expected: str) -> None:
    assert run(name, value) == expected


@pytest.mark.parametrize("name", ["strip", "upper", "lower", "text", "decimal", "date", "int"])
def test_null_passes_through(name: str) -> None:
    assert run(name, None) is None


def test_text_transform_rejects_objects() -> None:
    with pytest.raises(TransformFailure, match="dict"):
        run("upper", {"a": 1})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("62.6793", Decimal("62.6793")),
        (" 12.50 ", Decimal("12.50")),
        (7, Decimal(7)),
        (Decimal("0.0000"), Decimal("0.0000")),
        (0.1, Decimal("0.1")),  # through str, not the binary expansion
        ("", None),
    ],
)
def test_decimal_is_exact(value: Any, expected: Decimal | None) -> None:
    result = run("decimal", value)
    assert result == expected
    assert result is None or str(result) == str(expected)


@pytest.mark.parametrize(
    "bad", ["12,50", "1_000", "abc", "NaN", "Infinity", True, [1], float("inf")]
)
def test_decimal_rejects_non_numbers(bad: Any) -> None:
    with pytest.raises(TransformFailure):
        run("decimal", bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 05 Mar 2019 21:40:11 +0000", datetime(2019, 3, 5, 21, 40, 11, tzinfo=timezone.utc)),
        (
            "5 Mar 2019 21:40 -0500",
            datetime(2019, 3, 5, 21, 40, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("Tue, 05 Mar 2019 21:40:11 GMT", datetime(2019, 3, 5, 21, 40, 11, tzinfo=timezone.utc)),
        ("2019-09-04T13:45:03Z", datetime(2019, 9, 4, 13, 45, 3, tzinfo=timezone.utc)),
        (
            "2019-09-04T13:45:03+02:00",
            datetime(2019, 9, 4, 13, 45, 3, tzinfo=timezone(timedelta(hours=2))),
        ),
        # The codec's one rule (as the models read them): RFC 2822 "-0000" is UTC with the
        # sender's zone unknown, and an int is Unix seconds (webhooks send them).
        ("Tue, 05 Mar 2019 21:40:11 -0000", datetime(2019, 3, 5, 21, 40, 11, tzinfo=timezone.utc)),
        (1561479335, datetime(2019, 6, 25, 16, 15, 35, tzinfo=timezone.utc)),
        ("", None),
    ],
)
def test_date_parses_rfc2822_and_iso8601(value: str | int, expected: datetime | None) -> None:
    result = run("date", value)
    assert result == expected
    assert result is None or result.utcoffset() is not None


@pytest.mark.parametrize(
    "bad",
    [
        "2019-09-04T13:45:03",  # naive
        "2019-09-04",
        "Tue, 05 Mar 2019 21:40:11",  # no zone at all
        datetime(2019, 1, 1),
        "Tue, 35 Mar 2019 21:40:11 +0000",
        "not a date",
        -1,  # before the Unix epoch
        1.5,
        True,
    ],
)
def test_date_rejects_naive_and_garbage(bad: Any) -> None:
    with pytest.raises(TransformFailure):
        run("date", bad)


def test_lookup() -> None:
    table = {"1": "Pending", "true": "yes"}
    assert run("lookup", 1, table) == "Pending"
    assert run("lookup", True, table) == "yes"
    assert run("lookup", 9, table) == 9  # unknown key, no default: unchanged
    assert run("lookup", 9, table, "Other") == "Other"
    assert run("lookup", 0, {"0": True}, False) is True


def test_default_if_blank_keeps_falsy_values() -> None:
    assert run("default", None, "x") == "x"
    assert run("default", MISSING, "x") == "x"
    assert run("default", "  ", "x") == "x"
    assert run("default", 0, "x") == 0
    assert run("default", False, "x") is False


def test_int() -> None:
    assert run("int", "42") == 42
    assert run("int", Decimal("5.000")) == 5
    assert run("int", 0) == 0
    with pytest.raises(TransformFailure):
        run("int", "5.5")
    with pytest.raises(TransformFailure):
        run("int", False)


def test_blank_and_text_helpers() -> None:
    assert is_blank(MISSING)
    assert is_blank(None)
    assert is_blank(" \t")
    assert not is_blank(0)
    assert not is_blank(False)
    assert not is_blank("0")
    assert as_text(datetime(2020, 1, 2, tzinfo=timezone.utc)) == "2020-01-02T00:00:00+00:00"


def test_truncate_plain_and_short() -> None:
    assert run("truncate", "abcdef", 3) == "abc"
    assert run("truncate", "ab", 3) == "ab"
    assert run("truncate", "ab", 0) == ""


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Jose\u0301", 4, "Jose"[:3]),  # e + combining acute stays whole: drop both
        ("Zoë", 3, "Zoë"),
        ("ab\U0001f44d\U0001f3fd", 3, "ab"),  # thumbs up + skin tone
        ("a\U0001f468\u200d\U0001f469\u200d\U0001f467", 3, "a"),  # family ZWJ sequence
        ("x\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7", 4, "x\U0001f1e9\U0001f1ea"),  # flags DE FR
        ("a\r\nb", 2, "a"),
        ("a\ud83d\udc4d", 2, "a"),  # a surrogate pair from a JSON escape
    ],
)
def test_truncate_never_splits_a_character(text: str, limit: int, expected: str) -> None:
    result = truncate_text(text, limit)
    assert result == expected
    assert len(result) <= limit
    rest = text[len(result) :]
    assert not rest or not unicodedata.combining(rest[0])


def test_truncate_argument_is_validated() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        TRANSFORMS["truncate"].build(("5",))
    with pytest.raises(ValueError, match="non-negative"):
        TRANSFORMS["truncate"].build((-1,))
