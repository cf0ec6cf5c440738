"""Request and response schemas of the reports API, and the serialiser (`to_dict`)
that builds the `ReportOut` shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional

import pydantic

from crisis.api.schemas import Strict
from crisis.reports import text
from crisis.reports.models import CAP_CHOICE_FIELDS, CAP_TEXT_FIELDS, NARRATIVE_FIELDS, Report

StatusStr = Literal["draft", "approved", "sent", "acknowledged"]
CategoryStr = Literal["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport",
                      "Infra", "CBRNE", "Other"]
UrgencyStr = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
SeverityStr = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
CertaintyStr = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]

_TEXT = pydantic.Field(None, max_length=20_000)


class ReportCreate(Strict):
    supersedes: Optional[int] = pydantic.Field(
        None, ge=1, description="Make the draft a correction of this (approved) report number")


class ReportPatch(Strict):
    """Edit a draft. `version` is the version you read (409 if someone saved in between)."""

    handelse: Optional[str] = _TEXT
    konsekvenser: Optional[str] = _TEXT
    vidtagna_atgarder: Optional[str] = _TEXT
    beslut: Optional[str] = _TEXT
    behov: Optional[str] = _TEXT
    prognos: Optional[str] = _TEXT
    kommunikation: Optional[str] = _TEXT
    nasta_rapport: Optional[pydantic.AwareDatetime] = pydantic.Field(None, description="Next report due (null clears)")
    area: Optional[dict[str, Any]] = pydantic.Field(
        None, description="A drawn warning area: GeoJSON Polygon or MultiPolygon (null = the kommun boundary)")
    cap_headline: Optional[str] = pydantic.Field(None, max_length=300)
    cap_description: Optional[str] = pydantic.Field(None, max_length=5000)
    cap_instruction: Optional[str] = pydantic.Field(None, max_length=5000)
    cap_area_desc: Optional[str] = pydantic.Field(None, max_length=300)
    cap_category: Optional[CategoryStr] = None
    cap_urgency: Optional[UrgencyStr] = None
    cap_severity: Optional[SeverityStr] = None
    cap_certainty: Optional[CertaintyStr] = None
    version: Optional[int] = pydantic.Field(None, ge=1)
    refresh_snapshot: bool = pydantic.Field(False, description="Take the snapshot of the incident again")


class ApproveIn(Strict):
    version: Optional[int] = pydantic.Field(None, ge=1, description="The version you reviewed")


class SendIn(Strict):
    channel: Optional[str] = pydantic.Field(None, max_length=100, description="Default WIS")
    recipient: Optional[str] = pydantic.Field(None, max_length=200, description="Default Länsstyrelsen")
    sent_at: Optional[pydantic.AwareDatetime] = pydantic.Field(None, description="Default now")


class AcknowledgeIn(Strict):
    acknowledged_by: Optional[str] = pydantic.Field(None, max_length=200, description="Who confirmed receipt")
    acknowledged_at: Optional[pydantic.AwareDatetime] = pydantic.Field(None, description="Default now")


class ReportOut(pydantic.BaseModel):
    id: int
    incident: int
    number: int
    status: StatusStr
    version: int
    supersedes: Optional[int]
    superseded_by: Optional[int]
    exercise: bool
    marking: Optional[str] = pydantic.Field(description="ÖVNING for an exercise")
    created_at: str
    created_by: str
    updated_at: str
    updated_by: Optional[str]
    handelse: str
    konsekvenser: str
    vidtagna_atgarder: str
    beslut: str
    behov: str
    prognos: str
    kommunikation: str
    nasta_rapport: Optional[str]
    cap_headline: str
    cap_description: str
    cap_instruction: str
    cap_area_desc: str
    cap_category: str
    cap_urgency: str
    cap_severity: str
    cap_certainty: str
    area: Optional[dict[str, Any]]
    snapshot: dict[str, Any]
    approved_at: Optional[str]
    approved_by: Optional[str]
    sent_at: Optional[str]
    sent_by: Optional[str]
    sent_channel: Optional[str]
    sent_recipient: Optional[str]
    acknowledged_at: Optional[str]
    acknowledged_by: Optional[str]
    acknowledged_recorded_by: Optional[str]
    previous: Optional[int] = pydantic.Field(None, description="GET one report: the previous version's number")
    changes: Optional[list[dict[str, Any]]] = pydantic.Field(
        None, description="GET one report: what changed since the previous version, field by field")


# --- serialising ---------------------------------------------------------------

def _iso(dt: Optional[datetime]) -> Optional[str]:
    return dt.isoformat() if dt else None


def to_dict(report: Report, *, exercise: Optional[bool] = None, superseded_by: Optional[int] = None) -> dict[str, Any]:
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
    for f in CAP_TEXT_FIELDS + CAP_CHOICE_FIELDS:
        d[f] = getattr(report, f) or ""
    d.update({
        "area": report.area,
        "snapshot": report.snapshot or {},
        "approved_at": _iso(report.approved_at), "approved_by": report.approved_by,
        "sent_at": _iso(report.sent_at), "sent_by": report.sent_by,
        "sent_channel": report.sent_channel, "sent_recipient": report.sent_recipient,
        "acknowledged_at": _iso(report.acknowledged_at), "acknowledged_by": report.acknowledged_by,
        "acknowledged_recorded_by": report.acknowledged_recorded_by,
    })
    return d
