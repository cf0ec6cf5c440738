"""The figures of a larmövning: time to acknowledge per person, median, slowest, missing.

Pure: no Flask, no database.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Person:
    name: str
    sent_at: datetime
    ack_at: datetime | None

    @property
    def seconds(self) -> int | None:
        if self.ack_at is None:
            return None
        return max(0, int((self.ack_at - self.sent_at).total_seconds()))


def summarise(people: Sequence[Person]) -> dict[str, Any]:
    """total, acknowledged, median_seconds, slowest {name, seconds}, not_acknowledged [names]."""
    times = [(p.seconds, p.name) for p in people if p.seconds is not None]
    slowest = max(times, key=lambda t: (t[0], t[1])) if times else None
    return {
        "total": len(people),
        "acknowledged": len(times),
        "median_seconds": int(statistics.median(t for t, _n in times)) if times else None,
        "slowest": {"name": slowest[1], "seconds": slowest[0]} if slowest else None,
        "not_acknowledged": [p.name for p in people if p.ack_at is None],
    }
