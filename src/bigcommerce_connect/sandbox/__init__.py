"""A faithful local BigCommerce over real HTTP, with quotas and faults, for tests and demos.

Use :func:`run_sandbox` in-process, or ``bigcommerce-connect sandbox`` from the shell. The
sandbox is self-contained: it never imports the SDK's client modules.
"""

from __future__ import annotations

from bigcommerce_connect.sandbox.knobs import FAULT_KINDS, DriftConfig, Knobs, Quota
from bigcommerce_connect.sandbox.server import (
    RequestLog,
    RequestRecord,
    Sandbox,
    SandboxConfig,
    run_sandbox,
)
from bigcommerce_connect.sandbox.store import DeliveryRecord, SandboxStore

__all__ = [
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
