from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db

EVENT_TYPES = (
    "incident.updated",
    "log.appended",
    "task.created",
    "task.updated",
    "staffing.changed",
    "site.status",
    "inject.delivered",
    "exercise.updated",
    "report.issued",
    "reminder.due",
    "callout.updated",
    "checklist.updated",
    "decision.recorded",
    "decision.updated",
    "meeting.updated",
    "situation.updated",
    "message.updated",
    "point.updated",
    "request.updated",
)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (sa.UniqueConstraint("incident_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(sa.String(200))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # Confidential events (a confidential log entry) never reach observers:
    # not live, not on replay.
    confidential: Mapped[bool] = mapped_column(default=False)

    def to_wire(self) -> dict[str, Any]:
        return {
            "incident": self.incident_id,
            "seq": self.seq,
            "type": self.type,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "data": self.data,
        }
