from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.enums import IncidentStatus, Level, Mode
from crisis.extensions import db


def str_enum(enum_cls: type, length: int = 32) -> sa.Enum:
    """A portable enum column: VARCHAR + CHECK, storing the values (not names)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
    )


class Incident(db.Model):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    mode: Mapped[Mode] = mapped_column(str_enum(Mode))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus), default=IncidentStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    # Counters taken under the incident's write lock: the log number and the
    # event sequence are gap-free per incident.
    last_log_number: Mapped[int] = mapped_column(default=0)
    last_seq: Mapped[int] = mapped_column(default=0)
    # The hash of entry `last_log_number` (the chain's genesis before the
    # first): the next entry links to it without reading the log.
    last_log_hash: Mapped[str] = mapped_column(sa.String(64), default="0" * 64, server_default="0" * 64)
    # A level a playbook proposed above what its activator may decide: shown
    # ("Beslut krävs") until a level decision is recorded.
    proposed_level: Mapped[str | None] = mapped_column(sa.String(32))
    # Krisledningsnämnden in function (LEH 2 kap. 3 §), set only by a decision of
    # type kln under the ordförande's or vice ordförande's mandate
    # (crisis/decisions/kln.py); `extraordinary` is the finding recorded with it.
    kln_active: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    kln_since: Mapped[datetime | None]
    extraordinary: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The lägesrapport rhythm Länsstyrelsen set, as fixed local clock times "08:00,14:00"
    # (crisis.reports.rhythm); none = every few hours from the last report.
    report_times: Mapped[str | None] = mapped_column(sa.String(100))

    @property
    def is_exercise(self) -> bool:
        return self.mode is Mode.EXERCISE

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "description": self.description,
            "mode": self.mode.value,
            "level": self.level.value,
            "proposed_level": self.proposed_level,
            "kln_active": bool(self.kln_active),
            "kln_since": self.kln_since.isoformat() if self.kln_since else None,
            "extraordinary": bool(self.extraordinary),
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "last_seq": self.last_seq,
            "log_count": self.last_log_number,
        }
