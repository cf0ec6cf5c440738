"""A larmövning (call-out drill): a test message to everyone on a call-out list, without
an incident, measuring how long each person takes to acknowledge."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum
from crisis.playbooks.models import AckVia


class Drill(db.Model):
    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    playbook_key: Mapped[str] = mapped_column(sa.String(40))
    playbook_title: Mapped[str] = mapped_column(sa.String(200))
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_by: Mapped[str] = mapped_column(sa.String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DrillEntry(db.Model):
    __tablename__ = "drill_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(sa.ForeignKey("drills.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(64), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    ack_at: Mapped[datetime | None]
    ack_via: Mapped[AckVia | None] = mapped_column(str_enum(AckVia))
