"""Why a run stopped, in typed form: ``RateLimitedError.retry_after`` and ``RunReport.stopped_by``.

What a job queue reads to decide on a retry (contrib.celery does) without parsing messages.
"""

from __future__ import annotations

import math

import pytest

from bigcommerce_connect.errors import RateLimitedError, ServerError, error_for_response
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.report import RunReport


def rate_limited(status: int = 429, retry_after: float | None = None) -> RateLimitedError:
    error = error_for_response(
        method="GET", path="v2/orders", status=status, headers={}, body=b"", retry_after=retry_after
    )
    assert isinstance(error, RateLimitedError)
    return error


@pytest.mark.parametrize(
    ("asked", "kept"),
    [(15.0, 15.0), (0.0, 0.0), (-5.0, 0.0), (math.inf, None), (math.nan, None), (None, None)],
)
def test_a_rate_limit_keeps_the_finite_wait_it_was_given(
    asked: float | None, kept: float | None
) -> None:
    assert rate_limited(retry_after=asked).retry_after == kept
    assert rate_limited(509, retry_after=asked).retry_after == kept  # the older API's limit


def test_other_errors_have_no_wait() -> None:
    error = error_for_response(
        method="GET", path="v2/orders", status=503, headers={}, body=b"", retry_after=3.0
    )
    assert not hasattr(error, "retry_after")


@pytest.mark.parametrize("fault", ["status_509", "retry_after_only"])
def test_the_client_reads_the_wait_as_its_governor_does(fault: str) -> None:
    # The sandbox answers with only Retry-After / X-Retry-After: the client's one header
    # reader (ratelimit.requested_delay) gives the error its wait.
    config = SandboxConfig(fault_rate=1.0, fault_kinds=(fault,))
    with run_sandbox(config) as sb:
        sb.knobs.retry_after = "7"
        settings = StoreSettings(
            api_path=sb.api_path, api_token=sb.access_token, allow_insecure_host=True
        )
        retry = RetryPolicy(max_rate_limit_waits=0, max_attempts=1)
        with settings.connect(retry=retry) as client, pytest.raises(RateLimitedError) as raised:
            client.orders.count()
    assert raised.value.retry_after == 7.0


def test_the_first_stop_names_the_run_and_the_longest_wait_is_kept() -> None:
    report = RunReport()
    assert report.to_dict()["stopped_by"] is None
    assert report.to_dict()["retry_after"] is None

    report.stopped(ServerError.code)
    report.stopped(RateLimitedError.code, retry_after=3.0)
    report.stopped(RateLimitedError.code, retry_after=9.0)

    data = report.to_dict()
    assert (data["stopped_by"], data["retry_after"]) == ("server_error", 9.0)
