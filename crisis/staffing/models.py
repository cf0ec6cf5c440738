from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis.auth.models import User
from crisis.db import utcnow
from crisis.extensions import db


class Position(db.Model):
    __tablename__ = "positions"
    __table_args__ = (sa.UniqueConstraint("incident_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignments: Mapped[list[Assignment]] = relationship(back_populates="position", order_by="Assignment.checked_in_at")


class Assignment(db.Model):
    """One person holding one position for a stretch of time."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_out_at: Mapped[datetime | None]
    handover_note: Mapped[str | None] = mapped_column(sa.Text)

    position: Mapped[Position] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()
