"""The övnings- och utbildningsplan (per mandate period), the training record and the TiB roster."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis.auth.models import User
from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class ActivityKind(StrEnum):
    EXERCISE = "exercise"  # övning
    TRAINING = "training"  # utbildning


class ActivityStatus(StrEnum):
    PLANNED = "planned"  # planerad
    HELD = "held"  # genomförd
    CANCELLED = "cancelled"  # inställd


class TrainingActivity(db.Model):
    """One planned exercise or training of the plan: for which staff functions, when, and whether it was held."""

    __tablename__ = "training_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(9), index=True)  # mandate period "2023-2026"
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ActivityKind] = mapped_column(str_enum(ActivityKind))
    functions: Mapped[str] = mapped_column(sa.String(500), default="")  # position keys, comma separated
    planned_on: Mapped[date]
    status: Mapped[ActivityStatus] = mapped_column(str_enum(ActivityStatus), default=ActivityStatus.PLANNED)
    held_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    records: Mapped[list[TrainingRecord]] = relationship(back_populates="activity", order_by="TrainingRecord.id")

    @property
    def function_keys(self) -> list[str]:
        return [k for k in self.functions.split(",") if k]


class TrainingRecord(db.Model):
    """Who was trained or exercised in which staff function, when, by which activity."""

    __tablename__ = "training_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    function: Mapped[str] = mapped_column(sa.String(64), index=True)
    on: Mapped[date]
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_activities.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    activity: Mapped[TrainingActivity | None] = relationship(back_populates="records")


class RosterEntry(db.Model):
    """Who is on duty for a function (tib, stabschef) in one ISO week."""

    __tablename__ = "roster_entries"
    __table_args__ = (sa.UniqueConstraint("year", "week", "function"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]  # ISO year
    week: Mapped[int]  # ISO week 1..53
    function: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
