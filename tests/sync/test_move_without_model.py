"""Issue 17 (goal 3): a status move builds no model from its echo; each answer is decoded once.

Counted, never timed: a spy on ``Order.from_wire`` sees no call from the move threads of an
import, and a counter on the client's JSON decoder sees exactly one decode per 2xx answer.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bigcommerce_connect import OrderStatus, client_answers
from bigcommerce_connect.models import Order
from bigcommerce_connect.repairs import decode_json

from .conftest import MakeRig

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)


def test_moves_during_an_import_build_no_order(
    make_rig: MakeRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = make_rig()
    waiting = rig.store_orders_in(AF)
    assert waiting
    real = Order.from_wire.__func__  # type: ignore[attr-defined]
    calls: list[str] = []

    def spy(cls: type[Order], data: Any) -> Order:
        calls.append(threading.current_thread().name)
        return real(cls, data)  # type: ignore[no-any-return]

    monkeypatch.setattr(Order, "from_wire", classmethod(spy))
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    assert report.statuses_moved == len(waiting)
    assert calls, "the spy saw the imported orders being read"
    assert [name for name in calls if name.startswith("bc-move")] == []
    with rig.sb.store.locked() as store:
        assert {store.orders[i]["status_id"] for i in waiting} == {AS}


def test_each_2xx_answer_is_decoded_once(
    make_rig: MakeRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = make_rig()
    assert rig.store_orders_in(AF)
    real = decode_json
    decodes = 0
    lock = threading.Lock()

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal decodes
        with lock:
            decodes += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(client_answers, "decode_json", counting)
    rig.sb.requests.clear()
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    # Every 2xx but a 204 (an empty v2 list: nothing to decode) holds a JSON body.
    records = rig.sb.requests.records()
    with_body = [r for r in records if 200 <= r.status < 300 and r.status != 204]
    assert len(records) == report.api_calls
    assert report.statuses_moved
    assert len(with_body) > report.statuses_moved
    assert decodes == len(with_body)
