"""A canary token through every scenario at DEBUG: it appears in no log line (message or
arguments), repr, exception text, report, notification, settings dump or CLI output.

The canary is also checked in its Basic-auth form (base64 of ``user:token``), so an
``Authorization`` header that slipped into a log would be caught too.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import main as cli_main
from bigcommerce_connect.errors import (
    AuthenticationError,
    BigCommerceError,
    ConnectError,
    NetworkError,
)
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.secret import CredentialError, Secret
from bigcommerce_connect.settings import SettingsError
from bigcommerce_connect.transport import HttpRequest, TransportError, Urllib3Transport
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


# -- hostile token text: whitespace around it, control or non-Latin-1 characters inside -------

#: Tokens as a file or a secret store hands them over: the surrounding whitespace is dropped.
PADDED = (CANARY + "\n", CANARY + "\r\n", "\t" + CANARY + "\t", "  " + CANARY + " \r\n")
#: Characters no header can carry, inside the token (the canary on both sides, so an echo of
#: either half is caught): refused before anything is sent, never shown.
INNER = ("\n", "\r\n", "\t", "\x1b", "\x00", "\x7f", "\x85", "\u2028", "\u2603", "\U0001f511")
REFUSED = tuple(f"{CANARY}{char}{CANARY}" for char in INNER)
#: What an environment variable can hold (no NUL).
ENV_REFUSED = tuple(token for token in REFUSED if "\x00" not in token)
#: Every command that talks to a store, with the flags it needs beyond the store's.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check",),
    ("statuses",),
    ("categories",),
    ("sync", "--json"),
    ("sync",),
)


@pytest.fixture
def small_canary_store() -> Iterator[Sandbox]:
    config = SandboxConfig(seed=5, orders=6, customers=3, products=4, access_token=CANARY)
    with run_sandbox(config) as sb:
        yield sb


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process CLI run; no exception may escape."""
    code = cli_main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def command_line(sb: Sandbox, command: tuple[str, ...], tmp_path: Path) -> list[str]:
    argv = [command[0], "--api-path", sb.api_path, "--allow-insecure-host", *command[1:]]
    if command[0] == "sync":
        argv += ["--db", str(tmp_path / "erp.db")]
    return argv


@pytest.mark.parametrize("token", PADDED, ids=repr)
def test_padded_token_works_in_every_command(
    token: str,
    small_canary_store: Sandbox,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", token)
    for command in COMMANDS:
        code, out, err = run_cli(command_line(small_canary_store, command, tmp_path), capsys)
        assert (code, err) == (0, ""), (command, err)
        assert not leaks(out), (command, out[:300])
        if "--json" in command:
            assert json.loads(out)["orders_imported"] >= 0


@pytest.mark.parametrize("token", ENV_REFUSED, ids=repr)
def test_token_with_inner_control_character_is_refused_by_every_command(
    token: str,
    small_canary_store: Sandbox,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", token)
    for command in COMMANDS:
        code, out, err = run_cli(command_line(small_canary_store, command, tmp_path), capsys)
        assert code == 1, command
        assert out == "", (command, out[:300])
        # One line naming the field and the position, never the value nor a traceback.
        assert err.count("\n") == 1, err
        assert f"bigcommerce-connect {command[0]}: " in err
        assert "api_token: holds a" in err
        assert "Traceback" not in err
        assert not leaks(err), err[:300]
    assert small_canary_store.requests.records() == []  # refused before anything was sent


def cli_process(argv: list[str], token: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, the token in its environment."""
    env = {**os.environ, "BIGCOMMERCE_API_TOKEN": token}
    script = "import sys; from bigcommerce_connect.cli import main; sys.exit(main())"
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", script, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_real_process_strips_a_newline_and_refuses_an_inner_one(
    small_canary_store: Sandbox, tmp_path: Path
) -> None:
    argv = command_line(small_canary_store, ("check",), tmp_path)
    padded = cli_process(argv, CANARY + "\r\n")
    assert padded.returncode == 0, padded.stderr
    assert "All checks passed." in padded.stdout
    refused = cli_process(argv, CANARY + "\n" + CANARY)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "Traceback" not in refused.stderr
    assert refused.stderr.startswith("bigcommerce-connect check: invalid store settings: api_token")
    for done in (padded, refused):
        assert not leaks(done.stdout + done.stderr), done.stderr[:300]


def test_demo_never_shows_the_environment_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # demo runs against its own sandbox; a token in the environment must not show anyway.
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", CANARY + "\n")
    code, out, err = run_cli(["demo", "--orders", "5", "--db", str(tmp_path / "d.db")], capsys)
    assert code == 0, err
    assert not leaks(out + err)


@pytest.mark.parametrize("token", REFUSED, ids=repr)
def test_settings_file_and_load_errors_never_echo_a_hostile_token(
    token: str,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    api_path = "https://api.bigcommerce.com/stores/abc123/v3/"
    for data in (
        {"api_path": api_path, "api_token": token},
        {"api_path": api_path, "api_token": CANARY, "username": token},
        {"api_path": "https://store-x.mybigcommerce.com/api/v2/", "api_token": token},
    ):
        with pytest.raises(SettingsError) as refused:
            StoreSettings.from_dict(data)
        assert "holds a" in str(refused.value)
        assert_clean(refused.value, refused.value.args, refused.value.problems)
        with pytest.raises(SettingsError) as direct:
            StoreSettings(**data)  # type: ignore[arg-type]
        assert_clean(direct.value, direct.value.args)
    # The same token from a settings file (owner-only, as the CLI asks) instead of the env.
    monkeypatch.delenv("BIGCOMMERCE_API_TOKEN", raising=False)
    file = tmp_path / "store.json"
    file.write_text(json.dumps({"api_path": api_path, "api_token": token}), encoding="utf-8")
    file.chmod(0o600)
    code, out, err = run_cli(["statuses", "--settings", str(file)], capsys)
    assert (code, out) == (1, "")
    assert "api_token: holds a" in err
    assert "Traceback" not in err
    assert not leaks(err)


@pytest.mark.parametrize("token", REFUSED, ids=repr)
def test_client_refuses_a_hostile_token_without_echo(
    token: str, debug_logs: pytest.LogCaptureFixture
) -> None:
    for path, extra in (
        ("https://api.bigcommerce.com/stores/abc123/v3/", {}),
        ("https://store-x.mybigcommerce.com/api/v2/", {"username": LEGACY_USER}),
    ):
        for value in (token, Secret(token)):
            with pytest.raises(CredentialError) as refused:
                BigCommerceClient(path, value, **extra)  # type: ignore[arg-type]
            # A ValueError for callers that catch one, a ConnectError for the CLI and hosts.
            assert isinstance(refused.value, ValueError)
            assert isinstance(refused.value, ConnectError)
            assert refused.value.field == "api_token"
            assert_clean(refused.value, refused.value.args, refused.value.__dict__)
        with pytest.raises(CredentialError) as user:
            BigCommerceClient(path, CANARY, client_id=token, username=token)
        assert_clean(user.value, user.value.args)


def test_transport_header_errors_name_the_header_only(
    small_canary_store: Sandbox, debug_logs: pytest.LogCaptureFixture
) -> None:
    sb = small_canary_store
    transport = Urllib3Transport()
    url = sb.api_path.replace("/v3/", "/v2/") + "order_statuses"
    # What HTTP forbids in any header value (TAB and Latin-1's C1 are legal on the wire, so
    # only the client's credential check refuses those).
    for token in (t for t in REFUSED if "\t" not in t and "\x85" not in t):
        request = HttpRequest("GET", url, headers={"X-Auth-Token": token})
        with pytest.raises(TransportError) as refused:
            transport.send(request)
        assert (refused.value.kind, refused.value.retryable) == ("header", False)
        assert "X-Auth-Token header" in str(refused.value)
        assert_clean(refused.value, refused.value.__dict__)
    # Through a client: a caller's own header with a control character is a NetworkError.
    with fast_client(sb, settings_for(sb, CANARY)) as client:
        with pytest.raises(NetworkError) as failed:
            client.request("GET", "v2", "order_statuses", headers={"X-Note": CANARY + "\n"})
        assert failed.value.kind == "header"
        assert "X-Note header" in str(failed.value)
        assert_clean(failed.value, failed.value.__dict__)
    assert sb.requests.records() == []


def reachable_texts(root: object) -> Iterator[tuple[str, str]]:
    """Every string or bytes reachable from ``root`` through attributes and containers.

    A :class:`Secret` is not opened: it is where the credential may live.
    """
    seen: set[int] = set()
    pending: list[tuple[str, object]] = [("client", root)]
    while pending:
        where, obj = pending.pop()
        if id(obj) in seen or isinstance(obj, (Secret, type, logging.Logger)):
            continue
        seen.add(id(obj))
        if isinstance(obj, (str, bytes)):
            yield where, obj if isinstance(obj, str) else obj.decode("latin-1")
            continue
        if isinstance(obj, dict):
            pending += [(f"{where}[{k!r}]", v) for k, v in obj.items()]
            pending += [(f"{where} key", k) for k in obj]
            continue
        if isinstance(obj, (list, tuple, set, frozenset)):
            pending += [(f"{where}[]", v) for v in obj]
            continue
        if callable(obj) and not hasattr(obj, "__dict__"):
            continue
        attributes = dict(getattr(obj, "__dict__", {}))
        for cls in type(obj).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if hasattr(obj, name):
                    attributes[name] = getattr(obj, name)
        pending += [(f"{where}.{name}", value) for name, value in attributes.items()]


def test_no_plain_copy_of_the_token_is_kept(small_canary_store: Sandbox) -> None:
    sb = small_canary_store
    clients = [
        BigCommerceClient(sb.api_path, CANARY + "\n", allow_insecure_host=True),
        settings_for(sb, CANARY, username="erp").connect(),
        BigCommerceClient(
            sb.legacy_api_path,
            CANARY,
            username=LEGACY_USER,
            allow_insecure_host=True,
            ca_file=sb.ca_file,
        ),
    ]
    with clients[0], clients[1]:
        clients[0].order_statuses.get_all()
        clients[1].order_statuses.get_all()
    for client in clients:
        assert not leaks(repr(vars(client)))
        found = [(where, text[:80]) for where, text in reachable_texts(client) if leaks(text)]
        assert found == []
        users = [where for where, text in reachable_texts(client) if LEGACY_USER in text]
        assert users == []
        # The headers are still built, per request, from the Secret.
        headers = client._requests.build("GET", "v2", "x", params=None, body=None, headers=None)
        assert any(CANARY in v or FORMS[1] in v for v in headers.headers.values())


def test_username_is_a_credential_never_shown() -> None:
    settings = StoreSettings.from_dict(
        {
            "api_path": "https://store-x.mybigcommerce.com/api/v2/",
            "api_token": CANARY,
            "username": f" {LEGACY_USER}\n",
        }
    )
    assert isinstance(settings.username, Secret)
    assert settings.username.reveal() == LEGACY_USER
    for text in (repr(settings), str(settings), settings.to_json(), repr(settings.to_dict())):
        assert LEGACY_USER not in text
        assert not leaks(text)
    assert "username" not in settings.to_dict()
    revealed = settings.to_dict(reveal_secrets=True)
    assert (revealed["username"], revealed["api_token"]) == (LEGACY_USER, CANARY)
    assert StoreSettings.from_json(settings.to_json(reveal_secrets=True)) == settings
    # A Secret is accepted on input as well as a string.
    same = StoreSettings.from_dict({**revealed, "username": Secret(LEGACY_USER)})
    assert same == settings


def test_cli_reports_any_sdk_error_in_one_line(
    small_canary_store: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # A legacy API path without its user name: the client's CredentialError (a ConnectError
    # that is neither a store nor a CLI error) is one line, exit 1, never a traceback.
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", CANARY)
    legacy = small_canary_store.legacy_api_path
    for command in ("statuses", "categories", "check"):
        argv = [command, "--api-path", legacy, "--allow-insecure-host"]
        code, _out, err = run_cli(argv, capsys)
        assert code == 1, command
        assert err == (
            f"bigcommerce-connect {command}: username: a legacy API path needs the API user "
            "name for Basic auth\n"
        )
    # Only whitespace in the environment and no token elsewhere: no token at all.
    monkeypatch.setenv("BIGCOMMERCE_API_TOKEN", " \r\n")
    code, _out, err = run_cli(["statuses", "--api-path", legacy], capsys)
    assert code == 1
    assert "no API token" in err
