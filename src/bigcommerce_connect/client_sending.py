"""The client's send loop: one request, sent until there is an answer worth returning.

Network failures, retryable statuses and garbled reads are sent again with backoff, as
:class:`~bigcommerce_connect.retry.RetryPolicy` allows (a POST only when it never connected,
a garbled POST answer never); 429 and 509 wait for the quota
(:class:`~bigcommerce_connect.ratelimit.RateLimitGovernor`), up to the policy's limit, then
come back to the caller. A network failure that stays becomes
:class:`~bigcommerce_connect.errors.NetworkError`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from bigcommerce_connect.errors import NetworkError
from bigcommerce_connect.ratelimit import RateLimitGovernor
from bigcommerce_connect.retry import IDEMPOTENT_METHODS, RATE_LIMIT_STATUSES, RetryPolicy
from bigcommerce_connect.transport import (
    Headers,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportError,
)

__all__ = ["Garbled", "RetryingSender"]

# The client's logger: hosts configure one name for everything the client logs.
log = logging.getLogger("bigcommerce_connect.client")

#: Why a 2xx answer cannot be used (empty, cut, the wrong shape), or None when it can.
Garbled = Callable[[HttpResponse], str | None]


class RetryingSender:
    """Sends requests through a transport with retries, backoff and rate-limit waits.

    ``api_calls`` counts every attempt (each retry and each wait's resend included).
    """

    def __init__(
        self,
        transport: Transport,
        *,
        retry: RetryPolicy,
        governor: RateLimitGovernor,
        sleep: Callable[[float], None],
        rng: random.Random,
    ) -> None:
        self._transport = transport
        self._retry = retry
        self._governor = governor
        self._sleep = sleep
        self._rng = rng
        self._count_lock = threading.Lock()
        self._api_calls = 0

    @property
    def api_calls(self) -> int:
        """How many requests went to the transport (every attempt)."""
        return self._api_calls

    def _count_call(self) -> None:
        with self._count_lock:
            self._api_calls += 1

    def send(
        self, request: HttpRequest, label: str, garbled: Garbled | None = None
    ) -> HttpResponse:
        """The final answer to ``request``: a success, an error status, or a rate limit left.

        ``garbled`` says why a 2xx cannot be used (a garbled read is sent again). Raises
        :class:`~bigcommerce_connect.errors.NetworkError` when no answer came. ``label``
        (``v3/catalog/products``) names the request in logs and errors.
        """
        failures = 0
        rate_limited = 0
        while True:
            self._governor.before_request()
            self._count_call()
            started = time.perf_counter()
            try:
                response = self._transport.send(request)
            except TransportError as error:
                failures += 1
                if self._may_retry_network(request.method, error, failures):
                    self._back_off(request.method, failures, label, error.kind)
                    continue
                raise NetworkError(
                    str(error),
                    method=request.method,
                    path=label,
                    kind=error.kind,
                    retryable=error.retryable,
                ) from None
            _log_response(request.method, label, response.status, started)
            self._governor.observe(response.headers)
            if response.status in RATE_LIMIT_STATUSES:  # 429, or 509 from the older API
                rate_limited += 1
                if rate_limited > self._retry.max_rate_limit_waits:
                    return response
                self._wait_for_quota(response.headers, rate_limited)
                continue
            if self._should_retry_response(request.method, response, failures + 1):
                failures += 1
                self._back_off(request.method, failures, label, str(response.status))
                continue
            why = self._garbled_to_retry(request.method, response, garbled, failures + 1)
            if why:
                failures += 1
                self._back_off(request.method, failures, label, f"a garbled answer ({why})")
                continue
            return response

    def _may_retry_network(self, method: str, error: TransportError, failures: int) -> bool:
        if failures >= self._retry.max_attempts:
            return False
        return self._retry.may_retry_network(method, error.kind, error.retryable)

    def _should_retry_response(self, method: str, response: HttpResponse, attempt: int) -> bool:
        if attempt >= self._retry.max_attempts:
            return False
        return self._retry.may_retry_status(method, response.status)

    def _garbled_to_retry(
        self, method: str, response: HttpResponse, garbled: Garbled | None, attempt: int
    ) -> str | None:
        # A 2xx that is empty, cut or of the wrong shape was garbled on the way (a proxy, a
        # connection dropped after the status line): read it again if that is safe. A POST
        # is never sent twice, whatever its answer looked like.
        if garbled is None or not 200 <= response.status < 300:
            return None
        if method not in IDEMPOTENT_METHODS or attempt >= self._retry.max_attempts:
            return None
        return garbled(response)

    def _back_off(self, method: str, failures: int, label: str, reason: str) -> None:
        delay = self._retry.backoff(failures, self._rng, is_write=method != "GET")
        log.info("retrying %s %s after %s in %.2fs", method, label, reason, delay)
        self._sleep(delay)

    def _wait_for_quota(self, headers: Headers, rate_limited: int) -> None:
        # Bounded, jittered, never below the minimum: hostile header values are clamped.
        delay = self._governor.rate_limit_wait(
            headers, attempt=rate_limited, policy=self._retry, rng=self._rng
        )
        log.info("rate limited; waiting %.2fs", delay)
        self._sleep(delay)


def _log_response(method: str, label: str, status: int, started: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug("%s %s -> %s (%.0f ms)", method, label, status, elapsed_ms)
