"""The lägesrapport rhythm (pure: no Flask, no database).

Länsstyrelsen often asks for reports at fixed clock times (e.g. 08:00 and
14:00) rather than "every four hours". An incident may carry such times
(`Incident.report_times`, "08:00,14:00", Europe/Stockholm); the next report
is then due at the first of them after now, else every DEFAULT_INTERVAL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")
DEFAULT_INTERVAL = timedelta(hours=4)
MAX_TIMES = 12
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse(values: list[str] | str | None) -> list[time]:
    """Clock times from ["08:00", "14:00"] or "08:00,14:00", sorted, without duplicates; ValueError on junk."""
    if values is None:
        return []
    items = values.split(",") if isinstance(values, str) else list(values)
    out: set[time] = set()
    for raw in items:
        if not isinstance(raw, str):
            raise ValueError(str(raw))
        raw = raw.strip()
        if not raw:
            continue
        m = _HHMM.match(raw)
        if m is None:
            raise ValueError(raw)
        out.add(time(int(m.group(1)), int(m.group(2))))
    if len(out) > MAX_TIMES:
        raise ValueError("too many")
    return sorted(out)


def stored(times: list[time]) -> str | None:
    return ",".join(t.strftime("%H:%M") for t in times) or None


def next_at(now: datetime, times: list[time]) -> datetime:
    """The first of `times` (local) strictly after `now`; without times now + 4 h rounded up to the quarter."""
    if not times:
        t = (now + DEFAULT_INTERVAL).replace(second=0, microsecond=0)
        return t + timedelta(minutes=(-t.minute) % 15)
    local = now.astimezone(TZ)
    for days in range(0, 3):
        day = (local + timedelta(days=days)).date()
        for t in times:
            candidate = datetime.combine(day, t, tzinfo=TZ)
            if candidate > local:
                return candidate.astimezone(UTC)
    raise AssertionError("unreachable: a clock time recurs every day")
