"""The readiness API's models: GET|PUT /readiness."""

from __future__ import annotations

from datetime import date

import pydantic

from crisis.api.schemas import Strict
from crisis.enums import Readiness


class ReadinessIn(Strict):
    readiness: Readiness = pydantic.Field(description="peace | heightened (skärpt) | highest (högsta beredskap)")
    decided_at: date | None = pydantic.Field(
        None, description="Date of the government's decision (YYYY-MM-DD); required unless peace"
    )
    reference: str | None = pydantic.Field(
        None, max_length=100, description="The government decision's reference, e.g. Fö2026/01234 (required)"
    )
    note: str | None = pydantic.Field(None, max_length=2000)


class ReadinessStateOut(pydantic.BaseModel):
    readiness: str
    heightened: bool
    decided_at: str | None
    reference: str | None
    note: str
    recorded_by: str | None
    recorded_at: str | None


class ReadinessOut(pydantic.BaseModel):
    current: ReadinessStateOut
    history: list[ReadinessStateOut]
