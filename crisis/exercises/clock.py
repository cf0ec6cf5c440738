"""The exercise clock: scenario minutes elapsed, and the wall time a scenario offset is
reached. Pure (no Flask, no queries); the clock state is on the `Exercise` row:
`clock_minutes` at `clock_at`, advancing at `speed` while running."""

from __future__ import annotations

from datetime import datetime, timedelta

from crisis.db import utcnow
from crisis.exercises.models import Exercise, ExerciseStatus


def scenario_minutes(ex: Exercise, now: datetime | None = None) -> float:
    """Scenario minutes elapsed: advancing while running, frozen while paused or over."""
    if ex.status is ExerciseStatus.RUNNING and ex.clock_at is not None:
        now = now or utcnow()
        return ex.clock_minutes + max(0.0, (now - ex.clock_at).total_seconds()) * ex.speed / 60.0
    return ex.clock_minutes


def due_at(ex: Exercise, offset_minutes: float) -> datetime:
    """Wall time at which a scenario offset is reached, from the clock base (or the planned start)."""
    base = ex.clock_at if ex.clock_at is not None else ex.start_at
    base_minutes = ex.clock_minutes if ex.clock_at is not None else 0.0
    return base + timedelta(seconds=(offset_minutes - base_minutes) * 60.0 / ex.speed)
