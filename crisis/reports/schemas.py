"""Request and response schemas of the reports API, and the serialiser (`to_dict`)
that builds the `ReportOut` shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic

from crisis import geo
from crisis.api.schemas import Strict
from crisis.reports import text
from crisis.reports.models import CAP_CHOICE_FIELDS, CAP_TEXT_FIELDS, LST_TEXT_FIELDS, NARRATIVE_FIELDS, Report

StatusStr = Literal["draft", "approved", "sent", "acknowledged"]
CategoryStr = Literal[
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"
]
UrgencyStr = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
SeverityStr = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
CertaintyStr = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]

_TEXT = pydantic.Field(None, max_length=20_000)


class ReportCreate(Strict):
    supersedes: int | None = pydantic.Field(
        None, ge=1, description="Make the draft a correction of this (approved) report number"
    )


class ReportPatch(Strict):
    """Edit a draft. `version` is the version you read (409 if someone saved in between)."""

    handelse: str | None = _TEXT
    konsekvenser: str | None = _TEXT
    vidtagna_atgarder: str | None = _TEXT
    beslut: str | None = _TEXT
    behov: str | None = _TEXT
    prognos: str | None = _TEXT
    kommunikation: str | None = _TEXT
    nasta_rapport: pydantic.AwareDatetime | None = pydantic.Field(None, description="Next report due (null clears)")
    area: dict[str, Any] | None = pydantic.Field(
        None, description="A drawn warning area: GeoJSON Polygon or MultiPolygon (null = the kommun boundary)"
    )
    kontaktperson: str | None = pydantic.Field(None, max_length=200, description="Contact person")
    kontakt_telefon: str | None = pydantic.Field(None, max_length=50, description="The contact person's phone")
    period_fran: pydantic.AwareDatetime | None = pydantic.Field(None, description="The period the report covers: from")
    period_till: pydantic.AwareDatetime | None = pydantic.Field(None, description="... to")
    krisledning_aktiverad: bool | None = pydantic.Field(None, description="Central krisledning activated")
    kln_aktiverad: bool | None = pydantic.Field(None, description="Krisledningsnämnden in function")
    omfattning: str | None = pydantic.Field(None, max_length=20_000, description="Scope: the number affected")
    sarbara_grupper: str | None = pydantic.Field(None, max_length=20_000, description="Vulnerable groups affected")
    samverkan: str | None = pydantic.Field(None, max_length=20_000, description="Samverkan: with whom")
    trygghetspunkter: str | None = pydantic.Field(None, max_length=20_000, description="Trygghetspunkter open")
    vma_begard: bool | None = pydantic.Field(None, description="VMA requested")
    vma_begard_at: pydantic.AwareDatetime | None = pydantic.Field(None, description="When VMA was requested")
    osakerheter: str | None = pydantic.Field(None, max_length=20_000, description="Uncertainties")
    klassning: Literal["K0", "K1", "K2", "K3"] | None = pydantic.Field(
        None, description="The report's KLASSA level (K2/K3 need osl_grund)"
    )
    osl_grund: str | None = pydantic.Field(None, max_length=200, description='e.g. "18 kap. 13 § OSL"')
    cap_headline: str | None = pydantic.Field(None, max_length=300)
    cap_description: str | None = pydantic.Field(None, max_length=5000)
    cap_instruction: str | None = pydantic.Field(None, max_length=5000)
    cap_area_desc: str | None = pydantic.Field(None, max_length=300)
    cap_category: CategoryStr | None = None
    cap_urgency: UrgencyStr | None = None
    cap_severity: SeverityStr | None = None
    cap_certainty: CertaintyStr | None = None
    version: int | None = pydantic.Field(None, ge=1)
    refresh_snapshot: bool = pydantic.Field(False, description="Take the snapshot of the incident again")


class ApproveIn(Strict):
    version: int | None = pydantic.Field(None, ge=1, description="The version you reviewed")


class SendIn(Strict):
    channel: str | None = pydantic.Field(None, max_length=100, description="Default WIS")
    recipient: str | None = pydantic.Field(None, max_length=200, description="Default Länsstyrelsen")
    sent_at: pydantic.AwareDatetime | None = pydantic.Field(None, description="Default now")


class AcknowledgeIn(Strict):
    acknowledged_by: str | None = pydantic.Field(None, max_length=200, description="Who confirmed receipt")
    acknowledged_at: pydantic.AwareDatetime | None = pydantic.Field(None, description="Default now")


class ReportOut(pydantic.BaseModel):
    id: int
    incident: int
    number: int
    status: StatusStr
    version: int
    supersedes: int | None
    superseded_by: int | None
    exercise: bool
    marking: str | None = pydantic.Field(description="ÖVNING for an exercise")
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str | None
    handelse: str
    konsekvenser: str
    vidtagna_atgarder: str
    beslut: str
    behov: str
    prognos: str
    kommunikation: str
    nasta_rapport: str | None
    kontaktperson: str
    kontakt_telefon: str
    period_fran: str | None
    period_till: str | None
    krisledning_aktiverad: bool | None
    kln_aktiverad: bool | None
    omfattning: str
    sarbara_grupper: str
    samverkan: str
    trygghetspunkter: str
    vma_begard: bool
    vma_begard_at: str | None
    osakerheter: str
    klassning: str
    osl_grund: str | None
    cap_headline: str
    cap_description: str
    cap_instruction: str
    cap_area_desc: str
    cap_category: str
    cap_urgency: str
    cap_severity: str
    cap_certainty: str
    area: dict[str, Any] | None
    snapshot: dict[str, Any]
    approved_at: str | None
    approved_by: str | None
    sent_at: str | None
    sent_by: str | None
    sent_channel: str | None
    sent_recipient: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    acknowledged_recorded_by: str | None
    previous: int | None = pydantic.Field(None, description="GET one report: the previous version's number")
    changes: list[dict[str, Any]] | None = pydantic.Field(
        None, description="GET one report: what changed since the previous version, field by field"
    )


# --- serialising ---------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def to_dict(report: Report, *, exercise: bool | None = None, superseded_by: int | None = None) -> dict[str, Any]:
    if exercise is None:
        exercise = (report.snapshot or {}).get("incident", {}).get("mode") == "exercise"
    d: dict[str, Any] = {
        "id": report.id,
        "incident": report.incident_id,
        "number": report.number,
        "status": report.status.value,
        "version": report.version,
        "supersedes": report.supersedes,
        "superseded_by": superseded_by,
        "exercise": exercise,
        "marking": text.EXERCISE_MARK if exercise else None,
        "created_at": report.created_at.isoformat(),
        "created_by": report.created_by,
        "updated_at": report.updated_at.isoformat(),
        "updated_by": report.updated_by,
    }
    for f in NARRATIVE_FIELDS:
        d[f] = getattr(report, f) or ""
    d["nasta_rapport"] = _iso(report.nasta_rapport)
    for f in LST_TEXT_FIELDS:
        d[f] = getattr(report, f) or ""
    d.update(
        {
            "period_fran": _iso(report.period_fran),
            "period_till": _iso(report.period_till),
            "krisledning_aktiverad": report.krisledning_aktiverad,
            "kln_aktiverad": report.kln_aktiverad,
            "vma_begard": bool(report.vma_begard),
            "vma_begard_at": _iso(report.vma_begard_at),
            "klassning": report.klassning or "K1",
            "osl_grund": report.osl_grund,
        }
    )
    for f in CAP_TEXT_FIELDS + CAP_CHOICE_FIELDS:
        d[f] = getattr(report, f) or ""
    d.update(
        {
            "area": geo.rfc7946(report.area),
            "snapshot": report.snapshot or {},
            "approved_at": _iso(report.approved_at),
            "approved_by": report.approved_by,
            "sent_at": _iso(report.sent_at),
            "sent_by": report.sent_by,
            "sent_channel": report.sent_channel,
            "sent_recipient": report.sent_recipient,
            "acknowledged_at": _iso(report.acknowledged_at),
            "acknowledged_by": report.acknowledged_by,
            "acknowledged_recorded_by": report.acknowledged_recorded_by,
        }
    )
    return d


class ReportRhythmIn(Strict):
    times: list[str] = pydantic.Field(
        max_length=12, description='Local clock times, e.g. ["08:00", "14:00"]; [] = every 4 hours'
    )


class ReportRhythmOut(pydantic.BaseModel):
    incident: int
    times: list[str]
    next_at: str = pydantic.Field(description="When a draft made now would say the next report is due")
