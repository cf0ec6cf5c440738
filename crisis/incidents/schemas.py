from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

ModeStr = Literal["real", "exercise"]
LevelStr = Literal["normal", "monitoring", "reinforced", "staff"]


class IncidentCreate(Strict):
    title: str = pydantic.Field(min_length=1, max_length=200)
    kind: str = pydantic.Field(min_length=1, max_length=64, description="Event type, e.g. elavbrott")
    mode: ModeStr = "real"
    level: LevelStr = pydantic.Field(
        "monitoring", description="Above monitoring the level is a decision: decided_by, mandate and reason required"
    )
    description: str = pydantic.Field("", max_length=5000)
    decided_by: str | None = pydantic.Field(None, max_length=200)
    mandate: str | None = pydantic.Field(None, max_length=300)
    reason: str | None = pydantic.Field(None, max_length=2000)


class IncidentPatch(Strict):
    title: str | None = pydantic.Field(None, min_length=1, max_length=200)
    description: str | None = pydantic.Field(None, max_length=5000)
    level: LevelStr | None = None
    status: Literal["active", "closed"] | None = None
    mode: ModeStr | None = None
    decided_by: str | None = pydantic.Field(None, max_length=200)
    mandate: str | None = pydantic.Field(None, max_length=300)
    reason: str | None = pydantic.Field(None, max_length=2000)


class IncidentQuery(pydantic.BaseModel):
    status: Literal["active", "closed"] | None = None
    mode: ModeStr | None = None


class IncidentOut(pydantic.BaseModel):
    id: int
    title: str
    kind: str
    description: str
    mode: ModeStr
    level: LevelStr
    proposed_level: LevelStr | None
    status: Literal["active", "closed"]
    created_at: str
    closed_at: str | None
    last_seq: int
    log_count: int
