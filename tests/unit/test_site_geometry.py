"""Geometry rules of the site importer and crisis.geo: RFC 7946 winding,
invalid polygons refused with the feature named, SWEREF 99 TM read and
converted, bounds on size. Pure: no app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyproj import Transformer

from crisis import geo
from crisis.sites import importer
from crisis.sites.importer import SiteImportError, parse_geojson, to_feature

ROOT = Path(__file__).resolve().parents[2]

# Counter-clockwise square around Kinna with a clockwise hole: already RFC 7946.
SHELL = [[12.60, 57.47], [12.70, 57.47], [12.70, 57.53], [12.60, 57.53], [12.60, 57.47]]
HOLE = [[12.63, 57.49], [12.63, 57.51], [12.67, 57.51], [12.67, 57.49], [12.63, 57.49]]
BOWTIE = [[12.60, 57.47], [12.70, 57.53], [12.70, 57.47], [12.60, 57.53], [12.60, 57.47]]


def feature(key: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"key": key, "name": f"Site {key}", "category": "water"},
    }


def collection(*features: dict[str, Any], **members: Any) -> str:
    return json.dumps({"type": "FeatureCollection", **members, "features": list(features)})


def errors_of(text: str) -> list[str]:
    with pytest.raises(SiteImportError) as caught:
        parse_geojson(text)
    return caught.value.errors


def test_polygons_are_stored_wound_as_rfc7946_wants() -> None:
    clockwise = [list(reversed(SHELL)), list(reversed(HOLE))]  # both rings the wrong way round
    (polygon, multi) = parse_geojson(
        collection(
            feature("a", {"type": "Polygon", "coordinates": clockwise}),
            feature(
                "b", {"type": "MultiPolygon", "coordinates": [clockwise, [[[13, 57], [13, 58], [14, 57], [13, 57]]]]}
            ),
        )
    )
    assert polygon.geometry["coordinates"] == [SHELL, HOLE]
    assert multi.geometry["coordinates"][0] == [SHELL, HOLE]  # the hole survives, wound clockwise
    assert geo.is_rfc7946_wound(multi.geometry)
    assert not geo.is_rfc7946_wound({"type": "Polygon", "coordinates": clockwise})


def test_served_features_are_rewound_even_if_stored_otherwise() -> None:
    stored = {"key": "a", "name": "A", "category": "water"}
    stored["geometry"] = {"type": "Polygon", "coordinates": [list(reversed(SHELL)), list(reversed(HOLE))]}
    served = to_feature(stored)["geometry"]
    assert served["coordinates"] == [SHELL, HOLE] and geo.is_rfc7946_wound(served)
    broken = {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}  # never fails on odd stored data
    assert geo.rfc7946(broken) == broken


def test_the_kommun_boundary_file_follows_rfc7946() -> None:
    boundary = json.loads((ROOT / "static" / "geo" / "marks_kommun.geojson").read_text(encoding="utf-8"))
    for item in boundary["features"]:
        assert geo.is_rfc7946_wound(item["geometry"])
        assert geo.polygon_problem(item["geometry"]) is None


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        (
            {"type": "Polygon", "coordinates": [BOWTIE]},
            "invalid Polygon: the boundary crosses itself near 12.65000, 57.50000",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [[SHELL], [BOWTIE]]},
            "invalid MultiPolygon: ",
        ),
        (
            {"type": "Polygon", "coordinates": [HOLE, SHELL]},  # the "hole" is bigger than the shell
            "invalid Polygon: a hole lies outside its polygon",
        ),
    ],
)
def test_invalid_polygons_are_refused_naming_the_feature(geometry: dict[str, Any], words: str) -> None:
    errors = errors_of(
        collection(feature("ok", {"type": "Point", "coordinates": [12.7, 57.5]}), feature("bad", geometry))
    )
    assert len(errors) == 1 and errors[0].startswith(f'feature 2 (key "bad"): {words}'), errors


def _to_sweref(lon: float, lat: float) -> list[float]:
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(lon, lat)
    return [x, y]


def test_sweref99tm_by_crs_member_is_converted_to_wgs84() -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    ring = [_to_sweref(lon, lat) for lon, lat in SHELL]
    (point, area) = parse_geojson(
        collection(
            feature("kinna", {"type": "Point", "coordinates": _to_sweref(12.694, 57.508)}),
            feature("area", {"type": "Polygon", "coordinates": [ring]}),
            crs=crs,
        )
    )
    assert point.geometry["coordinates"] == pytest.approx([12.694, 57.508], abs=1e-6)
    for got, want in zip(area.geometry["coordinates"][0], SHELL, strict=True):
        assert got == pytest.approx(want, abs=1e-6)
    # A known SWEREF 99 TM position (Lantmäteriet's grid, near Kinna): E 340 000, N 6 380 000.
    assert geo.sweref_to_wgs84(340_000, 6_380_000) == pytest.approx((12.3273484, 57.5341773), abs=1e-6)


def test_sweref99tm_is_recognised_by_metres_without_crs() -> None:
    (point,) = parse_geojson(collection(feature("kinna", {"type": "Point", "coordinates": [340_000, 6_380_000]})))
    assert point.geometry["coordinates"] == pytest.approx([12.3273484, 57.5341773], abs=1e-6)


def test_sweref_file_with_a_position_outside_sweden_names_it() -> None:
    errors = errors_of(
        collection(
            feature("a", {"type": "Point", "coordinates": [340_000, 6_380_000]}),
            feature("b", {"type": "Point", "coordinates": [12.7, 57.5]}),  # degrees in a metre file
        )
    )
    assert errors == [
        'feature 2 (key "b"): coordinates: (12.7, 57.5) is not a SWEREF 99 TM position in Sweden '
        "(easting 100000-1100000, northing 6000000-7800000)"
    ]


def test_unknown_crs_is_refused_clearly() -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3021"}}  # RT 90
    (message,) = errors_of(collection(feature("a", {"type": "Point", "coordinates": [12.7, 57.5]}), crs=crs))
    assert message.startswith('unsupported coordinate reference system "urn:ogc:def:crs:EPSG::3021"')
    assert "EPSG::3006" in message
    wgs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert len(parse_geojson(collection(feature("a", {"type": "Point", "coordinates": [12.7, 57.5]}), crs=wgs))) == 1
    (message,) = errors_of(collection(feature("a", {"type": "Point", "coordinates": [12.7, 57.5]}), crs="EPSG:3006"))
    assert message.startswith('the "crs" member must be')


def test_a_200000_point_polygon_is_refused_with_the_limit() -> None:
    n = 200_000
    ring = [[12.6 + 0.1 * i / n, 57.47] for i in range(n)] + [[12.7, 57.53], [12.6, 57.47]]
    (message,) = errors_of(collection(feature("huge", {"type": "Polygon", "coordinates": [ring]})))
    assert message == (
        f'feature 1 (key "huge"): coordinates[0] has {n + 2} positions '
        f"(at most {importer.MAX_POSITIONS_PER_GEOMETRY} in one geometry; simplify it in your GIS first)"
    )


def test_too_many_positions_in_the_whole_file() -> None:
    per = importer.MAX_POSITIONS_PER_GEOMETRY
    line = [[12.6 + 0.1 * i / per, 57.5] for i in range(per)]
    count = importer.MAX_POSITIONS // per + 1
    errors = errors_of(
        collection(*(feature(f"l{i}", {"type": "LineString", "coordinates": line}) for i in range(count)))
    )
    assert errors[-1].endswith(
        f"the file has more than {importer.MAX_POSITIONS} positions in all (simplify the geometries)"
    )


def test_deeply_nested_coordinates_are_a_clear_error() -> None:
    deep: Any = [12.7, 57.5]
    for _ in range(40):
        deep = [deep]
    (message,) = errors_of(collection(feature("deep", {"type": "Polygon", "coordinates": [[deep] * 4]})))
    assert message.startswith('feature 1 (key "deep"): coordinates[0][0] must be a position')
    deeper = "[" * 5000 + "]" * 5000
    (message,) = errors_of('{"type": "FeatureCollection", "features": ' + deeper + "}")
    assert message.startswith("unreadable JSON: too deep")
