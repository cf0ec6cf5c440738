"""The training plan, record and roster API: requests and responses."""

from __future__ import annotations

from datetime import date

import pydantic

from crisis.api.schemas import Strict
from crisis.training.models import ActivityKind, ActivityStatus


class ActivityIn(Strict):
    title: str = pydantic.Field(min_length=1, max_length=200)
    kind: ActivityKind
    functions: list[str] = pydantic.Field(default_factory=list, max_length=20, description="staff function keys")
    planned_on: date
    period: str | None = pydantic.Field(None, max_length=9, description="mandate period, e.g. 2023-2026")
    status: ActivityStatus = ActivityStatus.PLANNED
    held_on: date | None = None


class ActivityPatch(Strict):
    status: ActivityStatus
    held_on: date | None = None


class ActivityQuery(pydantic.BaseModel):
    period: str | None = pydantic.Field(None, max_length=9, description="mandate period, e.g. 2023-2026")
    limit: int = pydantic.Field(500, ge=1, le=500)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)


class ActivityOut(pydantic.BaseModel):
    id: int
    period: str
    title: str
    kind: str
    functions: list[str]
    planned_on: str
    status: str
    held_on: str | None
    trained: int


class RecordIn(Strict):
    user: str = pydantic.Field(min_length=1, max_length=64, description="username")
    function: str = pydantic.Field(min_length=1, max_length=64, description="staff function key, e.g. stabschef")
    on: date | None = pydantic.Field(None, description="defaults to the activity's date")
    activity: int | None = None
    note: str = pydantic.Field("", max_length=500)


class RecordQuery(pydantic.BaseModel):
    function: str | None = pydantic.Field(None, max_length=64)
    limit: int = pydantic.Field(500, ge=1, le=500)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)


class RecordOut(pydantic.BaseModel):
    id: int
    user: str
    name: str
    function: str
    on: str
    activity: int | None
    note: str


class QualifiedQuery(pydantic.BaseModel):
    function: str = pydantic.Field(min_length=1, max_length=64, description="staff function key, e.g. stabschef")


class QualifiedOut(pydantic.BaseModel):
    user: str
    name: str
    function: str
    last: str
    times: int


class RosterQuery(pydantic.BaseModel):
    weeks: int = pydantic.Field(12, ge=1, le=104)
    start: date | None = None


class RosterWeekOut(pydantic.BaseModel):
    year: int
    week: int
    monday: str
    on_duty: dict[str, str | None]
    warnings: list[str]


class RosterIn(Strict):
    year: int = pydantic.Field(ge=2000, le=2100)
    week: int = pydantic.Field(ge=1, le=53)
    function: str = pydantic.Field(min_length=1, max_length=64, description="tib or stabschef")
    user: str | None = pydantic.Field(None, max_length=64, description="username; null clears the slot")


class RosterSetOut(pydantic.BaseModel):
    year: int
    week: int
    function: str
    user: str | None
