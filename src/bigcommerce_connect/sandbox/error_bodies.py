"""Error bodies of the two API generations: v2 ``[{status, message}]``, v3 problem objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STATUS_DOC_URL = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def error_v2(status: int, message: str) -> list[dict[str, Any]]:
    """The v2 error body: a JSON array of ``{status, message}``."""
    return [{"status": status, "message": message}]


def error_v3(
    status: int,
    title: str,
    errors: Mapping[str, str] | None = None,
    *,
    instance: str | None = None,
) -> dict[str, Any]:
    """The v3 error body: ``{status, title, type, errors}`` (``errors`` a string map)."""
    body: dict[str, Any] = {"status": status, "title": title, "type": STATUS_DOC_URL}
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = dict(errors)
    return body
