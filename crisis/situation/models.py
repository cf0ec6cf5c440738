"""The lägesbild: one row per saved version of an incident's internal picture."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db


class SituationVersion(db.Model):
    """Version N of the lägesbild; never changed once written (a save adds N+1)."""

    __tablename__ = "situation_versions"
    __table_args__ = (sa.UniqueConstraint("incident_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    version: Mapped[int]
    # {"handelse": str, "omfattning": str, "konsekvenser": {category: str}, "resurser": str, ...}
    sections: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
