"""The quarantine's helpers: what it keeps can never be the next thing that fails."""

from __future__ import annotations

from datetime import datetime, timezone

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.clock import FixedClock
from bigcommerce_connect.models import Order
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sync import RunQuarantine, RunReport, StatusMove
from bigcommerce_connect.sync.quarantine import clean_text, quarantine_key, record_payload

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_clean_text_replaces_surrogates_and_bounds_the_length() -> None:
    assert clean_text("a\ud800b") == "a\ufffdb"
    assert clean_text("x" * 10, limit=5) == "xxxx\u2026"


def test_quarantine_key_is_the_id_or_a_stable_key_from_the_content() -> None:
    assert quarantine_key({"id": 7}, None) == "7"
    assert quarantine_key({"id": "junk"}, 8) == "8"
    junk = quarantine_key({"id": None, "x": 1}, None)
    assert junk.startswith("unidentified-")
    assert junk == quarantine_key({"x": 1, "id": None}, None)


def test_record_payload_keeps_at_least_the_id() -> None:
    assert record_payload(Order(id=5), 5)["id"] == 5
    assert record_payload(object(), 6) == {"id": 6}


def test_a_run_alerts_once_per_record_and_code_and_releases_on_import() -> None:
    erp = MemoryErp()
    sent: list[str] = []

    def notify(kind: NotificationKind, code: str, message: str, **_context: object) -> None:
        sent.append(code)

    book = RunQuarantine(erp.quarantine, notify=notify, report=RunReport(), clock=FixedClock(T0))
    error = ValueError("bad")
    book.keep("order", "5", error, {"id": 5})
    book.keep("order", "5", error, {"id": 5})
    assert sent == ["order.import.ValueError"]
    assert erp.quarantine.entries("order")[0].attempts == 2
    book.release("order", "5")
    assert erp.quarantine.entries() == []


def test_a_status_move_is_a_frozen_pair() -> None:
    move = StatusMove(get=11, set=9)
    assert move.moves
    assert not StatusMove(get=11, set=11).moves
    assert move == StatusMove(11, 9)
