"""A canary token through every scenario at DEBUG: it appears in no log line (message or
arguments), repr, exception text, report, notification, settings dump or CLI output.

The canary is also checked in its Basic-auth form (base64 of ``user:token``), so an
``Authorization`` header that slipped into a log would be caught too.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import main as cli_main
from bigcommerce_connect.errors import AuthenticationError, BigCommerceError, NetworkError
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.settings import SettingsError
from support.reliability import (
    SOAK_FAULTS,
    all_awaiting_fulfillment,
    catalogue,
    erp_refs,
    expected_refs,
    fast_client,
    runner_for,
    settings_for,
)

CANARY = "CANARY-7f3a9c-TOKEN"
LEGACY_USER = "legacy-user"
FORMS = (
    CANARY,
    base64.b64encode(f"{LEGACY_USER}:{CANARY}".encode()).decode(),
    base64.b64encode(CANARY.encode()).decode(),
)


def leaks(text: str) -> list[str]:
    """The canary forms found in ``text``."""
    return [form for form in FORMS if form in text]


def record_texts(records: list[logging.LogRecord]) -> Iterator[str]:
    """Everything a log handler could print of a record."""
    formatter = logging.Formatter()
    for record in records:
        yield record.getMessage()
        yield repr(record.args)
        yield repr(record.__dict__)
        if record.exc_info:
            yield formatter.formatException(record.exc_info)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture DEBUG from the root logger and urllib3 (which logs every request line)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    caplog.set_level(logging.DEBUG, logger="bigcommerce_connect")
    yield caplog
    texts = list(record_texts(caplog.records))
    found = [text[:200] for text in texts if leaks(text)]
    assert not found, found


@pytest.fixture
def canary_store() -> Iterator[Sandbox]:
    config = SandboxConfig(seed=4, orders=60, customers=15, products=15, access_token=CANARY)
    with run_sandbox(config) as sb:
        yield sb


def assert_clean(*things: Any) -> None:
    for thing in things:
        for text in (repr(thing), str(thing)):
            assert not leaks(text), text[:300]


def test_import_through_faults_at_debug(
    canary_store: Sandbox, debug_logs: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    sb = canary_store
    ids = all_awaiting_fulfillment(sb)
    sb.knobs.fault_kinds = SOAK_FAULTS
    sb.knobs.fault_rate = 0.15
    sb.knobs.timeout_seconds = 0.5
    sb.knobs.quota = (40, 0.3)
    settings = settings_for(sb, CANARY)
    with SqliteErp(tmp_path / "erp.db", items=catalogue(sb)) as erp:
        with fast_client(sb, settings, timeout=0.2) as client:
            runner = runner_for(client, settings, erp)
            reports = [runner.run_now() for _ in range(3)]
            reports.append(runner.importer.retry_quarantine())
            assert_clean(client, settings, runner, runner.importer, erp)
        assert erp_refs(erp) == expected_refs(ids)
        notes = erp.notifier.notifications()
        assert notes
        assert_clean(*notes, *[n.to_dict() if hasattr(n, "to_dict") else n for n in notes])
        assert_clean(*(r.to_dict() for r in reports), *reports)
    assert_clean(settings.to_json(), settings.to_dict(), settings)
    # The run was really logged at DEBUG, by the SDK and by urllib3.
    names = {r.name for r in debug_logs.records}
    assert "bigcommerce_connect.client" in names
    assert any(name.startswith("urllib3") for name in names)


def test_store_errors_at_debug(canary_store: Sandbox, debug_logs: pytest.LogCaptureFixture) -> None:
    sb = canary_store
    errors: list[BaseException] = []
    # 401: the canary is a token the store refuses.
    wrong = StoreSettings.from_dict(
        {"api_path": sb.api_path, "api_token": CANARY + "-old", "allow_insecure_host": True}
    )
    with BigCommerceClient.from_settings(wrong, sleep=lambda _s: None) as client:
        with pytest.raises(AuthenticationError) as refused:
            client.order_statuses.get_all()
        errors.append(refused.value)
        # The import reports and notifies the failure, never the token.
        erp = MemoryErp()
        report = runner_for(client, wrong, erp).run_now()
        assert report.failed
        assert_clean(report.to_dict(), *erp.notifier.notifications)
    # Server errors and garbled bodies after every retry.
    settings = settings_for(sb, CANARY)
    with fast_client(sb, settings) as client:
        for kind in ("503", "malformed_json", "reset"):
            sb.knobs.fail_next(kind, n=10)
            with pytest.raises(BigCommerceError) as failed:
                client.order_statuses.get_all()
            errors.append(failed.value)
            sb.knobs.clear_faults()
    for error in errors:
        assert_clean(error, error.args, getattr(error, "__dict__", {}))


def test_tls_failure_and_legacy_basic_auth_at_debug(debug_logs: pytest.LogCaptureFixture) -> None:
    config = SandboxConfig(seed=4, orders=5, customers=2, products=2, tls=True)
    with run_sandbox(config) as sb:
        # No CA bundle for the sandbox's throwaway CA: the certificate check must fail.
        with (
            BigCommerceClient(
                sb.api_path, CANARY, allow_insecure_host=True, sleep=lambda _s: None
            ) as client,
            pytest.raises(NetworkError) as tls,
        ):
            client.order_statuses.get_all()
        assert tls.value.kind == "tls"
        assert_clean(tls.value, tls.value.__dict__)
        legacy = BigCommerceClient(
            sb.legacy_api_path,
            CANARY,
            username=LEGACY_USER,
            allow_insecure_host=True,
            ca_file=sb.ca_file,
            sleep=lambda _s: None,
        )
        with legacy, pytest.raises(AuthenticationError) as refused:
            legacy.orders.count()
        assert_clean(legacy, refused.value, refused.value.__dict__)


def test_settings_errors_never_echo_the_token() -> None:
    bad_fields: list[dict[str, Any]] = [
        {"api_path": "http://example.com/stores/x/v3/", "api_token": CANARY},
        {"api_path": CANARY, "api_token": CANARY},
        {"api_path": "https://api.bigcommerce.com/stores/a1/v3/", "api_token": [CANARY]},
        {"api_token": CANARY, "last_update": "2024-01-01T00:00:00"},
        {"api_token": CANARY, "auto_import": "yes", "api_path": "x", "b2b": CANARY},
    ]
    for data in bad_fields:
        with pytest.raises(SettingsError) as refused:
            StoreSettings.from_dict(data)
        assert_clean(refused.value, refused.value.args)


def test_cli_sync_and_check_at_debug(
    canary_store: Sandbox,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    sb = canary_store
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", CANARY)
    store = ["--api-path", sb.api_path, "--allow-insecure-host"]
    sb.knobs.fail_next("502", n=2)
    codes = [
        cli_main(["sync", *store, "--db", str(tmp_path / "erp.db"), "--json"]),
        cli_main(["sync", *store, "--db", str(tmp_path / "erp.db")]),
        cli_main(["check", *store]),
    ]
    # A refused token: the CLI explains it without printing it.
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", CANARY + "-old")
    codes.append(cli_main(["check", *store]))
    out = capsys.readouterr()
    assert codes[2] == 0
    assert codes[3] == 1
    assert "token was refused" in out.out
    assert not leaks(out.out), out.out[:500]
    assert not leaks(out.err), out.err[:500]
