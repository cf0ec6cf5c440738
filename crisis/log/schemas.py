from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

KindStr = Literal["info", "decision", "action", "incoming", "outgoing", "status", "system"]
ClassStr = Literal["public", "internal", "confidential"]
LevelStr = Literal["K0", "K1", "K2", "K3"]
_CLASS_DOC = (
    "The access flag. Derived from `confidentiality` and `osl_ground` when not given: "
    "K0 -> public, K1 -> internal, K2/K3 or an OSL ground -> confidential (default internal)"
)
_LEVEL_DOC = "KLASSA confidentiality level K0-K3 (K4, säkerhetsskydd, never belongs in the log)"
_OSL_DOC = 'Secrecy assessment: the OSL paragraph, e.g. "18 kap. 13 § OSL" (free text allowed)'


class LogEntryIn(Strict):
    text: str = pydantic.Field(min_length=1, max_length=10_000)
    kind: Literal["info", "decision", "action", "incoming", "outgoing", "status"] = "info"
    occurred_at: pydantic.AwareDatetime | None = None
    counterpart: str | None = pydantic.Field(None, max_length=200, description="From/to")
    classification: ClassStr | None = pydantic.Field(None, description=_CLASS_DOC)
    confidentiality: LevelStr | None = pydantic.Field(None, description=_LEVEL_DOC)
    osl_ground: str | None = pydantic.Field(None, max_length=200, description=_OSL_DOC)
    decided_by: str | None = pydantic.Field(None, max_length=200)
    mandate: str | None = pydantic.Field(None, max_length=300)
    position: str | None = pydantic.Field(None, max_length=64)
    source: Literal["direct", "paper"] | None = pydantic.Field(
        None,
        description='"paper": transcribed from the paper log kept during an outage; needs occurred_at in the past',
    )


class CorrectionIn(Strict):
    text: str = pydantic.Field(min_length=1, max_length=10_000)
    classification: ClassStr | None = pydantic.Field(
        None, description="Default: the original's. A lower one needs declassify=true and the leader role."
    )
    confidentiality: LevelStr | None = pydantic.Field(
        None, description="Default: the original's. A lower level needs declassify=true and the leader role."
    )
    osl_ground: str | None = pydantic.Field(None, max_length=200, description="Default: the original's")
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
    confidentiality: LevelStr | None = pydantic.Field(description="Null on entries recorded before levels were")
    source: Literal["direct", "paper"] = pydantic.Field(
        description='"paper" when transcribed afterwards from the paper log kept during an outage'
    )
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


class ReadAuditQuery(pydantic.BaseModel):
    incident: int | None = pydantic.Field(None, ge=1, le=2**31 - 1, description="Only reads in this incident")
    user: str | None = pydantic.Field(None, max_length=200, description="Only this username")
    before: int | None = pydantic.Field(
        None, ge=1, le=2**63 - 1, description="Only rows older than this id (pass next_before)"
    )
    limit: int = pydantic.Field(100, ge=1, le=500)


class ReadAuditOut(pydantic.BaseModel):
    id: int
    user: str
    incident: int
    number: int = pydantic.Field(description="The entry read; 0 = a whole-log export with confidential content")
    day: str = pydantic.Field(description="Europe/Stockholm date; one row per user, entry and day")
    read_at: str = pydantic.Field(description="The first read that day")
    via: str = pydantic.Field(description="log, export, print or archive")


class ReadAuditPage(pydantic.BaseModel):
    items: list[ReadAuditOut] = pydantic.Field(description="Newest first")
    next_before: int | None
