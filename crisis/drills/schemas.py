"""Request and response schemas of the larmövning (drills) API."""

from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict


class DrillIn(Strict):
    playbook: str = pydantic.Field(min_length=1, max_length=40, description="The playbook whose call-out list is used")
    title: str = pydantic.Field("", max_length=200, description="Default: Larmövning: <playbook title>")


class DrillQuery(Strict):
    page: int = pydantic.Field(1, ge=1, le=100_000)


class SlowestOut(pydantic.BaseModel):
    name: str
    seconds: int


class DrillSummaryOut(pydantic.BaseModel):
    total: int
    acknowledged: int
    median_seconds: int | None = pydantic.Field(description="Median time to acknowledge (acknowledged only)")
    slowest: SlowestOut | None
    not_acknowledged: list[str] = pydantic.Field(description="Names of those who have not acknowledged")


class DrillPersonOut(pydantic.BaseModel):
    id: int
    name: str
    role: str
    phone: str
    email: str | None
    sent_at: str
    ack_at: str | None
    ack_via: Literal["link", "sms"] | None
    seconds: int | None = pydantic.Field(description="Time to acknowledge")
    mail: Literal["pending", "sent", "failed", "dry_run", "suppressed"] | None
    sms: Literal["pending", "sent", "failed", "suppressed"] | None
    sms_error: str | None


class DrillHeadOut(pydantic.BaseModel):
    id: int
    title: str
    playbook: str
    playbook_title: str
    started_at: str
    started_by: str
    summary: DrillSummaryOut


class DrillOut(DrillHeadOut):
    people: list[DrillPersonOut]
    sms_enabled: bool


class DrillList(pydantic.BaseModel):
    items: list[DrillHeadOut]
    more: bool = pydantic.Field(description="Whether there is a next page")
