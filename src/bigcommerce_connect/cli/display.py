"""What the CLI prints: a progress line on a terminal, and readable summaries.

Text that can come from the store (names, labels, error titles) or from files goes through
:func:`terminal_text` (or :func:`json_text`) before it is printed, so a store cannot move
the cursor, clear the screen, retitle the window or reorder a line with bidi overrides.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

from bigcommerce_connect.errors import _escape
from bigcommerce_connect.sync.dashboard import Dashboard
from bigcommerce_connect.sync.report import RunReport

_progress_log = logging.getLogger("bigcommerce_connect.cli.progress")

__all__ = [
    "ProgressDisplay",
    "json_text",
    "orders_done",
    "print_summary",
    "progress_line",
    "progress_printer",
    "terminal_text",
]

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


def orders_done(report: RunReport) -> int:
    """Orders the run has dealt with so far: imported, updated, skipped or quarantined."""
    return (
        report.orders_imported
        + report.orders_updated
        + report.orders_skipped
        + report.orders_quarantined
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def progress_line(stage: str, report: RunReport, *, total: int | None, elapsed: float) -> str:
    """One progress line: the stage, orders done of ``total`` with rate and ETA, the counts.

    ``total`` is the number of orders waiting when the run started (None: unknown, then
    neither share nor ETA shows); ``elapsed`` the seconds since the run started.
    """
    done = orders_done(report)
    rate = done / elapsed if elapsed > 0 else 0.0
    orders = f"orders {done:>5}"
    if total:
        orders += f"/{total} ({min(done, total) * 100 // total:>3}%)"
    pace = f"  {rate:.1f}/s" if done else ""
    if total and rate > 0 and done < total:
        pace += f"  ETA {_duration((total - done) / rate)}"
    customers = report.customers_created + report.customers_updated
    return (
        f"  {stage:<10} customers {customers:>5}  {orders}{pace}"
        f"  moved {report.statuses_moved:>5}  quarantined {report.orders_quarantined:>3}"
        f"  calls {report.api_calls:>5}"
    )


class ProgressDisplay:
    """The run's progress: one line rewritten in place on a terminal, else plain lines.

    Plain lines (a log file, a pipe) carry no carriage return: one when the stage changes and
    at most one every ``every`` seconds otherwise, written to ``stream`` or given to ``emit``.
    ``total`` (orders waiting) may be set once the run knows it.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        every: float = 10.0,
        emit: Callable[[str], object] | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.tty = emit is None and self.stream.isatty()
        self._emit = emit or (lambda line: self.stream.write(line + "\n"))
        self._clock = clock
        self._every = every
        self._started = clock()
        self._last_stage = ""
        self._last_line = -every
        self._width = 0
        self._held = ""

    def __call__(self, stage: str, report: RunReport) -> None:
        """Show where the run is (called after every page)."""
        now = self._clock()
        line = progress_line(stage, report, total=self.total, elapsed=now - self._started)
        if self.tty:
            # Spaces wipe what a longer previous line left behind.
            self.stream.write(f"\r{line}{' ' * max(0, self._width - len(line))}")
            self._width = len(line)
        elif stage != self._last_stage or now - self._last_line >= self._every:
            self._emit(line.strip())
            self._last_line = now
            self._held = ""
        else:
            self._held = line.strip()  # shown by end() if no later line replaces it
        self._last_stage = stage
        self.stream.flush()

    def end(self) -> None:
        """Finish the progress: end the rewritten line, or show the last plain line held back."""
        if self._held:
            self._emit(self._held)
            self._held = ""
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


def progress_printer(
    stream: TextIO | None = None, *, total: int | None = None, machine: bool = False
) -> ProgressDisplay:
    """A progress callback for a run: see :class:`ProgressDisplay`.

    On a terminal (and unless the output is for a machine, ``--json``) the line is rewritten
    in place on ``stream`` (stderr). Otherwise the plain lines are INFO log records, shown
    with ``-v``: a cron job's or a script's stderr stays empty unless asked.
    """
    stream = stream or sys.stderr
    if stream.isatty() and not machine:
        return ProgressDisplay(stream, total=total)
    return ProgressDisplay(stream, total=total, emit=_progress_log.info)


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
