"""The lägesrapport: a numbered snapshot of an incident, frozen once approved.

A report is `draft` -> `approved` (fastställd) -> `sent` -> `acknowledged`.
While it is a draft its narrative can be edited; once approved its content
never changes again (the service refuses with 409, and a database trigger
refuses any UPDATE of the frozen columns and any DELETE, whatever code
tries it). Only the delivery facts may be filled in afterwards, each once:
when, how and to whom it was sent, and who acknowledged it. A correction is
a new report with a new number that `supersedes` the old one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class ReportStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"


# The narrative of a Swedish lägesrapport, in the order it is written and read.
NARRATIVE_FIELDS: tuple[str, ...] = (
    "handelse",
    "konsekvenser",
    "vidtagna_atgarder",
    "beslut",
    "behov",
    "prognos",
    "kommunikation",
)
# What Länsstyrelsen asks of a kommun's lägesrapport beyond the narrative
# (issue 15): editable text, prefilled where Krisrum knows it.
LST_TEXT_FIELDS: tuple[str, ...] = (
    "kontaktperson",
    "kontakt_telefon",
    "omfattning",
    "sarbara_grupper",
    "samverkan",
    "trygghetspunkter",
    "osakerheter",
)
LST_SHORT_FIELDS = {"kontaktperson": 200, "kontakt_telefon": 50}
# The report's period, the activation facts, VMA and the report's own classification.
LST_OTHER_FIELDS: tuple[str, ...] = (
    "period_fran",
    "period_till",
    "krisledning_aktiverad",
    "kln_aktiverad",
    "vma_begard",
    "vma_begard_at",
    "klassning",
    "osl_grund",
)
# The public information (CAP) written on the report: also frozen on approval.
CAP_TEXT_FIELDS: tuple[str, ...] = ("cap_headline", "cap_description", "cap_instruction", "cap_area_desc")
CAP_CHOICE_FIELDS: tuple[str, ...] = ("cap_category", "cap_urgency", "cap_severity", "cap_certainty")


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus), default=ReportStatus.DRAFT)
    # Bumped on every draft edit, so two people editing the same draft cannot
    # silently overwrite each other (PATCH carries the version it read).
    version: Mapped[int] = mapped_column(default=1)
    supersedes: Mapped[int | None]  # the number of the report this one corrects

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(200))

    handelse: Mapped[str] = mapped_column(sa.Text, default="")
    konsekvenser: Mapped[str] = mapped_column(sa.Text, default="")
    vidtagna_atgarder: Mapped[str] = mapped_column(sa.Text, default="")
    beslut: Mapped[str] = mapped_column(sa.Text, default="")
    behov: Mapped[str] = mapped_column(sa.Text, default="")
    prognos: Mapped[str] = mapped_column(sa.Text, default="")
    kommunikation: Mapped[str] = mapped_column(sa.Text, default="")
    nasta_rapport: Mapped[datetime | None]

    kontaktperson: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    kontakt_telefon: Mapped[str] = mapped_column(sa.String(50), default="", server_default="")
    omfattning: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    sarbara_grupper: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    samverkan: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    trygghetspunkter: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    osakerheter: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    period_fran: Mapped[datetime | None]
    period_till: Mapped[datetime | None]
    krisledning_aktiverad: Mapped[bool | None]
    kln_aktiverad: Mapped[bool | None]
    vma_begard: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    vma_begard_at: Mapped[datetime | None]
    # KLASSA level of the report as a whole (K0-K3) and its OSL ground (see crisis.log.classify).
    klassning: Mapped[str] = mapped_column(sa.String(2), default="K1", server_default="K1")
    osl_grund: Mapped[str | None] = mapped_column(sa.String(200))

    # The incident as it stood when the draft was made (see snapshot.take_snapshot).
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # A drawn warning area (GeoJSON Polygon/MultiPolygon); none = the kommun boundary.
    area: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    cap_headline: Mapped[str] = mapped_column(sa.String(300), default="")
    cap_description: Mapped[str] = mapped_column(sa.Text, default="")
    cap_instruction: Mapped[str] = mapped_column(sa.Text, default="")
    cap_area_desc: Mapped[str] = mapped_column(sa.String(300), default="")
    cap_category: Mapped[str] = mapped_column(sa.String(20), default="Infra")
    cap_urgency: Mapped[str] = mapped_column(sa.String(20), default="Expected")
    cap_severity: Mapped[str] = mapped_column(sa.String(20), default="Moderate")
    cap_certainty: Mapped[str] = mapped_column(sa.String(20), default="Likely")

    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by: Mapped[str | None] = mapped_column(sa.String(200))

    sent_at: Mapped[datetime | None]
    sent_by: Mapped[str | None] = mapped_column(sa.String(200))
    sent_channel: Mapped[str | None] = mapped_column(sa.String(100))
    sent_recipient: Mapped[str | None] = mapped_column(sa.String(200))

    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(sa.String(200))  # who at the recipient
    acknowledged_recorded_by: Mapped[str | None] = mapped_column(sa.String(200))

    @property
    def is_draft(self) -> bool:
        return self.status is ReportStatus.DRAFT


# --- Database guard: an approved report never changes ----------------------
#
# Once a row's status is not 'draft' these columns may not change at all.
FROZEN_COLUMNS: tuple[str, ...] = (
    "id",
    "incident_id",
    "number",
    "version",
    "supersedes",
    "created_at",
    "created_by_id",
    "created_by",
    "updated_at",
    "updated_by",
    *NARRATIVE_FIELDS,
    "nasta_rapport",
    *LST_TEXT_FIELDS,
    *LST_OTHER_FIELDS,
    "snapshot",
    "area",
    *CAP_TEXT_FIELDS,
    *CAP_CHOICE_FIELDS,
    "approved_at",
    "approved_by_id",
    "approved_by",
)
# Delivery facts: filled in once after approval, then frozen too.
ONCE_COLUMNS: tuple[str, ...] = (
    "sent_at",
    "sent_by",
    "sent_channel",
    "sent_recipient",
    "acknowledged_at",
    "acknowledged_by",
    "acknowledged_recorded_by",
)
_JSON_COLUMNS = {"snapshot", "area"}
# Allowed status moves for a frozen row (a draft may become approved).
_STATUS_MOVES = (
    ("approved", "approved"),
    ("approved", "sent"),
    ("sent", "sent"),
    ("sent", "acknowledged"),
    ("acknowledged", "acknowledged"),
)


def _sqlite_guard(frozen: tuple[str, ...] = FROZEN_COLUMNS) -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen)
    rewritten = " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in ONCE_COLUMNS)
    moves = " OR ".join(f"(OLD.status = '{a}' AND NEW.status = '{b}')" for a, b in _STATUS_MOVES)
    return [
        "CREATE TRIGGER IF NOT EXISTS reports_frozen BEFORE UPDATE ON reports "
        f"WHEN OLD.status <> 'draft' AND ({changed} OR {rewritten} OR NOT ({moves})) "
        "BEGIN SELECT RAISE(ABORT, 'an approved report never changes'); END",
        "CREATE TRIGGER IF NOT EXISTS reports_no_delete BEFORE DELETE ON reports "
        "WHEN OLD.status <> 'draft' "
        "BEGIN SELECT RAISE(ABORT, 'an approved report never changes'); END",
    ]


def _pg_guard(frozen: tuple[str, ...] = FROZEN_COLUMNS) -> list[str]:
    def col(prefix: str, c: str) -> str:
        return f"{prefix}.{c}::text" if c in _JSON_COLUMNS else f"{prefix}.{c}"

    changed = " OR ".join(f"{col('NEW', c)} IS DISTINCT FROM {col('OLD', c)}" for c in frozen)
    rewritten = " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})" for c in ONCE_COLUMNS)
    moves = " OR ".join(f"(OLD.status = '{a}' AND NEW.status = '{b}')" for a, b in _STATUS_MOVES)
    return [
        "CREATE OR REPLACE FUNCTION reports_frozen() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN "
        "  IF OLD.status <> 'draft' THEN RAISE EXCEPTION 'an approved report never changes'; END IF; "
        "  RETURN OLD; "
        "END IF; "
        f"IF OLD.status <> 'draft' AND ({changed} OR {rewritten} OR NOT ({moves})) THEN "
        "  RAISE EXCEPTION 'an approved report never changes'; "
        "END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS reports_frozen ON reports",
        "CREATE TRIGGER reports_frozen BEFORE UPDATE OR DELETE ON reports "
        "FOR EACH ROW EXECUTE FUNCTION reports_frozen()",
    ]


def guard_statements(dialect_name: str, frozen: tuple[str, ...] = FROZEN_COLUMNS) -> list[str]:
    """The trigger DDL; the migration installs it like the log's guard (`frozen`: a migration's column list)."""
    if dialect_name == "sqlite":
        return _sqlite_guard(frozen)
    if dialect_name == "postgresql":
        return _pg_guard(frozen)
    return []


@sa.event.listens_for(Report.__table__, "after_create")
def _install_guard(target: sa.Table, connection: sa.Connection, **_: object) -> None:
    for stmt in guard_statements(connection.dialect.name):
        connection.exec_driver_sql(stmt)
