"""Reports of abnormal events (avvikelser) to the TiB, and how each was assessed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class DeviationStatus(StrEnum):
    NEW = "new"  # not yet assessed
    MONITORING = "monitoring"  # bevakning, with a follow-up time
    DISMISSED = "dismissed"  # avskriven, with a reason
    ACTIVATED = "activated"  # a playbook was activated; attached to that incident


OPEN_DEVIATION_STATUSES = (DeviationStatus.NEW, DeviationStatus.MONITORING)


class Deviation(db.Model):
    __tablename__ = "deviations"

    id: Mapped[int] = mapped_column(primary_key=True)
    what: Mapped[str] = mapped_column(sa.Text)
    where: Mapped[str] = mapped_column(sa.String(300), default="")
    since: Mapped[datetime | None]
    services: Mapped[str] = mapped_column(sa.String(1000), default="")
    contact: Mapped[str] = mapped_column(sa.String(300))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reported_by: Mapped[str] = mapped_column(sa.String(200))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[DeviationStatus] = mapped_column(str_enum(DeviationStatus), default=DeviationStatus.NEW)
    follow_up_at: Mapped[datetime | None]
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[DeviationStep]] = relationship(order_by="DeviationStep.id", back_populates="deviation")

    def follow_up_due(self, now: datetime | None = None) -> bool:
        return (
            self.status is DeviationStatus.MONITORING
            and self.follow_up_at is not None
            and self.follow_up_at <= (now or utcnow())
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "what": self.what,
            "where": self.where,
            "since": self.since.isoformat() if self.since else None,
            "services": self.services,
            "contact": self.contact,
            "organisation": self.organisation,
            "reported_by": self.reported_by,
            "reported_at": self.reported_at.isoformat(),
            "status": self.status.value,
            "follow_up_at": self.follow_up_at.isoformat() if self.follow_up_at else None,
            "follow_up_due": self.follow_up_due(),
            "incident": self.incident_id,
            "updated_at": self.updated_at.isoformat(),
            "history": [s.to_dict() for s in self.steps],
        }


class DeviationStep(db.Model):
    """One step of a deviation's assessment history (it has no incident log yet)."""

    __tablename__ = "deviation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    deviation_id: Mapped[int] = mapped_column(sa.ForeignKey("deviations.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(20))  # reported|monitoring|follow_up_due|dismissed|activated
    text: Mapped[str] = mapped_column(sa.Text, default="")

    deviation: Mapped[Deviation] = relationship(back_populates="steps")

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "action": self.action, "text": self.text}
