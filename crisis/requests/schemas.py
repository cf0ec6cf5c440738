"""The API shapes of resource requests (resursförfrågningar)."""

from __future__ import annotations

from typing import Literal

import pydantic

from crisis.actors.schemas import ActorRef
from crisis.api.schemas import Strict

RequestStatus = Literal["requested", "confirmed", "delivered", "returned", "declined"]
RequestPriority = Literal["urgent", "high", "normal"]
RequestKind = Literal["request", "offer"]


class RequestIn(Strict):
    kind: RequestKind = pydantic.Field("request", description="request: begäran om stöd; offer: erbjudande")
    what: str = pydantic.Field(max_length=200)
    quantity: int = pydantic.Field(ge=1, le=1_000_000)
    unit: str = pydantic.Field("st", max_length=40)
    purpose: str = pydantic.Field("", max_length=2000)
    priority: RequestPriority = "normal"
    from_actor: int | None = pydantic.Field(
        None, ge=1, le=2**31 - 1, description="The actor it comes from; leave out when it comes from the kommun"
    )
    to_actor: int | None = pydantic.Field(
        None, ge=1, le=2**31 - 1, description="The actor it goes to; leave out when it goes to the kommun"
    )


class RequestPatch(Strict):
    version: int = pydantic.Field(ge=1, le=2**31 - 1, description="The version you saw; a stale one gets 409")
    status: RequestStatus = pydantic.Field(
        description="requested -> confirmed -> delivered -> returned, or declined from requested/confirmed"
    )
    note: str = pydantic.Field("", max_length=500)


class RequestChangeOut(pydantic.BaseModel):
    at: str
    by: str | None
    from_status: str | None
    to_status: str
    note: str


class RequestOut(pydantic.BaseModel):
    id: int
    incident: int
    number: int
    label: str
    kind: RequestKind
    what: str
    quantity: int
    unit: str
    purpose: str
    priority: RequestPriority
    from_actor: ActorRef | None = pydantic.Field(description="null: the kommun")
    to_actor: ActorRef | None = pydantic.Field(description="null: the kommun")
    status: RequestStatus
    open: bool
    history: list[RequestChangeOut]
    version: int
    created_by: str | None
    created_at: str
    updated_by: str | None
    updated_at: str


class RequestsQuery(pydantic.BaseModel):
    open: bool = pydantic.Field(False, description="Only open requests (requested, confirmed)")
    limit: int = pydantic.Field(200, ge=1, le=200)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)
