"""What the CLI prints: a progress line on a terminal, and readable summaries."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bigcommerce_connect.sync.dashboard import Dashboard
from bigcommerce_connect.sync.report import RunReport

__all__ = ["print_summary", "progress_printer"]


def progress_printer(stream: TextIO | None = None) -> Callable[[str, RunReport], None] | None:
    """A callback that rewrites one status line, or None when ``stream`` is not a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def show(stage: str, report: RunReport) -> None:
        stream.write(
            f"\r  {stage:<10} customers {report.customers_created + report.customers_updated:>5}"
            f"  orders {report.orders_imported:>5}  moved {report.statuses_moved:>5}"
            f"  quarantined {report.orders_quarantined:>3}  calls {report.api_calls:>5}"
        )
        stream.flush()

    return show


def print_summary(
    report: RunReport,
    *,
    before: Dashboard | None = None,
    after: Dashboard | None = None,
    stream: TextIO | None = None,
    notifications: int = 8,
) -> None:
    """A short, readable account of one run."""
    w = (stream or sys.stdout).write
    mode = " (preview: nothing was written)" if report.preview else ""
    w(f"\nSync of {report.store or 'the store'}{mode}\n")
    w(
        f"  customers   {report.customers_created} created, {report.customers_updated} updated, "
        f"{report.customers_skipped} unchanged, {report.customers_quarantined} quarantined\n"
    )
    w(
        f"  orders      {report.orders_imported} imported, {report.orders_updated} updated, "
        f"{report.orders_skipped} skipped, {report.orders_quarantined} quarantined\n"
    )
    w(f"  statuses    {report.statuses_moved} moved, {report.status_moves_failed} failed\n")
    w(f"  inventory   {report.inventory_pushed} items pushed\n")
    w(f"  API calls   {report.api_calls} in {report.duration_seconds:.1f}s\n")
    if before is not None and after is not None:
        w(
            f"  dashboard   to fulfill {before.to_fulfill} -> {after.to_fulfill}, "
            f"to ship {before.to_ship} -> {after.to_ship}\n"
        )
    if report.notifications:
        total = len(report.notifications) + report.notifications_dropped
        w(f"  notifications ({total}):\n")
        for note in report.notifications[:notifications]:
            w(f"    [{note.kind.value}] {note.code}: {note.message}\n")
        if total > notifications:
            w(f"    ... and {total - notifications} more\n")
    for error in report.errors:
        w(f"  error: {error}\n")
