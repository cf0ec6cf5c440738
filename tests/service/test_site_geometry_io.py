"""Invalid, projected and oversized geometry through every way in: the
import-sites command (file + feature index), the API (JSON error) and the
upload on /sites (Swedish page). Never a 5xx; nothing stored on refusal."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from crisis import geo
from crisis.sites import importer
from tests.sitehelpers import site_count

BOWTIE = [[12.60, 57.47], [12.70, 57.53], [12.70, 57.47], [12.60, 57.53], [12.60, 57.47]]
CLOCKWISE = [[12.60, 57.47], [12.60, 57.53], [12.70, 57.53], [12.70, 57.47], [12.60, 57.47]]


def _file(*geometries: dict[str, Any], **members: Any) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"key": f"s{index}", "name": f"Site {index}", "category": "water"},
        }
        for index, geometry in enumerate(geometries, start=1)
    ]
    return json.dumps({"type": "FeatureCollection", **members, "features": features})


GOOD_POINT = {"type": "Point", "coordinates": [12.7, 57.5]}
BAD = _file(GOOD_POINT, {"type": "Polygon", "coordinates": [BOWTIE]})
BAD_MESSAGE = 'feature 2 (key "s2"): invalid Polygon: the boundary crosses itself near 12.65000, 57.50000'


def test_cli_names_the_file_and_the_feature(app, tmp_path):
    path = tmp_path / "omraden.geojson"
    path.write_text(BAD, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-sites", str(path)])
    assert result.exit_code == 1
    assert f"{path}: {BAD_MESSAGE}" in result.stderr.splitlines()
    assert site_count() == 0


def test_api_gives_a_json_error(app, login):
    r = login("admin").post("/api/v1/sites/import", json={"filename": "a.geojson", "content": BAD})
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "site_file_rejected" and error["details"] == [BAD_MESSAGE]
    assert site_count() == 0


def test_page_upload_gives_a_swedish_page(app, login):
    r = login("admin").post(
        "/sites/import", data={"file": (io.BytesIO(BAD.encode()), "a.geojson")}, content_type="multipart/form-data"
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Inget importerades." in html
    assert "a.geojson: feature 2 (key &#34;s2&#34;): invalid Polygon: the boundary crosses itself" in html
    assert site_count() == 0


def test_sweref_file_is_imported_and_served_as_rfc7946_wgs84(app, login):
    from pyproj import Transformer

    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    ring = [list(to_sweref.transform(lon, lat)) for lon, lat in CLOCKWISE]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    admin = login("admin")
    r = admin.post(
        "/api/v1/sites/import",
        json={"filename": "gis.geojson", "content": _file({"type": "Polygon", "coordinates": [ring]}, crs=crs)},
    )
    assert r.status_code == 200, r.get_json()
    (served,) = admin.get("/api/v1/sites").get_json()["features"]
    geometry = served["geometry"]
    assert geo.is_rfc7946_wound(geometry)
    got, want = sorted(geometry["coordinates"][0][:4]), sorted(CLOCKWISE[:4])
    assert all(a == pytest.approx(b, abs=1e-6) for a, b in zip(got, want, strict=True))


def test_oversized_polygon_is_a_4xx_never_a_5xx(app, login):
    n = importer.MAX_POSITIONS_PER_GEOMETRY + 1  # one too many (the 200,000-point file: tests/unit)
    ring = [[12.6 + 0.1 * i / n, 57.47] for i in range(n)] + [[12.7, 57.53], [12.6, 57.47]]
    admin = login("admin")
    r = admin.post(
        "/api/v1/sites/import",
        json={"filename": "big.geojson", "content": _file({"type": "Polygon", "coordinates": [ring]})},
    )
    assert r.status_code in (413, 422), r.status_code
    body = {"key": "big", "name": "Big", "category": "water", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    r = admin.post("/api/v1/sites", json=body)
    assert 400 <= r.status_code < 500, r.status_code
    assert site_count() == 0


def test_deeply_nested_geometry_in_a_request_is_a_4xx(app, login):
    deep = "[" * 3000 + "]" * 3000
    text = (
        '{"key": "d", "name": "D", "category": "water", "geometry": {"type": "Polygon", "coordinates": ' + deep + "}}"
    )
    r = login("admin").post("/api/v1/sites", data=text, content_type="application/json")
    assert 400 <= r.status_code < 500, r.status_code
    r = login("admin").post(
        "/api/v1/sites/import",
        json={"filename": "d.geojson", "content": '{"type": "FeatureCollection", "features": ' + deep + "}"},
    )
    assert r.status_code == 422 and "too deep" in r.get_json()["error"]["message"]
    assert site_count() == 0
