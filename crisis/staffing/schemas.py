from __future__ import annotations

from typing import Literal, Optional

import pydantic

from crisis.api.schemas import Strict


class StaffingIn(Strict):
    action: Literal["check_in", "check_out", "add_position"]
    position: str = pydantic.Field(min_length=1, max_length=64, description="Position key")
    user: Optional[str] = pydantic.Field(None, max_length=64, description="Username; default yourself")
    handover_note: Optional[str] = pydantic.Field(None, max_length=5000)
    label: Optional[str] = pydantic.Field(None, max_length=200, description="For add_position")


class HolderOut(pydantic.BaseModel):
    user: str
    name: str
    phone: Optional[str]
    since: str


class PositionOut(pydantic.BaseModel):
    key: str
    label: str
    holders: list[HolderOut]
    handover_note: Optional[str]
    handover_by: Optional[str]
    handover_at: Optional[str]


class StaffingOut(pydantic.BaseModel):
    incident: int
    items: list[PositionOut]
