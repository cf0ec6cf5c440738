"""The history of the kommun's readiness: one row per recorded government decision."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.enums import Readiness
from crisis.extensions import db
from crisis.incidents.models import str_enum


class ReadinessChange(db.Model):
    """One recorded change; the newest row is the current readiness (peace when there is none)."""

    __tablename__ = "readiness_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    readiness: Mapped[Readiness] = mapped_column(str_enum(Readiness))
    decided_at: Mapped[date | None]  # the date of the government's decision
    reference: Mapped[str | None] = mapped_column(sa.String(100))  # e.g. "Fö2026/01234"
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_by: Mapped[str] = mapped_column(sa.String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
