"""Reading the store's answers: decoding, the strictness checks, and what was repaired.

A success must hold what the request expects (:data:`~bigcommerce_connect.requester.Expect`);
one that does not (empty, cut, not JSON, the wrong shape) is *garbled*.
:class:`AnswerReader` decodes each answer once and says whether it is garbled (the send
loop retries a garbled read), or gives the typed error (a garbled answer, an error status).
:func:`check_batch_answer` tells a batch's partial failure from a refused request.
:class:`RepairLog` keeps what the decoder repaired (lone surrogates, too-deep nesting) until
the host takes it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any, Final

from bigcommerce_connect.errors import (
    ApiError,
    UnexpectedResponseError,
    error_for_response,
    request_id_of,
)
from bigcommerce_connect.ratelimit import requested_delay
from bigcommerce_connect.repairs import WireRepair, decode_json
from bigcommerce_connect.requester import ApiResponse, Expect
from bigcommerce_connect.transport import HttpResponse

__all__ = ["MAX_WIRE_REPAIRS", "AnswerReader", "RepairLog", "check_batch_answer"]

# The client's logger: hosts configure one name for everything the client logs.
log = logging.getLogger("bigcommerce_connect.client")

#: How many wire repairs a client keeps until :meth:`RepairLog.take`.
MAX_WIRE_REPAIRS: Final = 1000


class AnswerReader:
    """Decodes one request's successes, each body once, and says when one is garbled."""

    def __init__(self, method: str, label: str, expect: Expect) -> None:
        self.method = method
        self.label = label
        self.expect = expect
        self._response: HttpResponse | None = None
        self._outcome: tuple[Any, list[WireRepair]] | str = ""

    def garbled(self, response: HttpResponse) -> str | None:
        """Why ``response`` cannot be used (empty, cut, the wrong shape), or None."""
        outcome = self._decode(response)
        return outcome if isinstance(outcome, str) else None

    def answer(
        self, response: HttpResponse, ok_statuses: frozenset[int]
    ) -> tuple[ApiResponse, list[WireRepair]]:
        """The decoded success and what was repaired in it, or the status's typed error.

        A 2xx or one of ``ok_statuses`` is decoded (:meth:`read`); any other status raises
        the error :func:`~bigcommerce_connect.errors.error_for_response` gives it.
        """
        if 200 <= response.status < 300 or response.status in ok_statuses:
            data, repairs = self.read(response)
            answer = ApiResponse(
                status=response.status,
                headers=response.headers,
                data=data,
                request_id=request_id_of(response.headers),
            )
            return answer, repairs
        raise error_for_response(
            method=self.method,
            path=self.label,
            status=response.status,
            headers=response.headers,
            body=response.body,
            retry_after=_asked_wait(response),
        )

    def read(self, response: HttpResponse) -> tuple[Any, list[WireRepair]]:
        """The decoded answer and what was repaired in it, or the typed error."""
        outcome = self._decode(response)
        if isinstance(outcome, str):
            raise _unexpected_answer(
                self.method, self.label, f"garbled answer: {outcome}", response
            )
        return outcome

    def _decode(self, response: HttpResponse) -> tuple[Any, list[WireRepair]] | str:
        if response is not self._response:
            self._response = response
            self._outcome = _decode_answer(response, self.method, self.label, self.expect)
        return self._outcome


def _decode_answer(
    response: HttpResponse, method: str, label: str, expect: Expect
) -> tuple[Any, list[WireRepair]] | str:
    """The decoded answer and its repairs, or why it is garbled."""
    if response.status == 204 or not response.body.strip():
        return _empty_answer(response.status, method, expect)
    try:
        data, repairs = decode_json(response.body, label, expect)
    except (ValueError, RecursionError, OverflowError, MemoryError):
        # ValueError covers cut or invalid JSON and text that is not UTF-8 at all.
        return "the body is not valid JSON"
    problem = _shape_problem(data, expect)
    return problem if problem else (data, repairs)


def _empty_answer(status: int, method: str, expect: Expect) -> tuple[Any, list[WireRepair]] | str:
    # An empty v2 list is a 204 (or []); an empty 200 to a read is a body lost on the way.
    if expect == "v2_list" and status == 204:
        return [], []
    if expect == "any" and (status == 204 or method != "GET"):
        return None, []
    return f"no body where {_EXPECTED[expect]} was expected (status {status})"


_EXPECTED: Final[dict[str, str]] = {
    "any": "JSON",
    "object": "a JSON object",
    "v2_list": "a JSON array",
    "v3_list": "an object with a data array",
}


def _shape_problem(data: Any, expect: Expect) -> str | None:
    if expect == "object" and not isinstance(data, dict):
        return "the answer is not a JSON object"
    if expect == "v2_list" and not isinstance(data, list):
        return "a v2 list is not a JSON array"
    if expect == "v3_list":
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            return "a v3 list has no data array"
        meta = data.get("meta")
        pagination = meta.get("pagination") if isinstance(meta, dict) else None
        if isinstance(pagination, dict) and "total_pages" in pagination:
            total = pagination["total_pages"]
            if not isinstance(total, int) or isinstance(total, bool) or total < 0:
                return "a v3 list's total_pages is not a count"
    return None


def _unexpected_answer(
    method: str, label: str, reason: str, response: HttpResponse | None = None
) -> ApiError:
    """The typed error for a success that cannot be used (``reason`` says why)."""
    return UnexpectedResponseError(
        method=method,
        path=label,
        status=response.status if response else 200,
        request_id=request_id_of(response.headers) if response else None,
        title=reason,
    )


#: The statuses of a rate limit (429, and 509 from the older API).
_RATE_LIMITED: Final = frozenset({429, 509})


def _asked_wait(response: HttpResponse) -> float | None:
    """The wait a rate-limited answer asked for (its headers, read as the governor reads them)."""
    return requested_delay(response.headers) if response.status in _RATE_LIMITED else None


def check_batch_answer(method: str, path: str, answer: ApiResponse) -> None:
    """Raise the typed error for a batch's 422 that holds no ``batch_errors``.

    A 422 with per-item errors is a partial failure the caller sorts out item by item; one
    without them refused the whole request.
    """
    if answer.status == 422 and not _has_batch_errors(answer.data):
        raise error_for_response(
            method=method,
            path=f"v3/{path}",
            status=422,
            headers=answer.headers,
            body=json.dumps(answer.data).encode(),
        )


def _has_batch_errors(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("batch_errors"), list)


class RepairLog:
    """What the decoder repaired, newest last, until taken; each repair is logged once.

    Keeps at most :data:`MAX_WIRE_REPAIRS` (over all threads); thread-safe, so every repair is
    taken once. Each repair remembers the thread whose request received it: a run that reads
    pages on one thread while others move statuses takes only its own thread's repairs.
    """

    def __init__(self) -> None:
        self._repairs: deque[tuple[int, WireRepair]] = deque(maxlen=MAX_WIRE_REPAIRS)
        self._lock = threading.Lock()

    def keep(self, repairs: list[WireRepair]) -> None:
        """Log each repair as a WARNING and keep it for :meth:`take`."""
        for repair in repairs:
            # The field's name may come from the wire: %r escapes control characters. The
            # value itself is never logged.
            log.warning(
                "repaired %s in the answer of %s: record %r, field %r",
                "invalid text" if repair.kind == "text" else "a too deeply nested value",
                repair.path,
                repair.record_id,
                repair.field,
            )
        if repairs:
            thread = threading.get_ident()
            with self._lock:
                self._repairs.extend((thread, repair) for repair in repairs)

    def take(self, *, this_thread: bool = False) -> list[WireRepair]:
        """Every repair kept since the last call, oldest first (``this_thread``: its own only)."""
        thread = threading.get_ident()
        with self._lock:
            if not this_thread:
                repairs = [repair for _, repair in self._repairs]
                self._repairs.clear()
                return repairs
            mine = [repair for owner, repair in self._repairs if owner == thread]
            if mine:
                others = [entry for entry in self._repairs if entry[0] != thread]
                self._repairs.clear()
                self._repairs.extend(others)
        return mine
