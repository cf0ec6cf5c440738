"""Lessons (erfarenheter) from incidents and exercises, and the history of each."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class LessonStatus(StrEnum):
    PROPOSED = "proposed"  # föreslagen
    DECIDED = "decided"  # beslutad
    IN_PROGRESS = "in_progress"  # pågår
    DONE = "done"  # genomförd
    DROPPED = "dropped"  # avförd


OPEN_LESSON_STATUSES = (LessonStatus.PROPOSED, LessonStatus.DECIDED, LessonStatus.IN_PROGRESS)


class Lesson(db.Model):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    exercise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    observation: Mapped[str] = mapped_column(sa.Text)
    recommendation: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deadline: Mapped[date | None]
    status: Mapped[LessonStatus] = mapped_column(str_enum(LessonStatus), default=LessonStatus.PROPOSED)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(200))

    changes: Mapped[list[LessonChange]] = relationship(order_by="LessonChange.id", back_populates="lesson")


class LessonChange(db.Model):
    """One field of a lesson changed (status, owner, deadline): who, when, from and to."""

    __tablename__ = "lesson_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lessons.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(32))
    old: Mapped[str | None] = mapped_column(sa.String(300))
    new: Mapped[str | None] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(sa.String(200))

    lesson: Mapped[Lesson] = relationship(back_populates="changes")
