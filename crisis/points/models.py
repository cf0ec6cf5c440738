"""Service points of an incident: trygghetspunkter, nödvattenplatser, krisstöd (POSOM), evakueringslokaler."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db


class ServicePoint(db.Model):
    __tablename__ = "service_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    # trygghetspunkt | nodvatten | krisstod | evakuering
    kind: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    site_key: Mapped[str | None] = mapped_column(sa.String(64))
    # planned | open | closed
    status: Mapped[str] = mapped_column(sa.String(16), default="planned")
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    hours: Mapped[str | None] = mapped_column(sa.String(200))
    staffing: Mapped[str | None] = mapped_column(sa.String(500))
    capacity: Mapped[int | None]
    backup_power: Mapped[bool] = mapped_column(default=False)
    rakel: Mapped[bool] = mapped_column(default=False)
    water_litres: Mapped[int] = mapped_column(default=0)
    # Priority customers (e.g. dialysis at home): confidential, shown only with read_confidential.
    priority_count: Mapped[int | None]
    priority_note: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
