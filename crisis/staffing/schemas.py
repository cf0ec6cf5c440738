from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict


class StaffingIn(Strict):
    action: Literal["check_in", "check_out", "add_position"]
    position: str = pydantic.Field(min_length=1, max_length=64, description="Position key")
    user: str | None = pydantic.Field(None, max_length=64, description="Username; default yourself")
    handover_note: str | None = pydantic.Field(None, max_length=5000)
    label: str | None = pydantic.Field(None, max_length=200, description="For add_position")


class HolderOut(pydantic.BaseModel):
    user: str
    name: str
    phone: str | None
    since: str


class PositionOut(pydantic.BaseModel):
    key: str
    label: str
    holders: list[HolderOut]
    handover_note: str | None
    handover_by: str | None
    handover_at: str | None


class StaffingOut(pydantic.BaseModel):
    incident: int
    items: list[PositionOut]
