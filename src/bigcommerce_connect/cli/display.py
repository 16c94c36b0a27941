"""What the CLI prints: a progress line on a terminal, and readable summaries.

Text that can come from the store (names, labels, error titles) or from files goes through
:func:`terminal_text` (or :func:`json_text`) before it is printed, so a store cannot move
the cursor, clear the screen, retitle the window or reorder a line with bidi overrides.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import TextIO

from bigcommerce_connect.errors import _escape
from bigcommerce_connect.sync.dashboard import Dashboard
from bigcommerce_connect.sync.report import RunReport

__all__ = ["json_text", "print_summary", "progress_printer", "terminal_text"]

# Whole escape sequences, dropped: CSI (ESC [ or 8-bit CSI), OSC/DCS/SOS/PM/APC strings with
# their terminator (BEL or ST), and the other ESC forms (an unterminated string loses only its
# introducer, so the text after it still shows).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]?"
)
# What JSON leaves raw with ensure_ascii=False but a terminal acts on (DEL, C1, bidi controls,
# line separators, lone surrogates): escaped as \uXXXX, which is still valid JSON.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal_text(text: object) -> str:
    """``text`` safe to print on a terminal: escape sequences dropped, other controls escaped.

    CSI/OSC and other ESC sequences are removed whole; any control character left (C0, DEL,
    C1: BEL shows as ``\\x07``, a newline as ``\\n``), lone surrogates and bidi overrides
    are escaped as :func:`bigcommerce_connect.errors.safe_text` escapes them. The rest of
    the text, spaces included, is kept as it is.
    """
    return "".join(_escape(char) for char in _SEQUENCE.sub("", str(text)))


def json_text(value: object, *, indent: int | None = None) -> str:
    """``value`` as JSON (non-ASCII kept readable) with every terminal control ``\\u``-escaped."""
    raw = json.dumps(value, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", raw)


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
    w(f"\nSync of {terminal_text(report.store or 'the store')}{mode}\n")
    w(
        f"  customers   {report.customers_created} created, {report.customers_updated} updated, "
        f"{report.customers_skipped} unchanged, {report.customers_quarantined} quarantined\n"
    )
    w(
        f"  orders      {report.orders_imported} imported, {report.orders_updated} updated, "
        f"{report.orders_skipped} skipped, {report.orders_quarantined} quarantined\n"
    )
    w(f"  statuses    {report.statuses_moved} moved, {report.status_moves_failed} failed\n")
    if report.order_changes or report.order_changes_failed:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.order_changes.items()))
        w(f"  changes     {kinds or 'none'}; {report.order_changes_failed} failed\n")
    w(f"  inventory   {report.inventory_pushed} items pushed\n")
    w(f"  API calls   {report.api_calls} in {report.duration_seconds:.1f}s\n")
    if before is not None and after is not None:
        w(
            f"  dashboard   to fulfill {before.to_fulfill} -> {after.to_fulfill}, "
            f"to ship {before.to_ship} -> {after.to_ship}\n"
        )
    # A preview delivers no notification: it lists the ones it would have sent.
    for title, notes, dropped in (
        ("notifications", report.notifications, report.notifications_dropped),
        ("would notify", report.would_notify, report.would_notify_dropped),
    ):
        if not notes:
            continue
        total = len(notes) + dropped
        w(f"  {title} ({total}):\n")
        for note in notes[:notifications]:
            code, message = terminal_text(note.code), terminal_text(note.message)
            w(f"    [{note.kind.value}] {code}: {message}\n")
        if total > notifications:
            w(f"    ... and {total - notifications} more\n")
    for error in report.errors:
        w(f"  error: {terminal_text(error)}\n")
