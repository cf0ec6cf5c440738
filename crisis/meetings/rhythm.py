"""The meeting rhythm: fixed clock times in Europe/Stockholm, and the next ones after a moment.

Pure module. A rhythm is a sorted list of "HH:MM" clock times. "Every N hours
from HH:MM" is expanded to the clock times of one day. Across a DST change a
clock time keeps its wall-clock meaning: 08:00 is 08:00 local on both sides;
a time that does not exist (02:30 on the spring-forward night) moves to the
first minute after the gap, and one that exists twice (02:30 in October)
means the first of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_TIMES = 24


class RhythmError(ValueError):
    pass


def parse_times(values: Iterable[str]) -> list[str]:
    """Validated, deduplicated, sorted "HH:MM" times; raises RhythmError."""
    out: set[str] = set()
    for value in values:
        text = str(value).strip()
        if len(text) == 4 and text[1] == ":":
            text = "0" + text
        if not _HHMM.match(text):
            raise RhythmError(text)
        out.add(text)
    if len(out) > MAX_TIMES:
        raise RhythmError("too many")
    return sorted(out)


def every(hours: int, start: str) -> list[str]:
    """Every `hours` hours from `start`, as the clock times of one day."""
    if not 1 <= hours <= 24:
        raise RhythmError(str(hours))
    first = parse_times([start])[0]
    h, m = int(first[:2]), int(first[3:])
    return sorted({f"{(h + k * hours) % 24:02d}:{m:02d}" for k in range(24 // hours or 1)})


def local_instant(day: date, hhmm: str) -> datetime:
    """The UTC instant of wall-clock `hhmm` on `day` in Stockholm (see module docstring for DST)."""
    naive = datetime.combine(day, time(int(hhmm[:2]), int(hhmm[3:])))
    aware = naive.replace(tzinfo=STOCKHOLM, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(STOCKHOLM).replace(tzinfo=None) != naive:
        # In the spring-forward gap: the first minute that exists after it.
        later = naive + timedelta(hours=1)
        utc = later.replace(tzinfo=STOCKHOLM).astimezone(UTC)
        utc = utc - timedelta(minutes=later.minute)
    return utc


def next_times(times: Iterable[str], after: datetime, count: int = 1) -> list[datetime]:
    """The next `count` meeting instants (UTC) strictly after `after` (aware)."""
    clock = parse_times(times)
    if not clock or count < 1:
        return []
    if after.tzinfo is None:
        raise RhythmError("naive datetime")
    day = after.astimezone(STOCKHOLM).date()
    found: list[datetime] = []
    while len(found) < count:
        for hhmm in clock:
            at = local_instant(day, hhmm)
            if at > after and at not in found:
                found.append(at)
                if len(found) == count:
                    break
        day += timedelta(days=1)
    return found
