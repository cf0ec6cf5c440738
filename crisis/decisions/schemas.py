"""The decision API's shapes, and the serialiser that builds `DecisionOut`."""

from __future__ import annotations

from typing import Any, Literal

import pydantic

from crisis.api.schemas import Strict
from crisis.db import utcnow
from crisis.decisions.models import Decision
from crisis.enums import DecisionStatus

DecisionTypeStr = Literal[
    "direction", "coordination", "priority", "resource", "delegation", "level", "kln", "stand_down", "other"
]
DecisionStatusStr = Literal["in_force", "superseded", "revoked", "done"]
LevelStr = Literal["normal", "monitoring", "reinforced", "staff"]

TIME_HELP = "ISO 8601 with offset, e.g. 2026-11-24T16:00:00+01:00; null or empty = none"


class DecisionIn(Strict):
    type: DecisionTypeStr
    title: str | None = pydantic.Field(None, max_length=200, description="Short title; default: start of the text")
    text: str = pydantic.Field(
        "", max_length=5000, description="The decision itself (required except for a level decision)"
    )
    decided_by: str = pydantic.Field(max_length=200)
    mandate: str = pydantic.Field("", max_length=300, description="The mandate as shown; default: the mandate_key's")
    mandate_key: str | None = pydantic.Field(None, max_length=64, description="A mandate of the delegationsordning")
    reason: str = pydantic.Field(max_length=2000)
    executed_by: str | None = pydantic.Field(None, max_length=200)
    follow_up_at: str | None = pydantic.Field(None, max_length=64, description=TIME_HELP)
    valid_until: str | None = pydantic.Field(None, max_length=64, description=TIME_HELP)
    report_to: str | None = pydantic.Field(
        None, max_length=200, description="Body it must be reported to; default: the mandate_key's"
    )
    meeting_id: int | None = pydantic.Field(None, ge=1)
    supersedes: int | None = pydantic.Field(None, ge=1, description="Id of the decision this one replaces")
    level: LevelStr | None = pydantic.Field(None, description="For type level: the new level of the incident")


class DecisionPatch(Strict):
    version: int = pydantic.Field(description="The version you saw; a stale one gets 409")
    status: Literal["done", "revoked"] | None = None
    note: str | None = pydantic.Field(None, max_length=2000, description="Why (required to revoke)")
    executed_by: str | None = pydantic.Field(None, max_length=200)
    follow_up_at: str | None = pydantic.Field(None, max_length=64, description=TIME_HELP)
    reported: bool | None = pydantic.Field(None, description="true: reported (anmält) now")


class DecisionQuery(pydantic.BaseModel):
    status: DecisionStatusStr | None = None
    type: DecisionTypeStr | None = None
    report: bool = pydantic.Field(False, description="Only decisions that must be reported (anmälas)")
    limit: int = pydantic.Field(100, ge=1, le=500)
    offset: int = pydantic.Field(0, ge=0)


class DecisionOut(pydantic.BaseModel):
    id: int
    incident: int
    number: int
    label: str
    type: DecisionTypeStr
    title: str
    text: str
    decided_by: str
    mandate: str
    mandate_key: str | None
    reason: str
    executed_by: str | None
    follow_up_at: str | None
    overdue: bool
    valid_until: str | None
    status: DecisionStatusStr
    supersedes: int | None
    report_to: str | None
    reported_at: str | None
    meeting_id: int | None
    log_number: int
    data: dict[str, Any] | None
    created_at: str
    updated_at: str
    updated_by: str | None
    version: int


def is_overdue(d: Decision) -> bool:
    """In force and its follow-up time has passed."""
    return d.status is DecisionStatus.IN_FORCE and d.follow_up_at is not None and d.follow_up_at <= utcnow()


def to_dict(d: Decision) -> dict[str, Any]:
    return {
        "id": d.id,
        "incident": d.incident_id,
        "number": d.number,
        "label": f"B-{d.number}",
        "type": d.type.value,
        "title": d.title,
        "text": d.text,
        "decided_by": d.decided_by,
        "mandate": d.mandate,
        "mandate_key": d.mandate_key,
        "reason": d.reason,
        "executed_by": d.executed_by,
        "follow_up_at": d.follow_up_at.isoformat() if d.follow_up_at else None,
        "overdue": is_overdue(d),
        "valid_until": d.valid_until.isoformat() if d.valid_until else None,
        "status": d.status.value,
        "supersedes": d.supersedes_id,
        "report_to": d.report_to,
        "reported_at": d.reported_at.isoformat() if d.reported_at else None,
        "meeting_id": d.meeting_id,
        "log_number": d.log_number,
        "data": d.data,
        "created_at": d.created_at.isoformat(),
        "updated_at": d.updated_at.isoformat(),
        "updated_by": d.updated_by,
        "version": d.version,
    }
