"""The API shapes of the actor register and the samverkan conferences."""

from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

WHEN_HELP = "ISO 8601 with offset, e.g. 2026-11-24T16:00:00+01:00"
ActorKind = Literal[
    "county",
    "rescue",
    "police",
    "region",
    "power",
    "telecom",
    "roads",
    "neighbour",
    "water",
    "municipal_company",
    "department",
    "authority",
    "business",
    "voluntary",
    "other",
]


class ActorIn(Strict):
    name: str = pydantic.Field(max_length=200)
    kind: ActorKind
    phone: str = pydantic.Field("", max_length=100)
    email: str = pydantic.Field("", max_length=200)
    rakel: str = pydantic.Field("", max_length=100, description="Rakel talk group")
    alternative: str = pydantic.Field("", max_length=300, description="Alternative route when phone and mail fail")
    notes: str = pydantic.Field("", max_length=2000)


class ActorPatch(Strict):
    version: int | None = pydantic.Field(None, description="The version you saw; a stale one gets 409")
    name: str | None = pydantic.Field(None, max_length=200)
    kind: ActorKind | None = None
    phone: str | None = pydantic.Field(None, max_length=100)
    email: str | None = pydantic.Field(None, max_length=200)
    rakel: str | None = pydantic.Field(None, max_length=100)
    alternative: str | None = pydantic.Field(None, max_length=300)
    notes: str | None = pydantic.Field(None, max_length=2000)
    active: bool | None = pydantic.Field(None, description="false deactivates (actors are never deleted)")


class ActorOut(pydantic.BaseModel):
    id: int
    name: str
    kind: ActorKind
    phone: str
    email: str
    rakel: str
    alternative: str
    notes: str
    active: bool
    version: int
    updated_by: str | None
    updated_at: str


class ActorsQuery(pydantic.BaseModel):
    inactive: bool = pydantic.Field(False, description="Include deactivated actors")
    limit: int = pydantic.Field(500, ge=1, le=500)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)


class ActorRef(pydantic.BaseModel):
    id: int
    name: str


class ConferenceIn(Strict):
    held_at: str = pydantic.Field(max_length=64, description=WHEN_HELP)
    called_by: int | None = pydantic.Field(None, ge=1, le=2**31 - 1, description="The actor who called it")
    participants: list[int] = pydantic.Field(default_factory=list, max_length=40, description="Actor ids")
    participants_other: list[str] = pydantic.Field(default_factory=list, max_length=40)
    reported: str = pydantic.Field("", max_length=5000, description="What the kommun reported")
    agreed: str = pydantic.Field("", max_length=5000, description="What was agreed")
    situation: str = pydantic.Field("", max_length=5000, description="The samlad lägesbild received")
    next_at: str | None = pydantic.Field(None, max_length=64, description="Next conference: " + WHEN_HELP)


class AgreementIn(Strict):
    text: str = pydantic.Field(max_length=5000)
    to: Literal["decision", "task"]
    decided_by: str | None = pydantic.Field(None, max_length=200, description="decision: who decided")
    mandate: str | None = pydantic.Field(None, max_length=300, description="decision: under which mandate")
    reason: str | None = pydantic.Field(None, max_length=2000, description="decision: why (default: the conference)")
    position: str | None = pydantic.Field(None, max_length=64, description="task: the position")
    due_at: str | None = pydantic.Field(None, max_length=64, description="task: " + WHEN_HELP)
    priority: Literal["high", "normal", "low"] = "normal"


class AgreementOut(pydantic.BaseModel):
    text: str
    decision: int | None
    task: int | None


class ConferenceOut(pydantic.BaseModel):
    kind: Literal["samverkan"]
    id: int
    incident: int
    number: int
    label: str
    held_at: str
    called_by: ActorRef | None
    participants: list[ActorRef]
    participants_other: list[str]
    reported: str
    agreed: str
    situation: str
    next_at: str | None
    agreements: list[AgreementOut]
    log_number: int | None
    version: int
    updated_by: str | None
    updated_at: str


class ConferencesQuery(pydantic.BaseModel):
    limit: int = pydantic.Field(50, ge=1, le=100)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)


class ConferenceFileOut(pydantic.BaseModel):
    """A file attached to a samverkan conference (metadata; `url` gives the bytes)."""

    id: int
    conference: int
    incident: int
    filename: str
    content_type: str
    type: Literal["PDF", "PNG", "JPEG", "DOCX", "ODT"]
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: str
    url: str
