"""``bigcommerce-connect sandbox``: run the sandbox until SIGINT/SIGTERM.

Prints exactly one JSON line on stdout when ready (the fixed contract tools script against).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from bigcommerce_connect.sandbox.knobs import Quota
from bigcommerce_connect.sandbox.server import SandboxConfig, run_sandbox
from bigcommerce_connect.sandbox.tls import TLSUnavailableError


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """Build a :class:`SandboxConfig` from the parsed CLI flags."""
    return SandboxConfig(
        seed=args.seed,
        orders=args.orders,
        customers=args.customers,
        products=args.products,
        tls=args.tls,
        quota=Quota.parse(args.quota) if args.quota else None,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        fault_kinds=getattr(args, "fault_kinds", None),
        scopes=getattr(args, "scopes", None),
        host=args.host,
        port=args.port,
    )


def run_sandbox_command(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; return the exit code (0 on a clean stop)."""
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"bigcommerce-connect sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with run_sandbox(config) as sb:
            ready = {
                "api_path": sb.api_path,
                "store_hash": sb.store_hash,
                "client_id": sb.client_id,
                "access_token": sb.access_token,
                "ca_file": sb.ca_file,
            }
            # The contract: exactly one JSON line, the only place the token is ever printed.
            sys.stdout.write(json.dumps(ready) + "\n")
            sys.stdout.flush()
            while not stop.wait(0.5):
                pass
    except TLSUnavailableError as exc:
        print(f"bigcommerce-connect sandbox: {exc}", file=sys.stderr)
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
