from __future__ import annotations

from typing import Literal, Optional

import pydantic

from crisis.api.schemas import Strict

ModeStr = Literal["real", "exercise"]
LevelStr = Literal["normal", "monitoring", "reinforced", "staff", "extraordinary", "heightened_alert"]


class IncidentCreate(Strict):
    title: str = pydantic.Field(min_length=1, max_length=200)
    kind: str = pydantic.Field(min_length=1, max_length=64, description="Event type, e.g. elavbrott")
    mode: ModeStr = "real"
    level: LevelStr = "staff"
    description: str = pydantic.Field("", max_length=5000)


class IncidentPatch(Strict):
    title: Optional[str] = pydantic.Field(None, min_length=1, max_length=200)
    description: Optional[str] = pydantic.Field(None, max_length=5000)
    level: Optional[LevelStr] = None
    status: Optional[Literal["active", "closed"]] = None
    mode: Optional[ModeStr] = None
    decided_by: Optional[str] = pydantic.Field(None, max_length=200)
    mandate: Optional[str] = pydantic.Field(None, max_length=300)
    reason: Optional[str] = pydantic.Field(None, max_length=2000)


class IncidentQuery(pydantic.BaseModel):
    status: Optional[Literal["active", "closed"]] = None
    mode: Optional[ModeStr] = None


class IncidentOut(pydantic.BaseModel):
    id: int
    title: str
    kind: str
    description: str
    mode: ModeStr
    level: LevelStr
    status: Literal["active", "closed"]
    created_at: str
    closed_at: Optional[str]
    last_seq: int
    log_count: int
