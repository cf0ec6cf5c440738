"""Grouping log entries by local hour (pure: no Flask, no database)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")


def hour_key(moment: datetime, tz: ZoneInfo = TZ) -> str:
    """'YYYY-MM-DD HH' in local time (the same key the page script computes)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H")


def by_hour(entries: Iterable[Mapping[str, Any]], *, at: Callable[[Mapping[str, Any]], datetime],
            tz: ZoneInfo = TZ) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Entries (each with a `number`; `at(entry)` its time) in time order, grouped by local hour."""
    ordered = sorted(entries, key=lambda e: (at(e), e["number"]))
    groups: list[tuple[str, list[Mapping[str, Any]]]] = []
    for e in ordered:
        key = hour_key(at(e), tz)
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(e)
    return groups
