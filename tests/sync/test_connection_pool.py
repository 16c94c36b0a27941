"""Concurrency and the connection pool: a client built from settings keeps every connection.

Counted at the sandbox (connections it accepted), never timed. Before the pool followed the
concurrency, 16 moves in flight on a pool of 8 opened 8 connections per page and threw them away.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ImportOptions, StoreImporter
from support.reliability import all_awaiting_fulfillment
from support.sandboxes import StartSandbox

from .conftest import MakeRig


@pytest.fixture
def busy(start_sandbox: StartSandbox) -> Sandbox:
    sb = start_sandbox(seed=7, orders=300, customers=20, products=10)
    sb.knobs.latency_ms = 5  # so the moves of a page really overlap; nothing is timed
    return sb


@pytest.mark.parametrize("concurrency", [16, 4])
def test_a_client_from_settings_opens_no_more_connections_than_moves_in_flight(
    make_rig: MakeRig, busy: Sandbox, concurrency: int
) -> None:
    waiting = all_awaiting_fulfillment(busy)
    assert len(waiting) > 200
    options = ImportOptions(settle=timedelta(0), page_size=50, status_move_concurrency=concurrency)
    rig = make_rig(sb=busy, options=options, concurrency=concurrency)
    before = busy.connections_accepted()

    report = rig.importer.import_orders()

    assert not report.failed, report.errors
    assert report.statuses_moved == len(waiting)  # six pages, a burst of moves each
    opened = busy.connections_accepted() - before
    # One per move in flight, one for the page read ahead and one for the importer's own
    # calls (customers, status re-reads); a pool smaller than the concurrency opened 8 more
    # for every page's burst (56 at 16).
    assert opened <= concurrency + 2, opened


def test_a_runner_without_options_takes_the_settings_concurrency(make_rig: MakeRig) -> None:
    rig = make_rig(concurrency=16)
    importer = StoreImporter(rig.client, rig.settings, rig.ports)
    assert importer.options.status_move_concurrency == 16
    assert importer.context().options.status_move_concurrency == 16
