"""Small builders for site-register tests (GeoJSON features, files, imports)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa


def feature(
    key: str, deps: Iterable[str] = (), category: str = "power", lon: float = 12.7, lat: float = 57.5, **props: Any
) -> dict[str, Any]:
    properties = {
        "key": key,
        "name": props.pop("name", f"Site {key}"),
        "category": category,
        "depends_on": list(deps),
        **props,
    }
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def load(*features: dict[str, Any]) -> Any:
    """Import features through the service as the command line does."""
    from crisis.sites import register

    return register.import_file(actor=None, filename="test.geojson", text=collection(*features))


def site_count(include_retired: bool = True) -> int:
    from crisis.extensions import db
    from crisis.sites.models import Site

    stmt = sa.select(sa.func.count()).select_from(Site)
    if not include_retired:
        stmt = stmt.where(Site.retired.is_(False))
    return db.session.scalar(stmt)


def status_count() -> int:
    from crisis.extensions import db
    from crisis.sites.models import SiteStatus

    return db.session.scalar(sa.select(sa.func.count()).select_from(SiteStatus))


def props(fc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """key -> properties of a FeatureCollection."""
    return {f["properties"]["key"]: f["properties"] for f in fc["features"]}
