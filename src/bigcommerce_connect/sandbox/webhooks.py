"""Webhook delivery: store events are POSTed to matching active hooks by a worker thread.

The payload has the real shape: ``{scope, store_id, producer, data, hash, created_at}`` with
``hash`` the SHA-1 hex digest of the ``data`` JSON. Delivery runs off the request thread so a
slow receiver never blocks the API. Unlike the real platform there are no retries; every
attempt is recorded in ``store.delivered_webhooks``.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
from typing import Any

import urllib3

from bigcommerce_connect.sandbox.store import DeliveryRecord, SandboxStore


def scope_matches(pattern: str, scope: str) -> bool:
    """Whether a hook scope (possibly ending in ``/*``) covers an event scope."""
    if pattern.endswith("/*"):
        return scope.startswith(pattern[:-1])
    return pattern == scope


def build_payload(store: SandboxStore, scope: str, data: dict[str, Any]) -> dict[str, Any]:
    """The callback body BigCommerce sends for an event."""
    data_json = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return {
        "scope": scope,
        "store_id": store.store_id,
        "producer": f"stores/{store.store_hash}",
        "data": data,
        "hash": hashlib.sha1(data_json.encode(), usedforsecurity=False).hexdigest(),
        "created_at": int(store.now().timestamp()),
    }


class WebhookDispatcher:
    """Queues store events and delivers them from one background thread."""

    def __init__(self, store: SandboxStore, timeout: float = 5.0) -> None:
        self._store = store
        self._queue: queue.Queue[tuple[dict[str, Any], dict[str, Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False
        )

    def start(self) -> None:
        """Start the delivery thread."""
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks")
        self._thread.start()

    def stop(self) -> None:
        """Stop after the events already queued, then join the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._http.clear()

    def enqueue(self, scope: str, data: dict[str, Any]) -> None:
        """Store event sink: queue the event for the matching hooks (never blocks)."""
        with self._store.lock:
            hooks = [
                dict(h)
                for h in self._store.webhooks.values()
                if h["is_active"] and scope_matches(h["scope"], scope)
            ]
        if hooks:
            payload = build_payload(self._store, scope, data)
            for hook in hooks:
                self._queue.put((hook, payload))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:  # the stop marker
                return
            self._deliver(*item)

    def _deliver(self, hook: dict[str, Any], payload: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json", **(hook.get("headers") or {})}
        status: int | None = None
        error: str | None = None
        try:
            resp = self._http.request(
                "POST", hook["destination"], body=json.dumps(payload).encode(), headers=headers
            )
            status = resp.status
        except urllib3.exceptions.HTTPError as exc:
            error = type(exc).__name__
        self._store.record_delivery(
            DeliveryRecord(
                hook_id=hook["id"],
                scope=payload["scope"],
                destination=hook["destination"],
                payload=payload,
                status=status,
                error=error,
            )
        )
