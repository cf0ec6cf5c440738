"""The crisis communication API's shapes: messages to the public and VMA requests."""

from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

ChannelStr = Literal["web", "social_media", "sms", "113_13", "krisinformation", "radio", "service_points", "faq"]
TIME_HELP = "ISO 8601 with offset, e.g. 2026-11-24T16:00:00+01:00; null or empty = none"


class MessageIn(Strict):
    channels: list[str] = pydantic.Field(max_length=8, description="Channel keys: " + ", ".join(ChannelStr.__args__))
    headline: str = pydantic.Field(max_length=200)
    body: str = pydantic.Field(max_length=5000)
    kind: Literal["alert", "cancel", "all_clear"] = pydantic.Field(
        "alert", description="cancel: withdraws `supersedes`; all_clear: faran över (CAP responseType AllClear)"
    )
    language: str = pydantic.Field("sv", max_length=16, description="sv, en, sv-lattlast (lättläst) or another code")
    instruction: str | None = pydantic.Field(None, max_length=2000)
    web: str | None = pydantic.Field(None, max_length=500, description="http(s) link for more information")
    contact: str | None = pydantic.Field(None, max_length=300)
    area_desc: str | None = pydantic.Field(None, max_length=300, description="Area in words; default the kommun")
    expires_at: str | None = pydantic.Field(None, max_length=64, description=TIME_HELP)
    point_ids: list[int] = pydantic.Field([], max_length=20, description="Service points the message names")
    supersedes: int | None = pydantic.Field(None, ge=1, description="Id of the approved message this version replaces")
    translation_of: int | None = pydantic.Field(None, ge=1, description="Id of the message this translates")


class MessagePatch(Strict):
    version: int = pydantic.Field(description="The version you saw; a stale one gets 409")
    channels: list[str] | None = pydantic.Field(None, max_length=8)
    headline: str | None = pydantic.Field(None, max_length=200)
    body: str | None = pydantic.Field(None, max_length=5000)
    language: str | None = pydantic.Field(None, max_length=16)
    instruction: str | None = pydantic.Field(None, max_length=2000)
    web: str | None = pydantic.Field(None, max_length=500)
    contact: str | None = pydantic.Field(None, max_length=300)
    area_desc: str | None = pydantic.Field(None, max_length=300)
    expires_at: str | None = pydantic.Field(None, max_length=64, description=TIME_HELP)
    point_ids: list[int] | None = pydantic.Field(None, max_length=20)


class MessageApproveIn(Strict):
    version: int | None = pydantic.Field(None, description="The version you saw; a stale one gets 409")


class MessagePublishIn(Strict):
    channels: list[str] = pydantic.Field(max_length=8, description="The channels it was published on now")
    where: str | None = pydantic.Field(None, max_length=300, description="Where, e.g. a link or 'P4 Sjuhärad 14.05'")


class MessagesQuery(pydantic.BaseModel):
    status: Literal["draft", "approved", "published"] | None = None
    limit: int = pydantic.Field(100, ge=1, le=200)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)


class MessagePointRef(pydantic.BaseModel):
    id: int
    name: str
    kind: str
    status: str


class MessagePublication(pydantic.BaseModel):
    channel: str
    at: str
    by: str
    where: str | None


class MessageOut(pydantic.BaseModel):
    object: Literal["message"]
    id: int
    incident: int
    number: int
    label: str
    kind: str
    status: str
    channels: list[str]
    language: str
    headline: str
    body: str
    instruction: str | None
    web: str | None
    contact: str | None
    area_desc: str | None
    expires_at: str | None
    points: list[MessagePointRef]
    supersedes: int | None
    supersedes_label: str | None
    superseded_by: int | None
    superseded_by_label: str | None
    translation_of: int | None
    publications: list[MessagePublication]
    author: str
    created_at: str
    approved_by: str | None
    approved_at: str | None
    published_at: str | None
    updated_at: str
    updated_by: str | None
    version: int


class MessageLatestOut(pydantic.BaseModel):
    channel: str
    at: str
    message: MessageOut


class VmaIn(Strict):
    authority: Literal["raddningsledare", "polisen", "lansstyrelsen"]
    text: str = pydantic.Field(max_length=5000, description="The proposed VMA text")
    area_desc: str | None = pydantic.Field(None, max_length=300)


class VmaPatch(Strict):
    version: int | None = None
    status: Literal["sent", "declined"] = pydantic.Field(description="sent by the authority, or declined")
    note: str | None = pydantic.Field(None, max_length=2000)


class VmaOut(pydantic.BaseModel):
    object: Literal["vma"]
    id: int
    incident: int
    number: int
    authority: str
    text: str
    area_desc: str | None
    status: str
    note: str | None
    requested_by: str
    requested_at: str
    resolved_by: str | None
    resolved_at: str | None
    version: int


class VmaQuery(pydantic.BaseModel):
    limit: int = pydantic.Field(100, ge=1, le=200)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)
