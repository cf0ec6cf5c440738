"""The service points API's shapes."""

from __future__ import annotations

from typing import Literal

import pydantic

from crisis.api.schemas import Strict

KindStr = Literal["trygghetspunkt", "nodvatten", "krisstod", "evakuering"]


class PointIn(Strict):
    kind: KindStr
    name: str = pydantic.Field(max_length=200)
    status: Literal["planned", "open"] = "planned"
    address: str | None = pydantic.Field(None, max_length=300)
    lat: float | None = pydantic.Field(None, ge=-90, le=90)
    lon: float | None = pydantic.Field(None, ge=-180, le=180)
    site_key: str | None = pydantic.Field(None, max_length=64, description="A site of the register")
    decision: int | None = pydantic.Field(None, ge=1, description="Id of the decision that opened it")
    hours: str | None = pydantic.Field(None, max_length=200, description="Opening hours, e.g. 08–20")
    staffing: str | None = pydantic.Field(None, max_length=500)
    capacity: int | None = pydantic.Field(None, ge=0, le=1_000_000)
    backup_power: bool = False
    rakel: bool = False
    priority_count: int | None = pydantic.Field(None, ge=0, le=1_000_000, description="Confidential")
    priority_note: str | None = pydantic.Field(None, max_length=2000, description="Confidential")
    note: str | None = pydantic.Field(None, max_length=2000)


class PointPatch(Strict):
    version: int = pydantic.Field(description="The version you saw; a stale one gets 409")
    status: Literal["planned", "open", "closed"] | None = None
    decision: int | None = pydantic.Field(None, ge=1, description="The decision behind this opening/closing")
    add_litres: int | None = pydantic.Field(None, ge=0, le=100_000_000, description="Nödvatten delivered since last")
    kind: KindStr | None = None
    name: str | None = pydantic.Field(None, max_length=200)
    address: str | None = pydantic.Field(None, max_length=300)
    lat: float | None = pydantic.Field(None, ge=-90, le=90)
    lon: float | None = pydantic.Field(None, ge=-180, le=180)
    site_key: str | None = pydantic.Field(None, max_length=64)
    hours: str | None = pydantic.Field(None, max_length=200)
    staffing: str | None = pydantic.Field(None, max_length=500)
    capacity: int | None = pydantic.Field(None, ge=0, le=1_000_000)
    backup_power: bool | None = None
    rakel: bool | None = None
    priority_count: int | None = pydantic.Field(None, ge=0, le=1_000_000)
    priority_note: str | None = pydantic.Field(None, max_length=2000)
    note: str | None = pydantic.Field(None, max_length=2000)


class PointsQuery(pydantic.BaseModel):
    status: Literal["planned", "open", "closed"] | None = None
    kind: KindStr | None = None
    limit: int = pydantic.Field(100, ge=1, le=200)
    offset: int = pydantic.Field(0, ge=0, le=1_000_000)


class PointOut(pydantic.BaseModel):
    id: int
    incident: int
    kind: str
    name: str
    address: str | None
    lat: float | None
    lon: float | None
    site_key: str | None
    status: str
    opened_at: str | None
    closed_at: str | None
    decision: int | None
    decision_label: str | None
    hours: str | None
    staffing: str | None
    capacity: int | None
    backup_power: bool
    rakel: bool
    water_litres: int
    priority_count: int | None
    priority_note: str | None
    priority_hidden: bool
    note: str | None
    created_by: str | None
    created_at: str
    updated_by: str | None
    updated_at: str
    version: int
