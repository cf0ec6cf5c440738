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
    acknowledge_handover: bool = pydantic.Field(
        False,
        description="With check_in: the one checking in has read the position's handover brief and acknowledges it",
    )


class HandoverOut(pydantic.BaseModel):
    id: int
    incident: int
    position: str
    position_label: str
    from_user: str
    from_name: str
    to_user: str | None
    to_name: str | None
    text: str
    generated_at: str
    signed_at: str
    acknowledged_at: str | None
    acknowledged_by: str | None
    acknowledged_by_name: str | None


class HandoverIn(Strict):
    text: str = pydantic.Field(min_length=1, max_length=20000, description="The brief as edited by the leaving holder")
    generated_at: pydantic.AwareDatetime | None = pydantic.Field(
        None, description="When the draft was generated (from the GET)"
    )


class BriefTaskOut(pydantic.BaseModel):
    title: str
    status: str
    due_at: str | None


class BriefDecisionOut(pydantic.BaseModel):
    label: str
    text: str
    follow_up_at: str | None


class HandoverDraftOut(pydantic.BaseModel):
    incident: int
    position: str
    position_label: str
    from_user: str
    from_name: str
    since: str
    generated_at: str
    text: str
    open_tasks: list[BriefTaskOut]
    pending_decisions: list[BriefDecisionOut]
    entries_total: int
    entries_position: int


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
    handover: HandoverOut | None


class StaffingOut(pydantic.BaseModel):
    incident: int
    items: list[PositionOut]
    handover: HandoverOut | None = pydantic.Field(
        None, description="In a staffing.changed event: the handover brief just signed or acknowledged"
    )
