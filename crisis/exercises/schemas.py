"""Request and response schemas of the exercise API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional

import pydantic

from crisis.api.schemas import Strict

ExerciseStatusStr = Literal["scheduled", "running", "paused", "ended", "stopped"]
ChannelStr = Literal["phone", "email", "rakel", "sms", "media", "social", "wis", "visit", "other"]


class ExerciseCreate(Strict):
    scenario: str = pydantic.Field(max_length=64, description="The scenario key (GET /api/v1/scenarios)")
    start_at: Optional[datetime] = pydantic.Field(
        None, description="ISO 8601 with offset, e.g. 2026-11-24T09:00:00+01:00; omitted = now. "
                          "At most 5 minutes in the past.")
    speed: float = pydantic.Field(1.0, description="1 = real time, 60 = a scenario minute per second; 0.1..600")
    title: Optional[str] = pydantic.Field(None, max_length=200, description="Defaults to the scenario's title")


class ExerciseQuery(pydantic.BaseModel):
    status: Optional[ExerciseStatusStr] = None


class SpeedIn(Strict):
    speed: float = pydantic.Field(description="0.1..600")


class StopIn(Strict):
    reason: Optional[str] = pydantic.Field(None, max_length=1000, description="Why (e.g. a real event needs the staff)")


class AdhocInjectIn(Strict):
    sender: str = pydantic.Field(max_length=200)
    channel: ChannelStr
    text: str = pydantic.Field(max_length=5000)
    target_position: str = pydantic.Field(max_length=64, description="A position key of the exercise incident")
    expected_action: Optional[str] = pydantic.Field(None, max_length=5000)


class ObservationIn(Strict):
    text: str = pydantic.Field(max_length=5000)
    inject: Optional[str] = pydantic.Field(None, max_length=64, description="The id of the inject it is about")


class ScenarioOut(pydantic.BaseModel):
    key: str
    title: str
    description: str
    playbook: str
    duration_minutes: int
    objectives: list[str]
    inject_count: int
    injects: Optional[list[dict[str, Any]]] = pydantic.Field(
        None, description="Only for exercise control")


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
    due_at: Optional[str]
    delivered_at: Optional[str]
    log_number: Optional[int]
    late: bool
    state: Literal["delivered", "upcoming"]
    expected_action: Optional[str] = pydantic.Field(None, description="Exercise control, or once over")
    responses: list[ResponseOut] = []
    response_seconds: Optional[float] = None


class ExerciseOut(pydantic.BaseModel):
    id: int
    scenario: str
    title: str
    playbook: str
    start_at: str
    speed: float
    status: ExerciseStatusStr
    incident: Optional[int]
    started_at: Optional[str]
    paused_at: Optional[str]
    total_paused: float
    ended_at: Optional[str]
    ended_by: Optional[str]
    stop_reason: Optional[str]
    duration_minutes: int
    scenario_minutes: float
    created_at: str


class ExerciseDetailOut(ExerciseOut):
    control: bool
    injects: list[InjectOut] = pydantic.Field(
        description="Participants get delivered injects only; exercise control also the upcoming ones")
    positions: dict[str, str]


class ObservationOut(pydantic.BaseModel):
    id: int
    exercise: int
    inject: Optional[str]
    author: str
    text: str
    created_at: str


class EvaluationOut(pydantic.BaseModel):
    exercise: ExerciseOut
    summary: dict[str, Any]
    injects: list[dict[str, Any]]
    observations: list[ObservationOut]
    complete: bool
