"""Exercises (övningar): a scheduled run of a scenario, its injects, and observations.

An Exercise is scheduled from a scenario file; its injects are copied into
InjectDelivery rows when it is scheduled, so a later edit of the YAML never
changes a running or finished exercise. At start an exercise incident
(mode `exercise`) is created from the scenario's playbook and every inject
gets its wall-clock `due_at`.

The exercise clock: `clock_at` is the wall time at which the clock was last
(re)based and `clock_minutes` the scenario minutes elapsed at that moment.
While running, scenario minutes = clock_minutes + (now - clock_at) * speed / 60,
so an inject at `offset_minutes` is due at
clock_at + (offset_minutes - clock_minutes) * 60 / speed. Pausing freezes the
clock (clock_minutes = scenario now); resuming re-bases it at the resume time,
so every later offset shifts by the pause; `total_paused` records the sum.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class ExerciseStatus(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"
    STOPPED = "stopped"  # ÖVNINGSSTOPP: halted at once


OPEN_STATUSES = (ExerciseStatus.SCHEDULED, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED)
OVER_STATUSES = (ExerciseStatus.ENDED, ExerciseStatus.STOPPED)


class Exercise(db.Model):
    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_key: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    playbook_key: Mapped[str] = mapped_column(sa.String(64))
    duration_minutes: Mapped[int]
    start_at: Mapped[datetime]  # the scheduled start
    speed: Mapped[float]  # 1 = real time, 60 = a scenario minute per second
    status: Mapped[ExerciseStatus] = mapped_column(str_enum(ExerciseStatus), default=ExerciseStatus.SCHEDULED)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    started_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    total_paused: Mapped[float] = mapped_column(default=0.0)  # seconds
    ended_at: Mapped[datetime | None]
    clock_at: Mapped[datetime | None]
    clock_minutes: Mapped[float] = mapped_column(default=0.0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by: Mapped[str | None] = mapped_column(sa.String(200))
    stop_reason: Mapped[str | None] = mapped_column(sa.String(1000))

    @property
    def is_over(self) -> bool:
        return self.status in OVER_STATUSES


class InjectDelivery(db.Model):
    """One inject of one exercise: the scenario's copy, when it is due, when it was delivered."""

    __tablename__ = "exercise_injects"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "inject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    inject_id: Mapped[str] = mapped_column(sa.String(64))
    sort_order: Mapped[int] = mapped_column(default=0)
    adhoc: Mapped[bool] = mapped_column(default=False)
    offset_minutes: Mapped[float]
    sender: Mapped[str] = mapped_column(sa.String(300))
    channel: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    target_position: Mapped[str] = mapped_column(sa.String(64))
    expected_action: Mapped[str | None] = mapped_column(sa.Text)
    due_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    log_number: Mapped[int | None]
    late: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Observation(db.Model):
    """An evaluation note by exercise control or an observer, optionally about one inject."""

    __tablename__ = "exercise_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    inject_id: Mapped[str | None] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
