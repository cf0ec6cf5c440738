from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

StatusStr = Literal["todo", "doing", "blocked", "done", "cancelled"]
PriorityStr = Literal["high", "normal", "low"]

DUE_HELP = "ISO 8601 with offset, e.g. 2026-11-24T16:00:00+01:00; null or empty = no due time"


class TaskIn(Strict):
    title: str | None = pydantic.Field(
        None, max_length=200, description="Required, except with origin_log_number (defaults to the entry's text)"
    )
    description: str = pydantic.Field("", max_length=5000)
    position: str | None = pydantic.Field(None, max_length=64, description="A position key of the incident")
    assignee: str | None = pydantic.Field(None, max_length=64, description="Username")
    due_at: str | None = pydantic.Field(None, max_length=64, description=DUE_HELP)
    priority: PriorityStr = "normal"
    origin: str | None = pydantic.Field(None, max_length=200)
    origin_log_number: int | None = pydantic.Field(None, ge=1, description="Make a task of this log entry")


class TaskPatch(Strict):
    version: int = pydantic.Field(description="The version of the task you saw; a stale one gets 409")
    incident: int | None = pydantic.Field(None, description="If given, the task must belong to it")
    title: str | None = pydantic.Field(None, max_length=200)
    description: str | None = pydantic.Field(None, max_length=5000)
    status: StatusStr | None = None
    priority: PriorityStr | None = None
    position: str | None = pydantic.Field(None, max_length=64, description="null clears")
    assignee: str | None = pydantic.Field(None, max_length=64, description="null clears")
    due_at: str | None = pydantic.Field(None, max_length=64, description=DUE_HELP)


class TaskHandOverIn(Strict):
    version: int = pydantic.Field(description="The version of the task you saw; a stale one gets 409")
    to: str = pydantic.Field(
        min_length=1, max_length=200, description="The förvaltning or bolag of the line organisation taking it over"
    )


class TaskQuery(pydantic.BaseModel):
    mine: bool = pydantic.Field(False, description="Only tasks assigned to me")
    my_position: bool = pydantic.Field(False, description="Only tasks of positions I hold now")
    overdue: bool = pydantic.Field(False, description="Only open tasks past their due time")
    status: str | None = pydantic.Field(None, max_length=100, description="Status, or several comma-separated")
    origin_log_number: int | None = pydantic.Field(None, ge=1, description="Only tasks made from this log entry")


class TaskOut(pydantic.BaseModel):
    id: int
    incident: int
    title: str
    description: str
    status: StatusStr
    priority: PriorityStr
    position: str | None
    assignee: str | None
    assignee_name: str | None
    due_at: str | None
    overdue: bool
    version: int
    origin: str | None
    origin_log_number: int | None
    created_by: str | None
    created_at: str
    updated_by: str | None
    updated_at: str
    reminded_at: str | None


class TaskChangeOut(pydantic.BaseModel):
    task: int
    at: str
    actor: str | None
    field: str
    old: str | None
    new: str | None
