from __future__ import annotations

import pydantic

from crisis.api.schemas import Strict


class SectionsIn(Strict):
    handelse: str = pydantic.Field("", max_length=10000)
    omfattning: str = pydantic.Field("", max_length=10000)
    konsekvenser: dict[str, str] = pydantic.Field(
        default_factory=dict, description="Text per sector: general, health, care, rescue, water, sewage, power, ..."
    )
    resurser: str = pydantic.Field("", max_length=10000)
    aktorer: str = pydantic.Field("", max_length=10000)
    kommunikation: str = pydantic.Field("", max_length=10000)
    prognos: str = pydantic.Field("", max_length=10000)
    behov_av_beslut: str = pydantic.Field("", max_length=10000)


class SituationIn(Strict):
    version: int = pydantic.Field(ge=0, description="The version you based the text on (0: none yet); stale -> 409")
    sections: SectionsIn


class SectionsOut(pydantic.BaseModel):
    handelse: str
    omfattning: str
    konsekvenser: dict[str, str]
    resurser: str
    aktorer: str
    kommunikation: str
    prognos: str
    behov_av_beslut: str


class SituationOut(pydantic.BaseModel):
    incident: int
    version: int = pydantic.Field(description="0 before the first save")
    sections: SectionsOut
    author: str | None
    created_at: str | None


class VersionsQuery(pydantic.BaseModel):
    limit: int = pydantic.Field(50, ge=1, le=100)
    offset: int = pydantic.Field(0, ge=0)
