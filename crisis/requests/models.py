"""Resource requests (resursförfrågningar) of an incident: begäran om stöd and erbjudanden, with history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db


class ResourceRequest(db.Model):
    """What, how much, why, how urgent, from and to which actor (one side, the NULL one, is the kommun)."""

    __tablename__ = "resource_requests"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))  # request | offer
    what: Mapped[str] = mapped_column(sa.String(200))
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(sa.String(40), default="st")
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    priority: Mapped[str] = mapped_column(sa.String(16))  # urgent | high | normal
    from_actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actors.id"))
    to_actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actors.id"))
    status: Mapped[str] = mapped_column(sa.String(16))
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class ResourceRequestChange(db.Model):
    """One status change of a request: who, when, from, to, note."""

    __tablename__ = "resource_request_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("resource_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str | None] = mapped_column(sa.String(64))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
