from __future__ import annotations

import pydantic

from crisis.api.schemas import Strict
from crisis.samband.plan import Plan


class SambandIn(Strict):
    version: int = pydantic.Field(
        ge=0, description="The version you read (0: the kommun's default, never edited); a stale one is a 409"
    )
    plan: Plan


class SambandOut(pydantic.BaseModel):
    incident: int
    version: int = pydantic.Field(description="0 while the incident still shows the kommun's default")
    updated_at: str | None
    updated_by: str | None
    plan: Plan
