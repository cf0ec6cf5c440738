"""Geometry rules shared by everything that reads or serves GeoJSON.

* Ring orientation (RFC 7946 section 3.1.6): an exterior ring counter-
  clockwise, holes clockwise. `rfc7946` rewinds any Polygon/MultiPolygon so;
  every GeoJSON Krisrum serves goes through it (sites, drawn areas).
* Validity: `polygon_problem` says in plain words why a Polygon or
  MultiPolygon is not a valid OGC simple feature (self-intersection, a hole
  outside its shell, ...), using shapely (GEOS), not hand-written tests.
* Coordinate systems: WGS 84 (lon/lat, the GeoJSON default) and SWEREF 99 TM
  (EPSG:3006, metres, what a Swedish kommun's GIS exports). `Sweref99TM`
  converts to WGS 84 with pyproj (PROJ).

Pure module: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import shapely
import shapely.errors
import shapely.geometry
from shapely.geometry import shape

# The GeoJSON 2008 `crs` member names that mean SWEREF 99 TM (RFC 7946
# dropped `crs`, but QGIS, ogr2ogr and ArcGIS still write it for non-WGS 84).
SWEREF99TM_NAMES = frozenset(
    {
        "urn:ogc:def:crs:epsg::3006",
        "urn:ogc:def:crs:epsg:6.3:3006",
        "epsg:3006",
        "http://www.opengis.net/def/crs/epsg/0/3006",
    }
)
WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:ogc::crs84",
        "urn:ogc:def:crs:epsg::4326",
        "epsg:4326",
        "http://www.opengis.net/def/crs/ogc/1.3/crs84",
        "http://www.opengis.net/def/crs/epsg/0/4326",
    }
)
# Where SWEREF 99 TM coordinates of Sweden lie (EPSG:3006's area of use with a
# margin), in metres. A position with an easting in this range cannot be a
# longitude, so a file without `crs` whose first position is here is SWEREF 99 TM.
SWEREF_EAST = (100_000.0, 1_100_000.0)
SWEREF_NORTH = (6_000_000.0, 7_800_000.0)

WGS84 = "WGS84"
SWEREF99TM = "SWEREF99TM"


class CrsProblem(ValueError):
    """The file names a coordinate reference system Krisrum does not read."""


def crs_of_member(crs: object) -> str | None:
    """WGS84, SWEREF99TM or None (no `crs` member) from a GeoJSON 2008
    `crs` member ({"type": "name", "properties": {"name": ...}})."""
    if crs is None:
        return None
    name = None
    if isinstance(crs, Mapping):
        properties = crs.get("properties")
        if isinstance(properties, Mapping):
            name = properties.get("name")
    if not isinstance(name, str):
        raise CrsProblem('the "crs" member must be {"type": "name", "properties": {"name": "urn:ogc:def:crs:..."}}')
    key = re.sub(r"\s+", "", name).lower()
    if key in SWEREF99TM_NAMES:
        return SWEREF99TM
    if key in WGS84_NAMES:
        return WGS84
    shown = name if len(name) <= 60 else name[:59] + "…"
    raise CrsProblem(
        f'unsupported coordinate reference system "{shown}" '
        "(use WGS 84 longitude/latitude or SWEREF 99 TM, urn:ogc:def:crs:EPSG::3006)"
    )


def looks_like_sweref(x: float, y: float) -> bool:
    """An easting/northing pair in metres inside Sweden's SWEREF 99 TM range."""
    return SWEREF_EAST[0] <= x <= SWEREF_EAST[1] and SWEREF_NORTH[0] <= y <= SWEREF_NORTH[1]


@cache
def _sweref_transformer() -> Any:
    from pyproj import Transformer

    # always_xy: (easting, northing) in, (longitude, latitude) out, whatever
    # axis order the EPSG definitions declare.
    return Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def sweref_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(longitude, latitude) of a SWEREF 99 TM (easting, northing) in Sweden.
    Raises ValueError for a position outside SWEREF 99 TM's area."""
    if not looks_like_sweref(x, y):
        raise ValueError(
            f"({x}, {y}) is not a SWEREF 99 TM position in Sweden "
            f"(easting {SWEREF_EAST[0]:.0f}-{SWEREF_EAST[1]:.0f}, northing {SWEREF_NORTH[0]:.0f}-{SWEREF_NORTH[1]:.0f})"
        )
    lon, lat = _sweref_transformer().transform(x, y)
    return round(float(lon), 7), round(float(lat), 7)  # 7 decimals: about 1 cm, RFC 7946 section 11.2


# --------------------------------------------------------------------------
# Validity and orientation


_REASONS = {
    "Self-intersection": "the boundary crosses itself",
    "Ring Self-intersection": "a ring touches or crosses itself",
    "Too few points": "a ring has too few distinct points",
    "Hole lies outside shell": "a hole lies outside its polygon",
    "Nested holes": "a hole lies inside another hole",
    "Nested shells": "one polygon lies inside another of the MultiPolygon",
    "Interior is disconnected": "the holes cut the polygon in pieces",
    "Duplicate Rings": "two rings are the same",
    "Invalid Coordinate": "a coordinate is not a number",
    "Ring is not closed": "a ring is not closed",
}


def polygon_problem(geometry: Mapping[str, Any]) -> str | None:
    """None for a valid Polygon/MultiPolygon (and for any other type), else a
    short English reason with the place, e.g. "the boundary crosses itself
    near 12.41, 57.49"."""
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    try:
        reason = str(shapely.is_valid_reason(shape(geometry)))
    except (ValueError, TypeError, shapely.errors.ShapelyError) as error:
        return f"not a usable polygon ({error})"
    if reason == "Valid Geometry":
        return None
    match = re.match(r"^(.*?)\s*\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]\s*$", reason)
    if match is None:
        return _REASONS.get(reason, reason)
    words = _REASONS.get(match.group(1), match.group(1))
    return f"{words} near {float(match.group(2)):.5f}, {float(match.group(3)):.5f}"


def _lists(value: Any) -> Any:
    """shapely's nested tuples as GeoJSON's nested lists."""
    if isinstance(value, (tuple, list)):
        return [_lists(item) for item in value]
    return float(value)


def rfc7946(geometry: Any) -> Any:
    """A copy of a GeoJSON geometry (or Feature, or FeatureCollection) whose
    Polygon rings follow RFC 7946: exterior counter-clockwise, holes
    clockwise. Anything else is returned unchanged, and so is anything that is
    not well-formed: serving must never fail on stored data."""
    try:
        if not isinstance(geometry, Mapping):
            return geometry
        kind = geometry.get("type")
        if kind == "FeatureCollection" and isinstance(geometry.get("features"), list):
            return {**geometry, "features": [rfc7946(f) for f in geometry["features"]]}
        if kind == "Feature":
            return {**geometry, "geometry": rfc7946(geometry.get("geometry"))}
        if kind == "GeometryCollection" and isinstance(geometry.get("geometries"), list):
            return {**geometry, "geometries": [rfc7946(g) for g in geometry["geometries"]]}
        if kind in ("Polygon", "MultiPolygon"):
            oriented = shapely.orient_polygons(shape(geometry), exterior_cw=False)
            return {**geometry, "coordinates": _lists(shapely.geometry.mapping(oriented)["coordinates"])}
    except (TypeError, ValueError, IndexError, AttributeError, shapely.errors.ShapelyError):
        return geometry
    return geometry


def is_rfc7946_wound(geometry: Mapping[str, Any]) -> bool:
    """True if every exterior ring is counter-clockwise and every hole clockwise."""
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        return True
    polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
    return all(
        bool(shapely.is_ccw(shapely.LinearRing(ring))) == (index == 0)
        for polygon in polygons
        for index, ring in enumerate(polygon)
    )


__all__ = [
    "SWEREF99TM",
    "WGS84",
    "CrsProblem",
    "crs_of_member",
    "is_rfc7946_wound",
    "looks_like_sweref",
    "polygon_problem",
    "rfc7946",
    "sweref_to_wgs84",
]
