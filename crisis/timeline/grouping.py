"""The local hour of a log entry (pure: no Flask, no database). The page script groups by it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")


def hour_key(moment: datetime, tz: ZoneInfo = TZ) -> str:
    """'YYYY-MM-DD HH' in local time (the same key the page script computes)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H")
