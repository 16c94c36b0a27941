from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox
from support.scripted import FakeClock, ScriptedTransport

API_PATH = "https://api.bigcommerce.com/stores/abc123/v3/"
TOKEN = "tok-CANARY-1234567890"

MakeClient = Callable[..., BigCommerceClient]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(clock: FakeClock) -> MakeClient:
    def make(transport: ScriptedTransport, **kwargs: object) -> BigCommerceClient:
        options: dict[str, object] = {
            "transport": transport,
            "clock": clock,
            "sleep": clock.sleep,
            "rng": random.Random(7),
            "retry": RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=4.0),
            "client_id": "client-1",
        }
        options.update(kwargs)
        return BigCommerceClient(API_PATH, TOKEN, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def client(sb: Sandbox) -> Iterator[BigCommerceClient]:
    """A client of the module's sandbox ``sb``: no real waits, 3 attempts, faults cleared."""
    sb.knobs.clear_faults()
    sb.knobs.max_page_size = None
    with BigCommerceClient(
        sb.api_path,
        sb.access_token,
        allow_insecure_host=True,
        sleep=lambda _s: None,
        rng=random.Random(5),
        retry=RetryPolicy(max_attempts=3),
    ) as bc:
        yield bc
    sb.knobs.clear_faults()
    sb.knobs.max_page_size = None
