"""The decision register (beslutsförteckning) of an incident."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.enums import DecisionStatus, DecisionType
from crisis.extensions import db
from crisis.incidents.models import str_enum


class Decision(db.Model):
    """One decision: numbered per incident (B-1, B-2, ...) and also a `decision` entry in the log.

    The text and the reasoning never change (the log entry is the record);
    status, who carries it out, follow-up and the report (anmälan) do.
    """

    __tablename__ = "decisions"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    type: Mapped[DecisionType] = mapped_column(str_enum(DecisionType))
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    decided_by: Mapped[str] = mapped_column(sa.String(200))
    mandate: Mapped[str] = mapped_column(sa.String(300))
    mandate_key: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.Text)
    executed_by: Mapped[str | None] = mapped_column(sa.String(200))
    follow_up_at: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    status: Mapped[DecisionStatus] = mapped_column(str_enum(DecisionStatus), default=DecisionStatus.IN_FORCE)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    # The body it must be reported to (anmälan), e.g. "kommunstyrelsen".
    report_to: Mapped[str | None] = mapped_column(sa.String(200))
    reported_at: Mapped[datetime | None]
    # A stabsorientering (meetings domain); no foreign key until that table exists.
    meeting_id: Mapped[int | None]
    # The number of its `decision` entry in the log.
    log_number: Mapped[int]
    data: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
