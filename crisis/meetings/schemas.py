from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

WHEN_HELP = "ISO 8601 with offset, e.g. 2026-11-24T16:00:00+01:00"
MeetingStatusStr = Literal["planned", "running", "ended"]


class MeetingIn(Strict):
    scheduled_at: str = pydantic.Field(max_length=64, description=WHEN_HELP)
    chair: str = pydantic.Field("", max_length=200)
    attendees: list[str] = pydantic.Field(default_factory=list, max_length=60)


class MeetingPatch(Strict):
    version: int | None = pydantic.Field(None, description="The version you saw; a stale one gets 409")
    chair: str | None = pydantic.Field(None, max_length=200)
    attendees: list[str] | None = pydantic.Field(None, max_length=60)
    notes: dict[str, str] | None = pydantic.Field(None, description="agenda key -> note (merged)")
    scheduled_at: str | None = pydantic.Field(None, max_length=64, description=WHEN_HELP + " (only while planned)")


class AdvanceIn(Strict):
    to: int | None = pydantic.Field(None, ge=0, description="The agenda item's index (0-8)")
    step: Literal[-1, 1] | None = pydantic.Field(None, description="+1 next item, -1 previous")


class EndIn(Strict):
    next_at: str | None = pydantic.Field(
        None, max_length=64, description="Nästa möte: " + WHEN_HELP + "; default: the next time of the rhythm"
    )


class MeetingTaskIn(Strict):
    title: str = pydantic.Field(max_length=200)
    description: str = pydantic.Field("", max_length=5000)
    position: str | None = pydantic.Field(None, max_length=64)
    assignee: str | None = pydantic.Field(None, max_length=64)
    due_at: str | None = pydantic.Field(None, max_length=64, description=WHEN_HELP)
    priority: Literal["high", "normal", "low"] = "normal"


class RhythmIn(Strict):
    times: list[str] | None = pydantic.Field(None, max_length=24, description='Clock times "HH:MM", Europe/Stockholm')
    every_hours: int | None = pydantic.Field(None, ge=1, le=24, description="Instead of times: every N hours ...")
    start: str | None = pydantic.Field(None, max_length=5, description='... from this clock time "HH:MM"')


class RhythmOut(pydantic.BaseModel):
    incident: int
    times: list[str]
    next: list[str] = pydantic.Field(description="The next three meeting times (UTC ISO)")
    updated_by: str | None


class AgendaItemOut(pydantic.BaseModel):
    key: str
    label: str
    note: str


class MeetingDecisionOut(pydantic.BaseModel):
    id: int
    number: int
    label: str
    text: str


class MeetingTaskRef(pydantic.BaseModel):
    id: int
    title: str
    status: str


class MeetingOut(pydantic.BaseModel):
    id: int
    incident: int
    number: int
    status: MeetingStatusStr
    scheduled_at: str
    started_at: str | None
    ended_at: str | None
    chair: str
    attendees: list[str]
    agenda: list[AgendaItemOut]
    current_item: int
    current_key: str
    record_log_number: int | None
    decisions: list[MeetingDecisionOut]
    tasks: list[MeetingTaskRef]
    version: int
    updated_by: str | None
    updated_at: str


class MeetingsQuery(pydantic.BaseModel):
    limit: int = pydantic.Field(50, ge=1, le=100)
    offset: int = pydantic.Field(0, ge=0)


class MeetingDecisionIn(Strict):
    """The decision register's fields (POST /incidents/{id}/decisions) without meeting_id and supersedes."""

    type: Literal[
        "direction", "coordination", "priority", "resource", "delegation", "level", "kln", "stand_down", "other"
    ]
    title: str | None = pydantic.Field(None, max_length=200)
    text: str = pydantic.Field("", max_length=5000)
    decided_by: str = pydantic.Field(max_length=200)
    mandate: str = pydantic.Field("", max_length=300)
    mandate_key: str | None = pydantic.Field(None, max_length=64)
    reason: str = pydantic.Field(max_length=2000)
    executed_by: str | None = pydantic.Field(None, max_length=200)
    follow_up_at: str | None = pydantic.Field(None, max_length=64, description=WHEN_HELP)
    valid_until: str | None = pydantic.Field(None, max_length=64, description=WHEN_HELP)
    level: Literal["normal", "monitoring", "reinforced", "staff"] | None = None
