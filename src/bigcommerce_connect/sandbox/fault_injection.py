"""Fault injection: how the fault a request drew changes what the client gets.

:meth:`.Knobs.pick_fault` decides *whether* a request fails and how; :mod:`.faults` holds the
pure rewrites of an answer. This module applies them around the store's work: some kinds
replace the answer before the store acts (:meth:`FaultInjector.before`), the others rewrite,
cut or trickle the real answer after it (:meth:`FaultInjector.after`). Only the list cache
sees answers without a fault (the paging kinds replay the previous page of a list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bigcommerce_connect.sandbox import faults
from bigcommerce_connect.sandbox.error_bodies import error_v2, error_v3
from bigcommerce_connect.sandbox.http_handler import REASONS, RequestHandler
from bigcommerce_connect.sandbox.knobs import Knobs

#: The HTML error pages a proxy in front of the store sends for 502 and 504.
HTML_5XX = {
    502: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>\n",
    504: b"<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway "
    b"Time-out</h1></center><hr><center>nginx</center></body></html>\n",
}


class FaultInjector:
    """Applies drawn faults to answers; remembers list answers for the paging kinds."""

    def __init__(self, knobs: Knobs) -> None:
        self._knobs = knobs
        self._lists = faults.ListCache()

    def before(
        self, h: RequestHandler, api: str, fault: str, headers: dict[str, str]
    ) -> int | None:
        """Inject faults that replace the response (the status sent, 0 for none); ``None``
        for the kinds applied after the store acted."""
        if fault == "reset":
            h.reset_connection()
            return 0
        if fault == "timeout":
            # Stall without answering; interruptible so shutdown is never held up.
            h.server.stopping.wait(self._knobs.timeout_seconds)
            h.close_connection = True
            return 0
        if fault in ("500", "502", "503", "504"):
            status = int(fault)
            html = HTML_5XX.get(status)
            if html is not None:
                h.send_raw(status, html, {**headers, "Content-Type": "text/html"})
            else:
                h.send_json(status, error_v3(status, REASONS[status]), headers)
            return status
        if fault in ("status_509", "retry_after_only", "reset_zero"):
            return self._rate_fault(h, api, fault, headers)
        if fault == "control_chars":
            h.send_raw(500, faults.CONTROL_BODY, {"Content-Type": "text/plain"})
            return 500
        if fault == "huge_body":
            size = self._knobs.huge_body_bytes
            json_headers = {**headers, "Content-Type": "application/json"}
            h.send_stream(200, json_headers, size, faults.huge_chunks(size))
            return 200
        if fault == "gzip_bomb":
            length, chunks = faults.gzip_bomb_plan()
            bomb_headers = {**headers, "Content-Type": "application/json"}
            h.send_stream(200, {**bomb_headers, "Content-Encoding": "gzip"}, length, chunks)
            return 200
        return None

    def _rate_fault(self, h: RequestHandler, api: str, fault: str, quota: dict[str, str]) -> int:
        """``status_509``, ``retry_after_only`` and ``reset_zero``: hostile rate limits."""
        retry_after = _header_safe(self._knobs.retry_after)
        status = 509 if fault == "status_509" else 429
        title = REASONS[status]
        body: Any = error_v2(status, title) if api == "v2" else error_v3(status, title, {})
        if fault == "status_509":
            headers = {"X-Retry-After": retry_after}  # the older API's limit: no quota headers
        elif fault == "retry_after_only":
            headers = {"Retry-After": retry_after}
        else:
            headers = {
                "X-Rate-Limit-Time-Window-Ms": quota.get("X-Rate-Limit-Time-Window-Ms", "30000"),
                "X-Rate-Limit-Requests-Quota": quota.get("X-Rate-Limit-Requests-Quota", "150"),
                "X-Rate-Limit-Requests-Left": "0",
                "X-Rate-Limit-Time-Reset-Ms": "0",
            }
        return h.send_json(status, body, headers)

    def list_answer(
        self, api: str, rel: str, query: str, payload: bytes, fault: str | None
    ) -> bytes:
        """Remember a list answer per path and filters; apply a paging fault to it."""
        key = faults.list_key("/" + api + rel, query)
        if fault in faults.PAGING_KINDS:
            if fault == "short_page":
                limit = faults.v2_page_limit(query, self._knobs.max_page_size)
                payload = faults.short_page(payload, limit if api == "v2" else None)
            else:
                previous = self._lists.get(key)
                if previous is not None:
                    payload = previous
                    if fault == "shuffled_repeat":
                        payload = faults.shuffled(previous, self._knobs.random())
        self._lists.put(key, payload)
        return payload

    def after(
        self,
        h: RequestHandler,
        fault: str,
        method: str,
        path: str,
        status: int,
        payload: bytes,
        headers: dict[str, str],
        ship_listed: Callable[[bytes], None],
    ) -> int:
        """Faults applied after the store acted: rewrite, cut, trickle or empty the answer.

        ``concurrent_change`` calls ``ship_listed`` with the order list answer: another app
        ships some of the listed orders before the client acts on them.
        """
        ok = 200 <= status < 300 and bool(payload)
        if fault in ("malformed_json", "truncated_json"):
            payload = _corrupt(payload, fault)
        elif fault == "bad_text" and ok:
            payload = faults.bad_text(payload)
        elif fault == "deep_json" and ok:
            payload = faults.deep_json(payload, self._knobs.deep_json_depth)
        elif fault == "concurrent_change" and method == "GET" and path == "v2/orders" and ok:
            ship_listed(payload)
        elif fault == "empty_200":
            headers.pop("Content-Type", None)
            status, payload = 200, b""
        elif fault in ("cut_after_headers", "truncated_body"):
            kept = payload[: len(payload) // 2] if fault == "truncated_body" else b""
            h.send_head_only(status, headers, len(payload), kept)
            return status
        elif fault == "slow_body":
            trickle = (payload[i : i + 1] for i in range(len(payload)))
            h.send_stream(status, headers, len(payload), trickle, self._knobs.trickle_seconds)
            return status
        h.send_raw(status, payload, headers)
        return status


def _header_safe(value: str) -> str:
    """A knob value made safe for a header line (no CR/LF or other controls)."""
    return "".join(c for c in str(value) if c.isprintable())[:200]


def _corrupt(payload: bytes, kind: str) -> bytes:
    if kind == "truncated_json":
        return payload[: max(1, len(payload) // 2)]
    return b'{"data": [' + payload[:20] + b"<<not json>>"
