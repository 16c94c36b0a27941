"""The control endpoint: change knobs of a running sandbox over HTTP (used by CLI users).

``GET /_sandbox/knobs`` shows the knobs; ``PUT /_sandbox/knobs`` changes the fields given::

    {"quota": "150/30" | null, "latency_ms": 20, "fault_rate": 0.1,
     "fault_kinds": ["500", "reset"], "rate_limit_headers": false, "timeout_seconds": 5,
     "drift": {"every_n_list_requests": 1, "modify": 2, "create": 1} | null,
     "fail_next": {"kind": "503", "n": 2, "path_prefix": "/v2/orders"},
     "max_page_size": 50 | null, "retry_after": "inf", "trickle_seconds": 0.5,
     "huge_body_bytes": 1048576 | null, "deep_json_depth": 10000,
     "scopes": ["store_v2_orders", "store_v2_products_read_only"] | "all" | null}

``fault_kinds`` takes a list of kinds, a comma-separated string, or ``"all"``.

``GET /_sandbox/requests`` returns the request log as ``[[method, path, status], ...]``.
The endpoint takes the same ``X-Auth-Token`` as the API, and is never rate limited or faulted.
"""

from __future__ import annotations

import json
from typing import Any

from bigcommerce_connect.sandbox.error_bodies import error_v3
from bigcommerce_connect.sandbox.knobs import DriftConfig, Knobs, Quota, parse_fault_kinds
from bigcommerce_connect.sandbox.request_log import RequestLog
from bigcommerce_connect.sandbox.scopes import parse_scopes

ADMIN_PREFIX = "/_sandbox/"
KNOB_FIELDS = frozenset(
    {
        "quota",
        "latency_ms",
        "fault_rate",
        "fault_kinds",
        "rate_limit_headers",
        "timeout_seconds",
        "drift",
        "fail_next",
        "max_page_size",
        "retry_after",
        "trickle_seconds",
        "huge_body_bytes",
        "deep_json_depth",
        "scopes",
    }
)
#: Upper bounds that keep a control request from wedging the sandbox itself.
MAX_TRICKLE_SECONDS = 60.0
MAX_DEEP_JSON_DEPTH = 1_000_000


class AdminError(ValueError):
    """A bad control request (answered with 400)."""


def answer(
    knobs: Knobs, requests: RequestLog, method: str, name: str, body: bytes
) -> tuple[int, Any]:
    """Serve ``/_sandbox/{name}`` (the caller checked the token): the status and JSON body."""
    if name == "requests" and method == "GET":
        return 200, [[r.method, r.path, r.status] for r in requests.records()]
    if name != "knobs" or method not in ("GET", "PUT"):
        return 404, error_v3(404, "Not found")
    if method == "PUT":
        try:
            apply(knobs, json.loads(body or b"null"))
        except (ValueError, AdminError) as exc:
            return 400, error_v3(400, str(exc))
    return 200, describe(knobs)


def describe(knobs: Knobs) -> dict[str, Any]:
    """The knobs as JSON."""
    quota = knobs.quota
    drift = knobs.drift
    return {
        "quota": f"{quota.requests}/{quota.window_seconds:g}" if quota else None,
        "latency_ms": knobs.latency_ms,
        "fault_rate": knobs.fault_rate,
        "fault_kinds": list(knobs.fault_kinds),
        "rate_limit_headers": knobs.rate_limit_headers,
        "timeout_seconds": knobs.timeout_seconds,
        "drift": None
        if drift is None
        else {
            "every_n_list_requests": drift.every_n_list_requests,
            "modify": drift.modify,
            "create": drift.create,
        },
        "max_page_size": knobs.max_page_size,
        "retry_after": knobs.retry_after,
        "trickle_seconds": knobs.trickle_seconds,
        "huge_body_bytes": knobs.huge_body_bytes,
        "deep_json_depth": knobs.deep_json_depth,
        "scopes": None if knobs.scopes is None else sorted(knobs.scopes),
    }


def apply(knobs: Knobs, body: Any) -> None:
    """Apply a ``PUT /_sandbox/knobs`` body; raise :class:`AdminError` when it is invalid."""
    if not isinstance(body, dict):
        raise AdminError("body must be a JSON object")
    unknown = set(body) - KNOB_FIELDS
    if unknown:
        raise AdminError(f"unknown knobs: {sorted(unknown)}")
    try:
        _apply_checked(knobs, body)
    except (TypeError, ValueError, KeyError) as exc:
        raise AdminError(str(exc)) from exc


def _apply_checked(knobs: Knobs, body: dict[str, Any]) -> None:
    if "quota" in body:
        knobs.quota = Quota.parse(body["quota"]) if body["quota"] else None
    if "latency_ms" in body:
        knobs.latency_ms = max(0.0, float(body["latency_ms"]))
    if "fault_rate" in body:
        rate = float(body["fault_rate"])
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        knobs.fault_rate = rate
    if "fault_kinds" in body:
        knobs.fault_kinds = parse_fault_kinds(body["fault_kinds"])
    if "rate_limit_headers" in body:
        knobs.rate_limit_headers = bool(body["rate_limit_headers"])
    if "timeout_seconds" in body:
        knobs.timeout_seconds = min(300.0, max(0.0, float(body["timeout_seconds"])))
    _apply_fault_shapes(knobs, body)
    if "drift" in body:
        drift = body["drift"]
        knobs.drift = None if drift is None else DriftConfig(**drift)
    if "scopes" in body:
        knobs.scopes = parse_scopes(body["scopes"])
    if "fail_next" in body:
        spec = body["fail_next"]
        knobs.fail_next(str(spec["kind"]), int(spec.get("n", 1)), spec.get("path_prefix"))


def _apply_fault_shapes(knobs: Knobs, body: dict[str, Any]) -> None:
    """The knobs that shape the newer fault kinds (paging cap, hostile headers, sizes)."""
    if "max_page_size" in body:
        cap = body["max_page_size"]
        knobs.max_page_size = None if cap is None else _positive_int("max_page_size", cap)
    if "retry_after" in body:
        knobs.retry_after = str(body["retry_after"])
    if "trickle_seconds" in body:
        knobs.trickle_seconds = min(MAX_TRICKLE_SECONDS, max(0.0, float(body["trickle_seconds"])))
    if "huge_body_bytes" in body:
        size = body["huge_body_bytes"]
        knobs.huge_body_bytes = None if size is None else _positive_int("huge_body_bytes", size)
    if "deep_json_depth" in body:
        depth = _positive_int("deep_json_depth", body["deep_json_depth"])
        knobs.deep_json_depth = min(depth, MAX_DEEP_JSON_DEPTH)


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer")
    return value
