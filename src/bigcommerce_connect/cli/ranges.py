"""Argparse types for numbers in a range: a value outside it is a usage error (exit 2).

One helper per kind of range, each with a message that says what is allowed and what was
given: ``--fault-rate 2`` reads "argument --fault-rate: must be a number from 0 to 1, got 2".
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

__all__ = ["count", "fraction", "int_between", "non_negative", "port", "positive_seconds"]


def int_between(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``, both included (``--concurrency``: 1 to 32)."""

    def parse(text: str) -> int:
        value = _int(text, f"a whole number from {low} to {high}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high}, got {value}"
            )
        return value

    return parse


def count(text: str) -> int:
    """A whole number of 0 or more (``--orders``, ``--customers``)."""
    value = _int(text, "a whole number of 0 or more")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of 0 or more, got {value}")
    return value


def port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: the system picks a free one)."""
    return int_between(0, 65535)(text)


def fraction(text: str) -> float:
    """A share from 0 to 1, both included (``--fault-rate``)."""
    value = _float(text, "a number from 0 to 1")
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, got {text.strip()}")
    return value


def non_negative(text: str) -> float:
    """A number of 0 or more (``--latency-ms``)."""
    value = _float(text, "a number of 0 or more")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of 0 or more, got {text.strip()}")
    return value


def positive_seconds(text: str) -> float:
    """A number of seconds greater than 0 (``--watch``)."""
    value = _float(text, "a number of seconds greater than 0")
    if value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds greater than 0, got {text.strip()}"
        )
    return value


def _int(text: str, wanted: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}") from None


def _float(text: str, wanted: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}") from None
    # "nan" and "inf" parse as floats but are no setting anyone means.
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
    return value
