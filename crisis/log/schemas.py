from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

KindStr = Literal["info", "decision", "action", "incoming", "outgoing", "status", "system"]
ClassStr = Literal["public", "internal", "confidential"]


class LogEntryIn(Strict):
    text: str = pydantic.Field(min_length=1, max_length=10_000)
    kind: Literal["info", "decision", "action", "incoming", "outgoing", "status"] = "info"
    occurred_at: pydantic.AwareDatetime | None = None
    counterpart: str | None = pydantic.Field(None, max_length=200, description="From/to")
    classification: ClassStr = "internal"
    osl_ground: str | None = pydantic.Field(None, max_length=200)
    decided_by: str | None = pydantic.Field(None, max_length=200)
    mandate: str | None = pydantic.Field(None, max_length=300)
    position: str | None = pydantic.Field(None, max_length=64)


class CorrectionIn(Strict):
    text: str = pydantic.Field(min_length=1, max_length=10_000)
    classification: ClassStr | None = pydantic.Field(
        None, description="Default: the original's. A lower one needs declassify=true and the leader role."
    )
    osl_ground: str | None = pydantic.Field(None, max_length=200)
    declassify: bool = pydantic.Field(
        False, description="Leader only: the correction is less protected than the original, on purpose"
    )
    counterpart: str | None = pydantic.Field(
        None, max_length=200, description="Only when declassifying (the original's is never copied then)"
    )
    decided_by: str | None = pydantic.Field(None, max_length=200, description="Only when declassifying")
    mandate: str | None = pydantic.Field(None, max_length=300, description="Only when declassifying")


class LogQuery(pydantic.BaseModel):
    kind: KindStr | None = None
    position: str | None = pydantic.Field(None, max_length=64)
    q: str | None = pydantic.Field(None, max_length=200, description="Text search")
    after: int | None = pydantic.Field(None, ge=0, description="Only entries with a higher number")
    before: int | None = pydantic.Field(
        None, ge=1, description="Only entries with a lower number (pass next_before to get the next older page)"
    )
    limit: int = pydantic.Field(100, ge=1, le=500, description="Only the latest N of what matches")


class LogEntryOut(pydantic.BaseModel):
    id: int
    incident: int
    number: int
    kind: KindStr
    text: str
    occurred_at: str
    recorded_at: str
    author: str
    position: str | None
    position_label: str | None
    counterpart: str | None
    classification: ClassStr
    osl_ground: str | None
    corrects: int | None
    corrected_by: int | None
    decided_by: str | None
    mandate: str | None
    hash: str


class LogPage(pydantic.BaseModel):
    items: list[LogEntryOut] = pydantic.Field(description="In ascending number order")
    next_before: int | None = pydantic.Field(
        description="Pass as `before` for the next older page of the same query; null when there is none"
    )
