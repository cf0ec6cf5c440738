"""The RSA register (risk- och sårbarhetsanalys): risks, their assessment, shortcomings and measures.

Confidential (OSL 18 kap. 13 §): read only by roles that may read confidential data.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class MeasureStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class RsaRisk(db.Model):
    __tablename__ = "rsa_risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    likelihood: Mapped[int]  # 1..5
    consequence: Mapped[int]  # 1..5
    shortcomings: Mapped[str] = mapped_column(sa.Text, default="")  # brister
    playbooks: Mapped[str] = mapped_column(sa.String(500), default="")  # playbook keys, comma separated
    scenarios: Mapped[str] = mapped_column(sa.String(500), default="")  # exercise scenario keys
    lessons: Mapped[str] = mapped_column(sa.String(500), default="")  # lesson ids
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measures: Mapped[list[RsaMeasure]] = relationship(back_populates="risk", order_by="RsaMeasure.id")

    @property
    def playbook_keys(self) -> list[str]:
        return [k for k in self.playbooks.split(",") if k]

    @property
    def scenario_keys(self) -> list[str]:
        return [k for k in self.scenarios.split(",") if k]

    @property
    def lesson_ids(self) -> list[int]:
        return [int(k) for k in self.lessons.split(",") if k]

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence


class RsaMeasure(db.Model):
    """An åtgärd decided for a risk: text, owner, due date, open or done (and when)."""

    __tablename__ = "rsa_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(sa.ForeignKey("rsa_risks.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    due: Mapped[date | None]
    status: Mapped[MeasureStatus] = mapped_column(str_enum(MeasureStatus), default=MeasureStatus.OPEN)
    done_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    risk: Mapped[RsaRisk] = relationship(back_populates="measures")
