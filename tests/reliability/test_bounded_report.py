"""A run over a large store stays flat in memory even when every order notifies: the report
keeps the first thousand notifications and counts the rest; the host gets every one."""

from __future__ import annotations

from datetime import datetime, timezone

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.notifications import KEEP_SENT, NotificationKind
from bigcommerce_connect.sync import ErpPorts, ImportOptions, SyncContext
from bigcommerce_connect.sync.report import RunReport


def test_the_report_keeps_a_bounded_number_of_notifications() -> None:
    settings = StoreSettings.from_dict(
        {"api_path": "https://api.bigcommerce.com/stores/abc123/v3/", "api_token": "t"}
    )
    erp = MemoryErp()
    clock = FixedClock(datetime(2024, 1, 1, tzinfo=timezone.utc))
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=clock)
    with BigCommerceClient.from_settings(settings) as client:
        ctx = SyncContext(client, settings, ports, ImportOptions())
        for i in range(KEEP_SENT + 25):
            ctx.notify(NotificationKind.ELECTION, "item.sku.several", f"order {i}: chose one")
    assert len(erp.notifier.notifications) == KEEP_SENT + 25
    assert len(ctx.report.notifications) == KEEP_SENT
    assert len(ctx.notifier.sent) == KEEP_SENT
    assert ctx.report.notifications_dropped == 25
    assert ctx.report.to_dict()["notifications_dropped"] == 25
    assert isinstance(ctx.report, RunReport)
