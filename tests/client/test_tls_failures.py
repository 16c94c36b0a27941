"""Every TLS failure is kind ``tls``, final and explained; ``ca_file`` adds to the system CAs.

Real TLS on loopback: the sandbox serves with a server context each test shapes (a client
certificate demanded, only TLS 1.1, a certificate from an unknown CA), and counts the
connections it accepted, so "one attempt" is what the server saw.
"""

from __future__ import annotations

import ssl
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.errors import NetworkError
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig
from bigcommerce_connect.transport import (
    TLS_ADVICE,
    TransportError,
    Urllib3Transport,
    trust_context,
)

TOKEN = "tok-CANARY-tls"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def demanding_a_client_certificate(ca: trustme.CA) -> ssl.SSLContext:
    context = server_context(ca)
    context.verify_mode = ssl.CERT_REQUIRED
    ca.configure_trust(context)
    return context


def only_tls_1_1(ca: trustme.CA) -> ssl.SSLContext:
    context = server_context(ca)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # old versions, on purpose
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS 1.1 above level 0
    return context


@pytest.fixture
def serve() -> Iterator[list[Sandbox]]:
    running: list[Sandbox] = []
    yield running
    for sandbox in running:
        sandbox.stop()


def start(running: list[Sandbox], context: ssl.SSLContext) -> Sandbox:
    sandbox = Sandbox(SandboxConfig(seed=7, orders=1, customers=1, products=1, access_token=TOKEN))
    sandbox.start(context)
    running.append(sandbox)
    return sandbox


def client_for(sb: Sandbox, ca_file: str | None) -> BigCommerceClient:
    return BigCommerceClient(
        sb.api_path,
        TOKEN,
        allow_insecure_host=True,
        ca_file=ca_file,
        retry=RetryPolicy(max_attempts=4),
        sleep=lambda _s: None,
    )


def fails_once_as_tls(sb: Sandbox, ca_file: str | None) -> NetworkError:
    with client_for(sb, ca_file) as client, pytest.raises(NetworkError) as caught:
        client.order_statuses.get_all()
    error = caught.value
    assert (error.kind, error.retryable) == ("tls", False)
    assert client.api_calls == 1
    assert sb.connections_accepted() == 1  # never retried: one connection, one handshake
    assert TLS_ADVICE in str(error)
    assert "--ca-file" in str(error)
    assert TOKEN not in str(error)
    assert sb.requests.count() == 0  # no request got through the handshake
    return error


def test_a_demanded_client_certificate_is_a_final_tls_failure(
    ca: trustme.CA, serve: list[Sandbox]
) -> None:
    sb = start(serve, demanding_a_client_certificate(ca))
    with ca.cert_pem.tempfile() as ca_file:
        error = fails_once_as_tls(sb, ca_file)
    assert "demands a client certificate" in str(error)


def test_a_tls_version_the_client_refuses_is_a_final_tls_failure(
    ca: trustme.CA, serve: list[Sandbox]
) -> None:
    sb = start(serve, only_tls_1_1(ca))
    with ca.cert_pem.tempfile() as ca_file:
        error = fails_once_as_tls(sb, ca_file)
    assert "share no TLS version" in str(error)


def test_a_certificate_from_an_unknown_ca_is_a_final_tls_failure(
    ca: trustme.CA, serve: list[Sandbox]
) -> None:
    sb = start(serve, server_context(ca))
    error = fails_once_as_tls(sb, None)
    assert "could not be verified" in str(error)
    assert "TLS/certificate problem talking to 127.0.0.1" in str(error)


def test_an_unreadable_ca_file_is_refused_before_any_request(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-bundle.pem"
    bad.write_text("not a certificate", "utf-8")
    for path in (str(bad), str(tmp_path / "missing.pem")):
        with pytest.raises(TransportError) as caught:
            Urllib3Transport(ca_file=path)
        assert caught.value.kind == "tls"
        assert "ca_file=" in str(caught.value)


@pytest.fixture
def system_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A CA standing in for the system's trust store (OpenSSL reads SSL_CERT_FILE/_DIR)."""
    system = trustme.CA(organization_name="System Root")
    path = tmp_path / "system.pem"
    system.cert_pem.write_to_path(str(path))
    empty = tmp_path / "no-system-dir"
    empty.mkdir()
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    monkeypatch.setenv("SSL_CERT_DIR", str(empty))
    return system


def test_ca_file_adds_to_the_system_store_instead_of_replacing_it(
    system_ca: trustme.CA, ca: trustme.CA
) -> None:
    with ca.cert_pem.tempfile() as ca_file:
        added = Urllib3Transport(ca_file=ca_file).ssl_context
    alone = trust_context(None)
    assert alone.cert_store_stats()["x509_ca"] == 1  # the system's
    assert added.cert_store_stats()["x509_ca"] == 2  # the system's and the file's
    subjects = {str(cert["subject"]) for cert in added.get_ca_certs()}
    assert any("System Root" in subject for subject in subjects)


def test_with_ca_file_a_server_the_system_trusts_is_still_trusted(
    system_ca: trustme.CA, ca: trustme.CA, serve: list[Sandbox]
) -> None:
    by_system = start(serve, server_context(system_ca))
    by_file = start(serve, server_context(ca))
    with ca.cert_pem.tempfile() as ca_file:
        for sb in (by_system, by_file):
            with client_for(sb, ca_file) as client:
                assert client.order_statuses.get_all()
