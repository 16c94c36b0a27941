"""The control endpoint: change knobs of a running sandbox over HTTP (used by CLI users).

``GET /_sandbox/knobs`` shows the knobs; ``PUT /_sandbox/knobs`` changes the fields given::

    {"quota": "150/30" | null, "latency_ms": 20, "fault_rate": 0.1,
     "fault_kinds": ["500", "reset"], "rate_limit_headers": false, "timeout_seconds": 5,
     "drift": {"every_n_list_requests": 1, "modify": 2, "create": 1} | null,
     "fail_next": {"kind": "503", "n": 2, "path_prefix": "/v2/orders"}}

``GET /_sandbox/requests`` returns the request log as ``[[method, path, status], ...]``.
The endpoint takes the same ``X-Auth-Token`` as the API, and is never rate limited or faulted.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.knobs import FAULT_KINDS, DriftConfig, Knobs, Quota

ADMIN_PREFIX = "/_sandbox/"
KNOB_FIELDS = frozenset(
    {"quota", "latency_ms", "fault_rate", "fault_kinds", "rate_limit_headers", "timeout_seconds",
     "drift", "fail_next"}
)  # fmt: skip


class AdminError(ValueError):
    """A bad control request (answered with 400)."""


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
        kinds = tuple(str(k) for k in body["fault_kinds"])
        if not kinds or any(k not in FAULT_KINDS for k in kinds):
            raise ValueError(f"fault_kinds must be a non-empty subset of {FAULT_KINDS}")
        knobs.fault_kinds = kinds
    if "rate_limit_headers" in body:
        knobs.rate_limit_headers = bool(body["rate_limit_headers"])
    if "timeout_seconds" in body:
        knobs.timeout_seconds = min(300.0, max(0.0, float(body["timeout_seconds"])))
    if "drift" in body:
        drift = body["drift"]
        knobs.drift = None if drift is None else DriftConfig(**drift)
    if "fail_next" in body:
        spec = body["fail_next"]
        knobs.fail_next(str(spec["kind"]), int(spec.get("n", 1)), spec.get("path_prefix"))
