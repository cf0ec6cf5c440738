"""Request and response models of the site API (validation and OpenAPI).

Field values of the register (category, keys, coordinates, Styrel class)
are checked by the same rules as a file import (`crisis.sites.importer`),
so the request models only fix the shape and the types. The serialisers
of a site's register fields (`site_values`) and of a status report
(`row_dict`) stand at the end, next to what they build.
"""

from __future__ import annotations

from typing import Any, Literal

import pydantic
from flask_babel import lazy_gettext as _l

from crisis.api.schemas import Strict
from crisis.errors import ValidationError
from crisis.sites.models import Site, SiteStatus

StateStr = Literal["operational", "degraded", "down", "unknown"]


class SitesQuery(pydantic.BaseModel):
    incident: int | None = pydantic.Field(None, ge=1, description="Add each site's status and at_risk in this incident")
    include_retired: bool = pydantic.Field(False, description="Also retired sites")


HISTORY_LIMIT = 50
HISTORY_MAX = 200


class HistoryQuery(pydantic.BaseModel):
    incident: int = pydantic.Field(ge=1, description="The incident whose status reports to show")
    limit: int = pydantic.Field(
        HISTORY_LIMIT,
        ge=1,
        le=HISTORY_MAX,
        description="At most this many status reports, and this many linked log entries",
    )
    before: int | None = pydantic.Field(
        None, ge=1, description="Status reports older than this one (its id; pass `next_before` of the previous page)"
    )
    log_before: int | None = pydantic.Field(
        None, ge=1, description="Linked log entries numbered below this (pass `log_next_before` of the previous page)"
    )


class SiteQuery(pydantic.BaseModel):
    incident: int | None = pydantic.Field(None, ge=1, description="Add the site's status in this incident")


class _SiteFields(Strict):
    name: str | None = pydantic.Field(None, max_length=200)
    category: str | None = pydantic.Field(
        None, max_length=40, description="health, care, rescue, water, sewage, power, roads, telecom, school, other"
    )
    geometry: dict[str, Any] | None = pydantic.Field(
        None, description="An RFC 7946 geometry (Point, LineString, MultiLineString, Polygon, MultiPolygon), lon/lat"
    )
    lat: float | None = pydantic.Field(None, description="Instead of geometry: a Point's latitude")
    lon: float | None = pydantic.Field(None, description="Instead of geometry: a Point's longitude")
    address: str | None = pydantic.Field(None, max_length=500)
    owner: str | None = pydantic.Field(None, max_length=500)
    contact: str | None = pydantic.Field(None, max_length=500)
    backup_power: bool | None = None
    fuel_hours: float | None = pydantic.Field(None, ge=0, description="Hours of backup power on a full tank")
    styrel_priority: int | None = pydantic.Field(None, description="Styrel prioritetsklass 1-8")
    depends_on: list[str] | None = pydantic.Field(None, max_length=200, description="Keys of the sites it needs")

    def register_data(self) -> dict[str, Any]:
        """The fields that were sent, with lat/lon turned into a Point."""
        data = self.model_dump(exclude_unset=True)
        lat, lon = data.pop("lat", None), data.pop("lon", None)
        if lat is not None or lon is not None:
            if "geometry" in data:
                raise ValidationError(_l("Skicka antingen geometry eller lat/lon, inte båda."))
            if lat is None or lon is None:
                raise ValidationError(_l("En punkt behöver både lat och lon."))
            data["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
        return data


class SiteCreate(_SiteFields):
    key: str = pydantic.Field(min_length=1, max_length=64, description="Unique key, e.g. water-kinna-vv")
    name: str = pydantic.Field(min_length=1, max_length=200)
    category: str = pydantic.Field(min_length=1, max_length=40)


class SitePatch(_SiteFields):
    key: str | None = pydantic.Field(None, max_length=64, description="Cannot change; allowed if unchanged")


class StatusIn(Strict):
    status: StateStr
    note: str | None = pydantic.Field(None, max_length=2000)
    on_backup_power: bool | None = pydantic.Field(
        None,
        description="true: on backup power (fuel countdown starts now unless running); false: back on the grid; "
        "left out: unchanged",
    )


class ImportIn(Strict):
    filename: str = pydantic.Field(
        min_length=1, max_length=255, description="Decides the format: .geojson, .json or .csv"
    )
    content: str = pydantic.Field(max_length=8_000_000, description="The file's text")


class SiteProperties(pydantic.BaseModel):
    id: int
    key: str
    name: str
    category: str
    depends_on: list[str]
    address: str | None
    owner: str | None
    contact: str | None
    backup_power: bool
    fuel_hours: float | None
    styrel_priority: int | None
    retired: bool
    updated_at: str
    status: StateStr | None = pydantic.Field(None, description="With ?incident= only")
    at_risk: bool | None = pydantic.Field(None, description="With ?incident= only: a dependency is degraded or down")
    at_risk_causes: list[str] | None = None
    note: str | None = None
    set_by: str | None = None
    set_at: str | None = None
    on_backup_power: bool | None = None
    on_backup_power_since: str | None = None
    fuel_left_hours: float | None = None
    fuel_runs_out_at: str | None = None
    log_number: int | None = pydantic.Field(None, description="After a status change: the log entry recording it")
    sensitive_hidden: bool | None = pydantic.Field(
        None,
        description="True: Styrel class and fuel are withheld from this reader (CRISIS_SITE_SENSITIVE_ROLES) and null",
    )


class SiteFeature(pydantic.BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: dict[str, Any]
    properties: SiteProperties


class AtRiskChange(pydantic.BaseModel):
    id: int
    key: str
    at_risk: bool
    at_risk_causes: list[str]


class SiteStatusOut(SiteFeature):
    at_risk_changed: list[AtRiskChange]


class SiteCollection(pydantic.BaseModel):
    type: Literal["FeatureCollection"]
    incident: int | None = None
    seq: int | None = pydantic.Field(None, description="The incident's event sequence number this reflects")
    generated_at: str | None = pydantic.Field(None, description="With ?incident=: when the state was read")
    features: list[SiteFeature]


class StatusRow(pydantic.BaseModel):
    id: int
    status: StateStr
    note: str | None
    set_by: str
    set_at: str
    on_backup_power: bool
    on_backup_power_since: str | None
    log_number: int | None


class CauseOut(pydantic.BaseModel):
    id: int
    key: str
    name: str
    status: str | None


class HistoryOut(pydantic.BaseModel):
    site: SiteFeature
    history: list[StatusRow] = pydantic.Field(description="Status reports, newest first (one page)")
    next_before: int | None = pydantic.Field(description="`before` for the next page of reports, or null")
    at_risk_causes: list[CauseOut]
    log: list[dict[str, Any]] = pydantic.Field(description="Linked log entries, newest first (one page)")
    log_next_before: int | None = pydantic.Field(description="`log_before` for the next page of entries, or null")


class ImportOut(pydantic.BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]


class CategoryCounts(pydantic.BaseModel):
    category: str
    operational: int
    degraded: int
    down: int
    unknown: int
    at_risk: int
    total: int


class SummaryOut(pydantic.BaseModel):
    incident: int
    generated_at: str
    categories: list[CategoryCounts]
    totals: dict[str, int]
    attention: list[dict[str, Any]]
    on_backup_power: list[dict[str, Any]]


# --- serialising ---------------------------------------------------------------


def site_values(site: Site) -> dict[str, Any]:
    """The register's fields, JSON-ready; `to_feature` makes a Feature of it."""
    return {
        "id": site.id,
        "key": site.key,
        "name": site.name,
        "category": site.category.value,
        "geometry": site.geometry,
        "address": site.address,
        "owner": site.owner,
        "contact": site.contact,
        "backup_power": site.backup_power,
        "fuel_hours": site.fuel_hours,
        "styrel_priority": site.styrel_priority,
        "depends_on": list(site.depends_on or []),
        "retired": site.retired,
        "updated_at": site.updated_at.isoformat(),
    }


def row_dict(row: SiteStatus) -> dict[str, Any]:
    """A status report as the API returns it."""
    return {
        "id": row.id,
        "status": row.status.value,
        "note": row.note,
        "set_by": row.set_by,
        "set_at": row.set_at.isoformat(),
        "on_backup_power": row.on_backup_power,
        "on_backup_power_since": row.on_backup_power_since.isoformat() if row.on_backup_power_since else None,
        "log_number": row.log_number,
    }
