"""Request and response schemas of the exercise API, and the serialisers that build
the `*Out` shapes (`to_dict`, `inject_dict`, `observation_dict`, `scenario_dict`)
and the `inject.delivered` event."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic

from crisis.api.schemas import Strict
from crisis.exercises.clock import scenario_minutes
from crisis.exercises.models import Exercise, InjectDelivery, Observation
from crisis.exercises.scenario import Scenario

ExerciseFormStr = Literal["simulation", "seminar", "kln"]
ExerciseStatusStr = Literal["scheduled", "running", "paused", "ended", "stopped"]
ChannelStr = Literal["phone", "email", "rakel", "sms", "media", "social", "wis", "visit", "other"]


class ExerciseCreate(Strict):
    scenario: str = pydantic.Field(max_length=64, description="The scenario key (GET /api/v1/scenarios)")
    start_at: datetime | None = pydantic.Field(
        None,
        description="ISO 8601 with offset, e.g. 2026-11-24T09:00:00+01:00; omitted = now. "
        "At most 5 minutes in the past.",
    )
    speed: float = pydantic.Field(1.0, description="1 = real time, 60 = a scenario minute per second; 0.1..600")
    title: str | None = pydantic.Field(None, max_length=200, description="Defaults to the scenario's title")


class ExerciseQuery(pydantic.BaseModel):
    status: ExerciseStatusStr | None = None


class SpeedIn(Strict):
    speed: float = pydantic.Field(description="0.1..600")


class StopIn(Strict):
    reason: str | None = pydantic.Field(None, max_length=1000, description="Why (e.g. a real event needs the staff)")


class AdhocInjectIn(Strict):
    sender: str = pydantic.Field(max_length=200)
    channel: ChannelStr
    text: str = pydantic.Field(max_length=5000)
    target_position: str = pydantic.Field(max_length=64, description="A position key of the exercise incident")
    expected_action: str | None = pydantic.Field(None, max_length=5000)


class ObservationIn(Strict):
    text: str = pydantic.Field(max_length=5000)
    inject: str | None = pydantic.Field(None, max_length=64, description="The id of the inject it is about")


class ObjectiveOut(pydantic.BaseModel):
    key: str
    text: str
    injects: list[str] = pydantic.Field(description="The injects that test this objective")


class QuestionOut(pydantic.BaseModel):
    key: str
    text: str
    notes: str


class ScenarioOut(pydantic.BaseModel):
    key: str
    title: str
    description: str
    playbook: str
    duration_minutes: int
    form: ExerciseFormStr
    objectives: list[ObjectiveOut]
    questions: list[QuestionOut] = pydantic.Field(description="Seminar and KLN exercises: the discussion questions")
    inject_count: int
    injects: list[dict[str, Any]] | None = pydantic.Field(None, description="Only for exercise control")


class ResponseOut(pydantic.BaseModel):
    kind: Literal["log", "task"]
    ref: int
    at: str
    how: Literal["position", "reference", "task"]
    seconds: float


class InjectOut(pydantic.BaseModel):
    id: str
    adhoc: bool
    offset_minutes: float
    sender: str
    channel: str
    text: str
    target_position: str
    due_at: str | None
    delivered_at: str | None
    log_number: int | None
    late: bool
    state: Literal["delivered", "upcoming"]
    expected_action: str | None = pydantic.Field(None, description="Exercise control, or once over")
    responses: list[ResponseOut] = []
    response_seconds: float | None = None


class ExerciseOut(pydantic.BaseModel):
    id: int
    scenario: str
    form: ExerciseFormStr
    title: str
    playbook: str
    start_at: str
    speed: float
    status: ExerciseStatusStr
    incident: int | None
    started_at: str | None
    paused_at: str | None
    total_paused: float
    ended_at: str | None
    ended_by: str | None
    stop_reason: str | None
    duration_minutes: int
    scenario_minutes: float
    created_at: str


class ExerciseDetailOut(ExerciseOut):
    control: bool
    injects: list[InjectOut] = pydantic.Field(
        description="Participants get delivered injects only; exercise control also the upcoming ones"
    )
    positions: dict[str, str]


class ObservationOut(pydantic.BaseModel):
    id: int
    exercise: int
    inject: str | None
    author: str
    text: str
    created_at: str


class EvaluationOut(pydantic.BaseModel):
    exercise: ExerciseOut
    summary: dict[str, Any]
    injects: list[dict[str, Any]]
    observations: list[ObservationOut]
    complete: bool


# --- serialising ----------------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def to_dict(ex: Exercise) -> dict[str, Any]:
    """What anyone may see about an exercise (never its upcoming injects)."""
    return {
        "id": ex.id,
        "scenario": ex.scenario_key,
        "form": ex.form.value,
        "title": ex.title,
        "playbook": ex.playbook_key,
        "start_at": ex.start_at.isoformat(),
        "speed": ex.speed,
        "status": ex.status.value,
        "incident": ex.incident_id,
        "started_at": _iso(ex.started_at),
        "paused_at": _iso(ex.paused_at),
        "total_paused": round(ex.total_paused, 3),
        "ended_at": _iso(ex.ended_at),
        "ended_by": ex.ended_by,
        "stop_reason": ex.stop_reason,
        "duration_minutes": ex.duration_minutes,
        "scenario_minutes": round(scenario_minutes(ex), 2),
        "created_at": ex.created_at.isoformat(),
    }


def inject_dict(d: InjectDelivery, *, reveal: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": d.inject_id,
        "adhoc": d.adhoc,
        "offset_minutes": d.offset_minutes,
        "sender": d.sender,
        "channel": d.channel,
        "text": d.text,
        "target_position": d.target_position,
        "due_at": _iso(d.due_at),
        "delivered_at": _iso(d.delivered_at),
        "log_number": d.log_number,
        "late": d.late,
        "state": "delivered" if d.delivered_at else "upcoming",
    }
    if reveal:
        out["expected_action"] = d.expected_action
    return out


def delivered_event(ex: Exercise, d: InjectDelivery, target_label: str) -> dict[str, Any]:
    """The `inject.delivered` payload: this inject only, nothing about the ones to come."""
    return {
        "exercise": ex.id,
        "inject": d.inject_id,
        "adhoc": d.adhoc,
        "sender": d.sender,
        "channel": d.channel,
        "target_position": d.target_position,
        "target_label": target_label,
        "text": d.text,
        "log_number": d.log_number,
        "due_at": _iso(d.due_at),
        "delivered_at": _iso(d.delivered_at),
        "late": d.late,
    }


def observation_dict(o: Observation) -> dict[str, Any]:
    return {
        "id": o.id,
        "exercise": o.exercise_id,
        "inject": o.inject_id,
        "author": o.author,
        "text": o.text,
        "created_at": o.created_at.isoformat(),
    }


def scenario_dict(s: Scenario, *, full: bool) -> dict[str, Any]:
    d: dict[str, Any] = {
        "key": s.key,
        "title": s.title,
        "description": s.description,
        "playbook": s.playbook,
        "duration_minutes": s.duration_minutes,
        "form": s.form.value,
        "objectives": [{"key": o.key, "text": o.text, "injects": list(o.injects)} for o in s.objectives],
        "questions": [{"key": q.key, "text": q.text, "notes": q.notes} for q in s.questions],
        "inject_count": len(s.injects),
    }
    if full:
        d["injects"] = [
            {
                "id": i.id,
                "offset_minutes": i.offset_minutes,
                "sender": i.sender,
                "channel": i.channel.value,
                "text": i.text,
                "target_position": i.target_position,
                "expected_action": i.expected_action,
            }
            for i in s.injects
        ]
    return d
