"""Ctrl-C during ``sync``: one line saying how far it got, a JSON report, exit 130, safe re-run.

The CLI runs in a subprocess (SIGINT goes to it alone) against an in-process sandbox with
latency; the signal is sent once the progress log shows orders done, never after a sleep.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.cli import main
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.ports import BindingEntity
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.status import OrderStatus

GET = int(OrderStatus.AWAITING_FULFILLMENT)
SET = int(OrderStatus.AWAITING_SHIPMENT)


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    config = SandboxConfig(seed=4, orders=400, customers=20, products=10, latency_ms=15)
    with run_sandbox(config) as sandbox:
        with sandbox.store.locked() as store:
            for order in store.orders.values():  # every order waits for import
                order["status_id"] = GET
        monkeypatch.setenv(TOKEN_ENV, sandbox.access_token)
        yield sandbox


def in_status(sb: Sandbox, status_id: int) -> int:
    with sb.store.locked() as store:
        return sum(1 for order in store.orders.values() if order["status_id"] == status_id)


def start_sync(sb: Sandbox, db: Path) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "bigcommerce_connect", "-v", "sync", "--json"]
    argv += ["--api-path", sb.api_path, "--allow-insecure-host", "--db", str(db)]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and package
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, TOKEN_ENV: sb.access_token},
    )


def wait_for_orders(process: subprocess.Popen[str]) -> list[str]:
    """Read stderr until a progress line shows orders done; return the lines read."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:  # blocks on output, not on time
        seen.append(line)
        if "progress: orders" in line and " orders     0" not in line:
            return seen
    pytest.fail(f"the run ended before any order progress: {''.join(seen)[-2000:]}")


def test_ctrl_c_reports_how_far_it_got_and_a_rerun_finishes_the_job(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "erp.db"
    waiting = in_status(sb, GET)
    process = start_sync(sb, db)
    try:
        wait_for_orders(process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["interrupted"] is True
    done = report["orders_imported"]
    assert 0 < done < waiting  # stopped part way
    assert f"interrupted after {done} orders; running again is safe" in err.splitlines()

    # Running again is safe: the rest is imported, nothing twice.
    assert main(["sync", "--api-path", sb.api_path, "--allow-insecure-host", "--db", str(db)]) == 0
    capsys.readouterr()
    assert in_status(sb, GET) == 0
    assert in_status(sb, SET) == waiting
    with SqliteErp(str(db)) as erp:
        refs = [order.external_ref for order, _ in erp.sales_orders.all().values()]
        bound = len(erp.bindings.all(BindingEntity.ORDER))
    assert len(refs) == len(set(refs)) == bound == waiting
