"""The RSA register API: requests and responses."""

from __future__ import annotations

from datetime import date

import pydantic

from crisis.api.schemas import Strict
from crisis.rsa.models import MeasureStatus


class RiskIn(Strict):
    title: str = pydantic.Field(min_length=1, max_length=200)
    description: str = pydantic.Field("", max_length=5000)
    likelihood: int = pydantic.Field(ge=1, le=5, description="sannolikhet 1–5")
    consequence: int = pydantic.Field(ge=1, le=5, description="konsekvens 1–5")
    shortcomings: str = pydantic.Field("", max_length=5000, description="brister")
    playbooks: list[str] = pydantic.Field(default_factory=list, max_length=20, description="playbook keys")
    scenarios: list[str] = pydantic.Field(default_factory=list, max_length=20, description="exercise scenario keys")
    lessons: list[int] = pydantic.Field(default_factory=list, max_length=50, description="lesson ids")


class RiskPatch(Strict):
    version: int | None = pydantic.Field(None, description="the version the client saw (optimistic locking)")
    title: str | None = pydantic.Field(None, min_length=1, max_length=200)
    description: str | None = pydantic.Field(None, max_length=5000)
    likelihood: int | None = pydantic.Field(None, ge=1, le=5)
    consequence: int | None = pydantic.Field(None, ge=1, le=5)
    shortcomings: str | None = pydantic.Field(None, max_length=5000)
    playbooks: list[str] | None = pydantic.Field(None, max_length=20)
    scenarios: list[str] | None = pydantic.Field(None, max_length=20)
    lessons: list[int] | None = pydantic.Field(None, max_length=50)


class MeasureIn(Strict):
    text: str = pydantic.Field(min_length=1, max_length=5000)
    owner: str = pydantic.Field("", max_length=200)
    due: date | None = None


class MeasurePatch(Strict):
    status: MeasureStatus
    done_on: date | None = None


class MeasureOut(pydantic.BaseModel):
    id: int
    risk: int
    text: str
    owner: str
    due: str | None
    status: str
    done_on: str | None


class RiskOut(pydantic.BaseModel):
    id: int
    title: str
    description: str
    likelihood: int
    consequence: int
    score: int
    shortcomings: str
    playbooks: list[str]
    scenarios: list[str]
    lessons: list[int]
    measures: list[MeasureOut]
    gaps: list[str]
    version: int
    updated_by: str
    updated_at: str
