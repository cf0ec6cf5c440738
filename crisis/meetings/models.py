"""Stabsorienteringar (staff meetings) of an incident and the incident's meeting rhythm."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.enums import MeetingStatus
from crisis.extensions import db
from crisis.incidents.models import str_enum


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    status: Mapped[MeetingStatus] = mapped_column(str_enum(MeetingStatus), default=MeetingStatus.PLANNED)
    scheduled_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    chair: Mapped[str] = mapped_column(sa.String(200), default="")
    attendees: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # agenda key -> note (the draft of the protocol; recorded in the log when the meeting ends)
    notes: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    current_item: Mapped[int] = mapped_column(default=0)
    # The log entry holding the meeting's protocol, once ended.
    record_log_number: Mapped[int | None]
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class MeetingRhythm(db.Model):
    """The clock times (Europe/Stockholm, "HH:MM") at which an incident's staff meets."""

    __tablename__ = "meeting_rhythms"

    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), primary_key=True)
    times: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def as_json(value: Any) -> Any:
    """A fresh copy for a JSON column (so SQLAlchemy sees the change)."""
    import copy

    return copy.deepcopy(value)
