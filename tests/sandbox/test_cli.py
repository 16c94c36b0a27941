"""The fixed CLI contract: one JSON line when ready, serve, exit 0 on SIGTERM/SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import urllib3

BIN = Path(sys.executable).with_name("bigcommerce-connect")
SMALL_STORE = ("--port", "0", "--orders", "30", "--customers", "5", "--products", "5")


def _start(*flags: str) -> tuple[subprocess.Popen[str], dict[str, object]]:
    cmd = [str(BIN), "sandbox", *SMALL_STORE, *flags]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, json.loads(line)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_ready_line_request_and_clean_exit(sig: signal.Signals) -> None:
    proc, ready = _start("--seed", "5", "--quota", "100/30")
    try:
        assert set(ready) == {"api_path", "store_hash", "client_id", "access_token", "ca_file"}
        assert ready["ca_file"] is None
        api_path = str(ready["api_path"])
        assert api_path.startswith("http://127.0.0.1:")
        assert api_path.endswith(f"/stores/{ready['store_hash']}/v3/")
        resp = urllib3.request(
            "GET",
            api_path + "catalog/products?limit=1",
            headers={"X-Auth-Token": str(ready["access_token"])},
        )
        assert resp.status == 200
        assert resp.headers["X-Rate-Limit-Requests-Quota"] == "100"
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert out == ""  # exactly one line was printed
    assert str(ready["access_token"]) not in err


def test_cli_tls_reports_ca_file() -> None:
    proc, ready = _start("--tls")
    try:
        assert str(ready["api_path"]).startswith("https://127.0.0.1:")
        ca_file = str(ready["ca_file"])
        assert os.path.exists(ca_file)
        http = urllib3.PoolManager(ca_certs=ca_file)
        resp = http.request(
            "GET",
            str(ready["api_path"]).replace("/v3/", "/v2/") + "orders/1",
            headers={"X-Auth-Token": str(ready["access_token"])},
        )
        assert resp.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert not os.path.exists(ca_file)


def test_cli_rejects_bad_quota() -> None:
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(BIN), "sandbox", "--quota", "lots"], capture_output=True, text=True, timeout=20
    )
    assert result.returncode == 2
    assert "quota" in result.stderr


def test_cli_knobs_changed_while_running() -> None:
    proc, ready = _start()
    try:
        origin = str(ready["api_path"]).split("/stores/")[0]
        auth = {"X-Auth-Token": str(ready["access_token"])}
        http = urllib3.PoolManager()
        change = {"quota": "2/60", "fail_next": {"kind": "503", "path_prefix": "/v2/orders"}}
        resp = http.request("PUT", origin + "/_sandbox/knobs", json=change, headers=auth)
        assert resp.status == 200
        assert resp.json()["quota"] == "2/60"
        orders = str(ready["api_path"]).replace("/v3/", "/v2/") + "orders"
        statuses = [http.request("GET", orders, headers=auth).status for _ in range(3)]
        assert statuses == [503, 200, 429]
        log = http.request("GET", origin + "/_sandbox/requests", headers=auth).json()
        assert [row[2] for row in log] == [503, 200, 429]
        bad = http.request("PUT", origin + "/_sandbox/knobs", json={"fault_rate": 2})
        assert bad.status == 401
        bad = http.request("PUT", origin + "/_sandbox/knobs", json={"nope": 1}, headers=auth)
        assert bad.status == 400
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert proc.returncode == 0


def test_cli_help_lists_every_fault_kind() -> None:
    from bigcommerce_connect.sandbox import FAULT_KINDS

    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(BIN), "sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0
    assert "--fault-kinds" in result.stdout
    listed = result.stdout.split("Kinds:", 1)[1]
    for kind in FAULT_KINDS:
        assert kind in listed, kind


def test_cli_rejects_unknown_fault_kind() -> None:
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(BIN), "sandbox", "--fault-kinds", "empty_200,gzip_bombb"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2
    assert "--fault-kinds" in result.stderr
    assert "gzip_bombb" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("all", None), ("empty_200,status_509", ["empty_200", "status_509"])],
)
def test_cli_fault_kinds_reach_the_knobs(flag: str, expected: list[str] | None) -> None:
    from bigcommerce_connect.sandbox import ALL_FAULT_KINDS

    proc, ready = _start("--fault-kinds", flag, "--fault-rate", "0")
    try:
        origin = str(ready["api_path"]).split("/stores/")[0]
        auth = {"X-Auth-Token": str(ready["access_token"])}
        shown = urllib3.request("GET", origin + "/_sandbox/knobs", headers=auth).json()
        assert shown["fault_kinds"] == (expected or list(ALL_FAULT_KINDS))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert proc.returncode == 0
