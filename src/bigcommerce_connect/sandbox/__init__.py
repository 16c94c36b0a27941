"""A faithful local BigCommerce over real HTTP, with quotas and faults, for tests and demos.

Use :func:`run_sandbox` in-process, or ``bigcommerce-connect sandbox`` from the shell. The
sandbox is self-contained: it never imports the SDK's client modules.

In-process::

    from bigcommerce_connect.sandbox import DriftConfig, SandboxConfig, run_sandbox

    with run_sandbox(SandboxConfig(seed=1, orders=200, quota=(150, 30))) as sb:
        sb.api_path            # "http://127.0.0.1:PORT/stores/HASH/v3/" (v2: replace v3)
        sb.access_token        # send as X-Auth-Token; sb.legacy_api_path takes Basic auth
        sb.store.orders[1]     # state, in wire-ish form (UTC datetimes, Decimal money)
        sb.knobs.fail_next("503", n=2, path_prefix="/v2/orders")   # exact faults
        sb.knobs.fault_rate = 0.1                                   # seeded random faults
        sb.knobs.rate_limit_headers = False   # 429s without X-Rate-Limit-* headers
        sb.knobs.latency_ms = 20
        # Drift: after every order-list request, bump 2 orders' date_modified to the store
        # clock's now and create 1 new order, so the next page request sees moved rows.
        sb.knobs.drift = DriftConfig(every_n_list_requests=1, modify=2, create=1)
        sb.requests.count(method="GET", path_prefix="/v2/orders")
        sb.store.wait_for_deliveries(1)      # webhook deliveries, without sleeping
        # Hostile-store kinds (FAULT_KINDS; ALL_FAULT_KINDS for random mixes of every kind):
        sb.knobs.fail_next("empty_200", path_prefix="/v2/orders")  # store acts, 0-byte 200
        sb.knobs.fault_kinds = ("short_page", "repeat_page", "gzip_bomb")
        sb.knobs.max_page_size = 50      # at most 50 items a page whatever ``limit`` says
        sb.knobs.retry_after = "inf"     # Retry-After of status_509 / retry_after_only
        sb.knobs.trickle_seconds = 0.01  # slow_body pace
        sb.knobs.huge_body_bytes = None  # huge_body: endless, close-delimited

Deviations from the real platform, on purpose: webhook destinations may be plain ``http``
(the real API wants https on 443), deliveries are not retried, rate-limit headers are only
sent when a quota is set, v2 ``limit`` above 250 is capped, and a v2 date filter whose ``+``
arrived as a space is a 400 (never silently ignored).
"""

from __future__ import annotations

from bigcommerce_connect.sandbox.knobs import (
    ALL_FAULT_KINDS,
    FAULT_KINDS,
    DriftConfig,
    Knobs,
    Quota,
)
from bigcommerce_connect.sandbox.request_log import RequestLog, RequestRecord
from bigcommerce_connect.sandbox.server import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sandbox.store import DeliveryRecord, SandboxStore

__all__ = [
    "ALL_FAULT_KINDS",
    "FAULT_KINDS",
    "DeliveryRecord",
    "DriftConfig",
    "Knobs",
    "Quota",
    "RequestLog",
    "RequestRecord",
    "Sandbox",
    "SandboxConfig",
    "SandboxStore",
    "run_sandbox",
]
