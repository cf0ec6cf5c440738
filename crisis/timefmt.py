"""Time formatting: the one home. Krisrum shows and records times in Swedish time.

Pure module (no Flask, no web layer): services, the record (crisis.record_sv),
exports and templates all format through it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")


def local(dt: datetime | None) -> datetime | None:
    """The moment in Swedish time (None stays None)."""
    return dt.astimezone(TZ) if dt else None


def hhmm(dt: datetime | None) -> str:
    """'14:32' in Swedish time; '' for None."""
    return dt.astimezone(TZ).strftime("%H:%M") if dt else ""


def date_hhmm(dt: datetime | None) -> str:
    """'2026-11-24 14:32' in Swedish time; '' for None."""
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if dt else ""


# The names the templates and older callers know.
fmt_time = hhmm
fmt_datetime = date_hhmm
