"""After-action figures: which log entries and tasks respond to which inject, and how fast.

Pure module: no Flask, no database. The service turns rows into the plain
records below and calls :func:`evaluate`.

What counts as a response *linked* to an inject (shown on the evaluation page):

1. **By position** – a log entry written after the inject (a higher log
   number) by a person who held the inject's target position when writing
   it: the entry's recorded position is the target, or the author was
   checked in on the target position at the entry's ``recorded_at``.
2. **By reference** – a log entry written after the inject, by anyone, whose
   text refers to the inject's log entry as ``#N`` (N = the inject's log
   number, e.g. "Svar på #12: ...").
3. **By task** – a task whose origin is the inject's log entry
   (``origin_log_number == N``), created by anyone.

Never a response: system entries (``kind == "system"``), entries without a
person as author, and the entries of other injects. The *time to first
response* is the earliest ``recorded_at`` (log entry) or ``created_at``
(task) among the linked responses minus the inject's ``delivered_at``, in
seconds of wall-clock time; an inject with no linked response has none.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

BY_POSITION = "position"
BY_REFERENCE = "reference"
BY_TASK = "task"


@dataclass(frozen=True)
class InjectRecord:
    inject_id: str
    target_position: str
    log_number: int | None = None  # None: not delivered
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class EntryRecord:
    number: int
    recorded_at: datetime
    kind: str
    author_id: int | None
    position: str | None = None
    text: str = ""


@dataclass(frozen=True)
class TaskRecord:
    id: int
    created_at: datetime
    origin_log_number: int | None
    title: str = ""


@dataclass(frozen=True)
class Holding:
    """A user held a position from ``since`` until ``until`` (None: still holds it)."""

    user_id: int
    position: str
    since: datetime
    until: datetime | None = None

    def covers(self, at: datetime) -> bool:
        return self.since <= at and (self.until is None or at < self.until)


@dataclass(frozen=True)
class LinkedResponse:
    kind: str  # "log" or "task"
    ref: int  # the log entry number or the task id
    at: datetime
    how: str  # BY_POSITION, BY_REFERENCE or BY_TASK
    seconds: float  # after the inject's delivery


@dataclass(frozen=True)
class InjectEvaluation:
    inject_id: str
    delivered: bool
    responses: tuple[LinkedResponse, ...] = ()

    @property
    def first(self) -> LinkedResponse | None:
        return self.responses[0] if self.responses else None

    @property
    def response_seconds(self) -> float | None:
        return self.first.seconds if self.first else None


def _refers_to(text: str, number: int) -> bool:
    return re.search(rf"(?<![\w#])#{number}(?!\d)", text) is not None


def _held(entry: EntryRecord, position: str, holdings: Sequence[Holding]) -> bool:
    if entry.position == position:
        return True
    return any(
        h.user_id == entry.author_id and h.position == position and h.covers(entry.recorded_at) for h in holdings
    )


def link_responses(
    inject: InjectRecord,
    entries: Iterable[EntryRecord],
    tasks: Iterable[TaskRecord],
    holdings: Sequence[Holding] = (),
    inject_numbers: Collection[int] = (),
) -> InjectEvaluation:
    """Every response linked to one inject, earliest first (ties: log before task, lower ref first)."""
    if inject.log_number is None or inject.delivered_at is None:
        return InjectEvaluation(inject.inject_id, delivered=False)
    n, start = inject.log_number, inject.delivered_at
    found: list[LinkedResponse] = []
    for e in entries:
        if e.number <= n or e.kind == "system" or e.author_id is None or e.number in inject_numbers:
            continue
        if _refers_to(e.text, n):
            how = BY_REFERENCE
        elif _held(e, inject.target_position, holdings):
            how = BY_POSITION
        else:
            continue
        found.append(LinkedResponse("log", e.number, e.recorded_at, how, _seconds(start, e.recorded_at)))
    for t in tasks:
        if t.origin_log_number == n:
            found.append(LinkedResponse("task", t.id, t.created_at, BY_TASK, _seconds(start, t.created_at)))
    found.sort(key=lambda r: (r.at, r.kind != "log", r.ref))
    return InjectEvaluation(inject.inject_id, delivered=True, responses=tuple(found))


def _seconds(start: datetime, at: datetime) -> float:
    return max(0.0, (at - start).total_seconds())


def evaluate(
    injects: Sequence[InjectRecord],
    entries: Sequence[EntryRecord],
    tasks: Sequence[TaskRecord],
    holdings: Sequence[Holding] = (),
) -> list[InjectEvaluation]:
    """One evaluation per inject, in the order given."""
    numbers = {i.log_number for i in injects if i.log_number is not None}
    entries = sorted(entries, key=lambda e: e.number)
    return [link_responses(i, entries, tasks, holdings, numbers) for i in injects]


@dataclass(frozen=True)
class Summary:
    injects: int
    delivered: int
    answered: int
    unanswered: int
    median_seconds: float | None
    mean_seconds: float | None
    max_seconds: float | None
    answered_share: float | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "injects": self.injects,
            "delivered": self.delivered,
            "answered": self.answered,
            "unanswered": self.unanswered,
            "median_seconds": self.median_seconds,
            "mean_seconds": self.mean_seconds,
            "max_seconds": self.max_seconds,
            "answered_share": self.answered_share,
        }


def summarize(evaluations: Sequence[InjectEvaluation]) -> Summary:
    """Counts and response-time figures over the delivered injects."""
    delivered = [e for e in evaluations if e.delivered]
    times = [e.response_seconds for e in delivered if e.response_seconds is not None]
    return Summary(
        injects=len(evaluations),
        delivered=len(delivered),
        answered=len(times),
        unanswered=len(delivered) - len(times),
        median_seconds=round(statistics.median(times), 1) if times else None,
        mean_seconds=round(statistics.fmean(times), 1) if times else None,
        max_seconds=round(max(times), 1) if times else None,
        answered_share=round(len(times) / len(delivered), 3) if delivered else None,
    )


def format_duration(seconds: float | None) -> str:
    """ "4 min 05 s", "1 h 02 min", or "–" for none."""
    if seconds is None:
        return "–"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"
