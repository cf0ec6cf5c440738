"""The Marks kommun demo sites: valid, complete, and inside the kommun."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from crisis.enums import SiteCategory
from crisis.sites.importer import SiteRecord, parse_geojson
from crisis.sites.risk import at_risk_causes, check_dependencies, compute_at_risk

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "crisis" / "sites" / "data" / "marks_demo_sites.geojson"
BOUNDARY = ROOT / "static" / "geo" / "marks_kommun.geojson"

Ring = list[list[float]]


def load_demo() -> tuple[dict[str, Any], list[SiteRecord]]:
    text = DEMO.read_text(encoding="utf-8")
    return json.loads(text), parse_geojson(text)


def boundary_polygons() -> list[list[Ring]]:
    """Every polygon (outer ring first, then holes) of the boundary file."""
    polygons: list[list[Ring]] = []
    for feature in json.loads(BOUNDARY.read_text(encoding="utf-8"))["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            polygons.append(geometry["coordinates"])
        else:
            polygons.extend(geometry["coordinates"])
    return polygons


def in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: count crossings of a ray going east from the point."""
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def in_boundary(lon: float, lat: float, polygons: list[list[Ring]]) -> bool:
    return any(
        in_ring(lon, lat, polygon[0]) and not any(in_ring(lon, lat, hole) for hole in polygon[1:])
        for polygon in polygons
    )


def positions(coordinates: Any) -> Iterator[list[float]]:
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for item in coordinates:
            yield from positions(item)


def test_point_in_polygon_helper() -> None:
    square = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]
    assert in_boundary(0.5, 0.5, [square])
    assert not in_boundary(1.5, 0.5, [square])
    polygons = boundary_polygons()
    assert in_boundary(12.694, 57.505, polygons)  # Kinna
    assert not in_boundary(11.97, 57.71, polygons)  # Göteborg
    assert not in_boundary(12.94, 57.72, polygons)  # Borås


def test_demo_file_parses_and_is_large_enough() -> None:
    _, records = load_demo()
    assert len(records) >= 45


def test_every_category_is_present() -> None:
    _, records = load_demo()
    counts = Counter(record.category for record in records)
    assert set(counts) == set(SiteCategory)


def test_file_is_marked_as_example_data() -> None:
    document, _ = load_demo()
    assert document["name"]
    assert "fictitious" in document["source"].lower()
    assert all(feature["properties"].get("example") is True for feature in document["features"])


def test_every_position_is_inside_the_kommun() -> None:
    _, records = load_demo()
    polygons = boundary_polygons()
    outside = [
        (record.key, lon, lat)
        for record in records
        for lon, lat in positions(record.geometry["coordinates"])
        if not in_boundary(lon, lat, polygons)
    ]
    assert outside == []


def test_dependencies_are_valid_and_form_chains() -> None:
    _, records = load_demo()
    graph = {record.key: record.depends_on for record in records}
    assert check_dependencies(graph) == []
    # The showcase chain: the main substation takes down water and then care.
    at_risk = compute_at_risk(graph, {"power-mark-ms": "down"})
    assert {"water-kinna-vv", "water-kinna-vt", "care-kinna-sabo-lind", "health-skene-lasarett"} <= at_risk
    assert at_risk_causes(graph, {"power-kinna-fs": "down"}, "care-kinna-sabo-lind") == ["power-kinna-fs"]


@pytest.mark.parametrize("category", ["water", "health", "rescue", "telecom"])
def test_realistic_reserve_power_fields(category: str) -> None:
    _, records = load_demo()
    chosen = [record for record in records if record.category == category]
    assert any(record.backup_power and record.fuel_hours for record in chosen)
    assert all(record.styrel_priority is None or 1 <= record.styrel_priority <= 8 for record in chosen)


def test_styrel_classes_fit_the_sites() -> None:
    """Styrel class 5 is "stora ekonomiska värden": never a school; class 1 and 3 are life and health."""
    _, records = load_demo()
    schools = [r for r in records if r.category == "school"]
    assert schools and all(r.styrel_priority != 5 for r in schools)
    assert all(r.styrel_priority in (None, 1, 2, 3, 4) for r in records if r.category in ("health", "care", "water"))
