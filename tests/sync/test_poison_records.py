"""No record can stop a run, and no short or half-read order is ever moved.

One record the store sent badly (text that is not Unicode, JSON nested too deep, lines that do
not add up) or the ERP cannot store is quarantined with an alert, or kept with a warning when
the client could repair it; the other records go on, and quarantining itself never fails on
the data it keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import pytest

from bigcommerce_connect import BigCommerceClient, OrderStatus
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.notifications import Notification, NotificationKind
from bigcommerce_connect.ports import QuarantineEntry
from bigcommerce_connect.sync import (
    ImportOptions,
    MissingItemPolicy,
    RunReport,
    StoreImporter,
    SyncRunner,
)
from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport

from .conftest import MakeRig, Rig, catalogue_of

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)
LONE = "\ud83d"


@pytest.fixture
def sqlite_erp(tmp_path: Path, make_rig: MakeRig) -> Iterator[SqliteErp]:
    rig = make_rig()  # only for its sandbox's catalogue
    erp = SqliteErp(tmp_path / "erp.db", items=catalogue_of(rig.sb))
    yield erp
    erp.close()


def refs(ids: list[int]) -> list[str]:
    return sorted(f"BC{i}" for i in ids)


def cycle(rig: Rig) -> RunReport:
    """One "auto import" cycle: customers, then orders."""
    return SyncRunner(rig.client, rig.settings, rig.ports, rig.importer.options).run_now()


def coded(report: RunReport, code: str) -> list[Notification]:
    return [n for n in report.notifications if n.code == code]


# -- text and depth repaired on the wire ---------------------------------------------------------


def test_text_repaired_on_the_wire_is_imported_with_a_warning_naming_it(
    make_rig: MakeRig, sqlite_erp: SqliteErp
) -> None:
    rig = make_rig(erp=sqlite_erp)
    waiting = rig.store_orders_in(AF)
    # Lone surrogate escapes in every name of the first customer page (valid JSON, no text).
    rig.sb.knobs.fail_next("bad_text", n=1, path_prefix="/v3/customers")
    report = cycle(rig)
    assert not report.failed, report.errors
    assert rig.erp_order_refs() == refs(waiting)
    repaired = coded(report, "record.text.repaired")
    assert repaired
    assert all(n.kind is NotificationKind.WARNING and n.entity == "customer" for n in repaired)
    fields = {n.details["field"] for n in repaired}
    assert "first_name" in fields
    first = repaired[0]
    assert str(first.external_id) in first.message
    assert first.details["field"] in first.message
    names = [c.first_name for c in sqlite_erp.customers.all().values()]
    assert any("\ufffd" in name for name in names)
    assert not any(LONE in name for name in names)


def test_an_order_nested_too_deep_is_quarantined_then_imported_next_run(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    waiting = rig.store_orders_in(AF)
    # The queue's top read, then the page of orders: its first order gets a 10,000-deep field.
    rig.sb.knobs.fail_next("deep_json", n=2, path_prefix="/v2/orders")
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    deep = waiting[0]
    assert [e.external_id for e in rig.erp.quarantine.entries("order")] == [str(deep)]
    assert [n.code for n in report.notifications if n.kind is NotificationKind.ALERT] == [
        "order.import.json_depth"
    ]
    assert rig.store_orders_in(AF) == [deep]  # not moved
    assert rig.erp_order_refs() == refs(waiting[1:])
    rig.later()
    again = rig.importer.import_orders()
    assert again.orders_imported == 1
    assert rig.store_orders_in(AF) == []
    assert rig.erp.quarantine.entries() == []


def test_a_customer_nested_too_deep_is_quarantined_and_the_rest_imported(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    rig.sb.knobs.fail_next("deep_json", n=1, path_prefix="/v3/customers")
    report = rig.importer.import_customers()
    assert not report.failed, report.errors
    entries = rig.erp.quarantine.entries("customer")
    assert len(entries) == 1
    assert entries[0].code == "json_depth"
    assert report.customers_created == len(rig.sb.store.customers) - 1
    assert [n.code for n in coded(report, "customer.import.json_depth")]


# -- what the ERP cannot store ---------------------------------------------------------------------


def _refuse_email(erp: SqliteErp, email: str) -> None:
    """The ERP fails on one customer, and its message holds text no UTF-8 encoder takes."""

    def refusing(create: Callable[..., str]) -> Callable[..., str]:
        def wrapper(record: Any, **kwargs: Any) -> str:
            if getattr(record, "email", None) == email or (
                getattr(record, "billing_email", None) == email
            ):
                # As an adapter quoting the value it could not encode (SQLite's own message
                # escapes it; a host's may not).
                raise ValueError(f"cannot store the name 'Ann{LONE}': surrogates not allowed")
            return create(record, **kwargs)

        return wrapper

    erp.customers.create = refusing(erp.customers.create)  # type: ignore[method-assign]


def test_a_customer_the_erp_cannot_store_never_stops_the_run(
    make_rig: MakeRig, sqlite_erp: SqliteErp
) -> None:
    rig = make_rig(erp=sqlite_erp)
    waiting = rig.store_orders_in(AF)
    with rig.sb.store.locked() as store:
        target = next(
            store.orders[i]["customer_id"] for i in waiting if store.orders[i]["customer_id"]
        )
        email = store.customers[target]["email"]
        theirs = sorted(i for i in waiting if store.orders[i]["customer_id"] == target)
    _refuse_email(sqlite_erp, email)
    report = cycle(rig)
    assert not report.failed, report.errors
    # The customer is quarantined, its reason cleaned of the text the database refused.
    (entry,) = sqlite_erp.quarantine.entries("customer")
    assert entry.external_id == str(target)
    assert entry.code == "ValueError"
    assert "\ufffd" in entry.reason
    assert LONE not in entry.reason
    # Its orders need it (and fail the same way): quarantined, not moved. All others import.
    assert sorted(int(e.external_id) for e in sqlite_erp.quarantine.entries("order")) == theirs
    others = [i for i in waiting if i not in theirs]
    assert rig.erp_order_refs() == refs(others)
    assert rig.store_orders_in(AF) == theirs


def test_sqlite_quarantine_keeps_a_payload_no_utf8_encoder_takes(tmp_path: Path) -> None:
    erp = SqliteErp(tmp_path / "erp.db")
    now = datetime.now(timezone.utc)
    payload = {"billing_address": {"first_name": f"Ann{LONE}"}, "note": "Zoë 🙂"}
    entry = QuarantineEntry(
        entity="order",
        external_id="7",
        code="x",
        reason="y",
        payload=payload,
        first_failed=now,
        last_failed=now,
    )
    erp.quarantine.put(entry)
    assert erp.quarantine.entries("order")[0].payload == payload
    erp.close()


class _Refusing:
    """A host quarantine that fails: always, or only on a payload beyond the bare id."""

    def __init__(self, inner: Any, *, minimal_ok: bool) -> None:
        self.inner = inner
        self.minimal_ok = minimal_ok

    def put(self, entry: QuarantineEntry) -> None:
        if self.minimal_ok and entry.payload.get("payload_stored") is False:
            self.inner.put(entry)
            return
        raise OSError("disk full")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("minimal_ok", [False, True])
def test_a_quarantine_that_cannot_be_written_never_stops_the_run(
    make_rig: MakeRig, minimal_ok: bool
) -> None:
    erp = MemoryErp(items=[])  # every catalogue line misses its item: every order quarantines
    options = ImportOptions(settle=timedelta(0), missing_item_policy=MissingItemPolicy.QUARANTINE)
    rig = make_rig(erp=erp, options=options)
    waiting = rig.store_orders_in(AF)
    real = erp.quarantine
    ports = attrs.evolve(rig.ports, quarantine=_Refusing(real, minimal_ok=minimal_ok))
    importer = StoreImporter(rig.client, rig.settings, ports, options)
    report = importer.import_orders()
    assert not report.failed
    assert report.orders_quarantined == len(waiting)
    assert rig.store_orders_in(AF) == waiting  # none moved: the next run brings them back
    if minimal_ok:
        stored = real.entries("order")
        assert sorted(int(e.external_id) for e in stored) == waiting
        assert all(e.payload == {"id": e.external_id, "payload_stored": False} for e in stored)
        assert not coded(report, "order.quarantine.failed")
    else:
        assert real.entries("order") == []
        failed = coded(report, "order.quarantine.failed")
        assert len(failed) == len(waiting)
        assert all(n.kind is NotificationKind.ERROR for n in failed)
        assert len(report.errors) == len(waiting)
    # With a quarantine that works again, the next run keeps every entry.
    rig.later()
    again = rig.importer.import_orders()
    assert again.orders_quarantined == len(waiting)
    assert sorted(int(e.external_id) for e in real.entries("order")) == waiting


def test_an_order_failing_again_is_not_alerted_again(make_rig: MakeRig) -> None:
    options = ImportOptions(settle=timedelta(0), missing_item_policy=MissingItemPolicy.QUARANTINE)
    rig = make_rig(erp=MemoryErp(items=[]), options=options)
    waiting = rig.store_orders_in(AF)
    first = rig.importer.import_orders()
    assert len([n for n in first.notifications if n.kind is NotificationKind.ALERT]) == len(waiting)
    rig.later()
    # The queue brings every quarantined order back each run: tried again, counted, but the
    # person was told once.
    second = rig.importer.import_orders()
    assert second.orders_quarantined == len(waiting)
    assert not [n for n in second.notifications if n.kind is NotificationKind.ALERT]
    assert all(e.attempts == 2 for e in rig.erp.quarantine.entries("order"))


# -- lines that do not add up ------------------------------------------------------------------


def test_an_order_whose_lines_do_not_add_up_is_quarantined_not_moved(make_rig: MakeRig) -> None:
    rig = make_rig()
    waiting = rig.store_orders_in(AF)
    short = waiting[0]
    with rig.sb.store.locked() as store:
        counted = store.orders[short]["items_total"]
        store.orders[short]["items_total"] = counted + 3
    report = rig.importer.import_orders()
    (entry,) = rig.erp.quarantine.entries("order")
    assert (entry.external_id, entry.code) == (str(short), "order.lines.incomplete")
    assert coded(report, "order.import.order.lines.incomplete")
    assert rig.store_orders_in(AF) == [short]
    assert f"BC{short}" not in rig.erp_order_refs()
    with rig.sb.store.locked() as store:
        store.orders[short]["items_total"] = counted
        store.orders[short]["date_modified"] = store.now()
    rig.later()
    rig.importer.import_orders()
    assert rig.store_orders_in(AF) == []
    assert rig.erp_order_refs() == refs(waiting)
    assert rig.erp.quarantine.entries() == []


def test_bundled_lines_count_once_in_the_line_check(make_rig: MakeRig) -> None:
    rig = make_rig()
    bundle = 4  # the seed's pick-list bundle: a parent line and two bundled children
    with rig.sb.store.locked() as store:
        store.orders[bundle]["status_id"] = AF
        assert any(line.get("is_bundled_product") for line in store.lines_of(bundle))
    report = rig.importer.import_orders()
    assert not rig.erp.quarantine.entries(), report.notifications
    assert f"BC{bundle}" in rig.erp_order_refs()


class _NoEmbedding(Urllib3Transport):
    """A store that ignores ``include`` on the order list: lines come from /products."""

    def send(self, request: HttpRequest) -> HttpResponse:
        parts = urlsplit(request.url)
        if request.method == "GET" and parts.path.endswith("/v2/orders"):
            query = [(k, v) for k, v in parse_qsl(parts.query) if k != "include"]
            request = attrs.evolve(request, url=urlunsplit(parts._replace(query=urlencode(query))))
        return super().send(request)


def test_a_short_page_of_lines_never_makes_a_short_order(make_rig: MakeRig) -> None:
    rig = make_rig()
    big = rig.sb.store.add_order(status_id=AF, line_count=60)
    client = BigCommerceClient.from_settings(
        rig.settings, transport=_NoEmbedding(), sleep=lambda _s: None
    )
    importer = StoreImporter(client, rig.settings, rig.ports, rig.importer.options)
    # A store serving at most 50 lines a page, whose first page of this order holds half.
    rig.sb.knobs.max_page_size = 50
    rig.sb.knobs.fail_next("short_page", n=1, path_prefix=f"/v2/orders/{big}/products")
    with client:
        report = importer.import_orders()
        assert [e.external_id for e in rig.erp.quarantine.entries("order")] == [str(big)]
        assert rig.store_orders_in(AF) == [big]
        assert f"BC{big}" not in rig.erp_order_refs()
        assert report.orders_quarantined == 1
        rig.later()
        importer.import_orders()  # every page whole: 50 + 10 lines
    order = next(o for o, _ in rig.erp.sales_orders.all().values() if o.external_ref == f"BC{big}")
    assert len(order.lines) == 60
    assert rig.store_orders_in(AF) == []
    assert rig.erp.quarantine.entries() == []
