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


class Handover(db.Model):
    """An överlämning: the brief the leaving holder of a position signs for the one taking over.

    Generated from the record at check-out, edited and signed by the leaving
    person (`from_user`), then acknowledged (kvitterad) by the one taking over.
    """

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    position_id: Mapped[int] = mapped_column(sa.ForeignKey("positions.id"), index=True)
    from_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    position: Mapped[Position] = relationship()
    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
