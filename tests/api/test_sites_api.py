"""Site API: GeoJSON with status and at_risk, status reports, register writes, bad input."""

from __future__ import annotations

import json
import math

import pytest

from crisis.sites.demo import DEMO_FILE
from crisis.sites.importer import parse_geojson
from tests.sitehelpers import collection, feature, load, site_count, status_count

BASE = "/api/v1"


def _positions(coordinates):
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for part in coordinates:
            yield from _positions(part)


def assert_valid_geojson(fc):
    """RFC 7946 shape: a FeatureCollection of Features with lon/lat positions."""
    assert fc["type"] == "FeatureCollection" and isinstance(fc["features"], list)
    for f in fc["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        assert f["geometry"]["type"] in ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
        for lon, lat in (p[:2] for p in _positions(f["geometry"]["coordinates"])):
            assert -180 <= lon <= 180 and -90 <= lat <= 90 and math.isfinite(lon) and math.isfinite(lat)
    json.dumps(fc, allow_nan=False)  # strict JSON


def test_sites_with_incident_is_geojson_with_status_and_at_risk(app, login, users, incident):
    from crisis.sites import register

    register.import_file(actor=None, filename=DEMO_FILE.name, text=DEMO_FILE.read_text(encoding="utf-8"))
    staff = login("staff")
    r = staff.put(f"{BASE}/incidents/{incident.id}/sites/power-skene-fs/status", json={"status": "down"})
    assert r.status_code == 200, r.get_json()

    r = login("observer").get(f"{BASE}/sites?incident={incident.id}")
    assert r.status_code == 200 and r.mimetype == "application/json"
    fc = r.get_json()
    assert_valid_geojson(fc)
    assert len(fc["features"]) == 81 and fc["incident"] == incident.id and fc["seq"] >= 2
    by_key = {f["properties"]["key"]: f for f in fc["features"]}
    for f in fc["features"]:
        p = f["properties"]
        assert {"key", "name", "category", "depends_on", "status", "at_risk"} <= set(p)
        assert p["status"] in ("operational", "degraded", "down", "unknown") and isinstance(p["at_risk"], bool)
        assert f["id"] == p["id"]
    assert by_key["power-skene-fs"]["properties"]["status"] == "down"
    lasarett = by_key["health-skene-lasarett"]["properties"]
    assert lasarett["at_risk"] is True and lasarett["at_risk_causes"] == ["power-skene-fs"]
    assert by_key["power-kinna-fs"]["properties"]["at_risk"] is False
    # The answer is itself an importable site file.
    assert len(parse_geojson(json.dumps(fc))) == 81


def test_sites_without_incident_is_the_register(app, login):
    load(feature("a"), feature("b", ["a"]))
    fc = login("observer").get(f"{BASE}/sites").get_json()
    assert_valid_geojson(fc)
    assert [f["properties"]["key"] for f in fc["features"]] == ["a", "b"]
    assert "status" not in fc["features"][0]["properties"]
    assert fc["features"][1]["properties"]["depends_on"] == ["a"]


def test_sites_query_errors(app, login):
    client = login("observer")
    assert client.get(f"{BASE}/sites?incident=abc").status_code == 422
    assert client.get(f"{BASE}/sites?incident=999").status_code == 404
    assert app.test_client().get(f"{BASE}/sites").status_code == 401


def test_put_status_writes_log_entry_and_returns_the_feature(app, login, incident):
    load(feature("sub", name="Skene fördelningsstation"), feature("vv", ["sub"], category="water"))
    staff = login("staff")
    r = staff.put(
        f"{BASE}/incidents/{incident.id}/sites/sub/status",
        json={"status": "down", "note": "Stormskador", "on_backup_power": False},
    )
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert data["type"] == "Feature" and data["properties"]["status"] == "down"
    assert data["at_risk_changed"] == [
        {"id": data["at_risk_changed"][0]["id"], "key": "vv", "at_risk": True, "at_risk_causes": ["sub"]}
    ]
    log = staff.get(f"{BASE}/incidents/{incident.id}/log?kind=status").get_json()["items"]
    assert len(log) == 1 and log[0]["text"].startswith("Skene fördelningsstation: ur drift. Stormskador.")
    # By numeric id too.
    site_id = data["id"]
    r = staff.put(f"{BASE}/incidents/{incident.id}/sites/{site_id}/status", json={"status": "operational"})
    assert r.status_code == 200 and r.get_json()["properties"]["status"] == "operational"
    events = staff.get(f"{BASE}/incidents/{incident.id}/events").get_json()["items"]
    assert [e["type"] for e in events if e["type"] == "site.status"] == ["site.status", "site.status"]


@pytest.mark.parametrize(
    "role,path_site,body,status",
    [
        ("observer", "a", {"status": "down"}, 403),
        ("staff", "a", {"status": "kaputt"}, 422),
        ("staff", "a", {}, 422),
        ("staff", "a", {"status": "down", "colour": "red"}, 422),
        ("staff", "a", {"status": "down", "note": "x" * 2001}, 422),
        ("staff", "nowhere", {"status": "down"}, 404),
        ("staff", "4242", {"status": "down"}, 404),
    ],
)
def test_bad_status_requests_store_nothing(app, login, incident, role, path_site, body, status):
    load(feature("a"))
    client = login(role)
    seq = incident.last_seq
    r = client.put(f"{BASE}/incidents/{incident.id}/sites/{path_site}/status", json=body)
    assert r.status_code == status, r.get_json()
    assert set(r.get_json()["error"]) >= {"code", "message"}
    assert status_count() == 0
    events = client.get(f"{BASE}/incidents/{incident.id}/events?since={seq}").get_json()["items"]
    assert events == []


def test_status_for_unknown_incident_and_malformed_json(app, login):
    load(feature("a"))
    staff = login("staff")
    assert staff.put(f"{BASE}/incidents/999/sites/a/status", json={"status": "down"}).status_code == 404
    r = staff.put(f"{BASE}/incidents/999/sites/a/status", data="{not json", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "malformed_json"
    assert status_count() == 0


def test_history_and_summary(app, login, incident):
    load(feature("sub", name="Skene fördelningsstation"), feature("vv", ["sub"], category="water", styrel_priority=2))
    staff = login("staff")
    staff.put(f"{BASE}/incidents/{incident.id}/sites/sub/status", json={"status": "down", "note": "Brand"})
    observer = login("observer")
    h = observer.get(f"{BASE}/sites/sub/history?incident={incident.id}").get_json()
    assert h["site"]["properties"]["status"] == "down"
    assert [r["note"] for r in h["history"]] == ["Brand"]
    assert h["log"][0]["kind"] == "status"
    assert observer.get(f"{BASE}/sites/sub/history").status_code == 422  # incident is required
    s = observer.get(f"{BASE}/incidents/{incident.id}/sites/summary").get_json()
    assert [a["key"] for a in s["attention"]] == ["vv", "sub"]
    assert s["totals"]["down"] == 1 and s["totals"]["at_risk"] == 1


def test_admin_creates_updates_retires_and_restores(app, login):
    load(feature("sub"))
    admin = login("admin")
    r = admin.post(
        f"{BASE}/sites",
        json={
            "key": "vv-ny",
            "name": "Nytt vattenverk",
            "category": "water",
            "lat": 57.51,
            "lon": 12.69,
            "depends_on": ["sub"],
            "styrel_priority": 2,
        },
    )
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["geometry"] == {"type": "Point", "coordinates": [12.69, 57.51]}
    r = admin.patch(f"{BASE}/sites/vv-ny", json={"name": "Vattenverk Ny", "fuel_hours": 36, "backup_power": True})
    assert r.status_code == 200 and r.get_json()["properties"]["name"] == "Vattenverk Ny"
    assert admin.get(f"{BASE}/sites/{created['id']}").get_json()["properties"]["fuel_hours"] == 36
    r = admin.post(f"{BASE}/sites/sub/retire")
    assert r.status_code == 409 and "Vattenverk Ny" in r.get_json()["error"]["message"]
    assert admin.post(f"{BASE}/sites/vv-ny/retire").get_json()["properties"]["retired"] is True
    assert admin.post(f"{BASE}/sites/vv-ny/restore").get_json()["properties"]["retired"] is False


@pytest.mark.parametrize(
    "body,message",
    [
        ({"key": "x", "name": "X", "category": "water", "lat": 91, "lon": 12}, "latitude 91.0 out of range"),
        ({"key": "x", "name": "X", "category": "water", "lat": 57, "lon": -181}, "longitude -181.0 out of range"),
        ({"key": "x", "name": "X", "category": "hospital", "lat": 57, "lon": 12}, 'unknown category "hospital"'),
        (
            {"key": "x", "name": "X", "category": "water", "lat": 57, "lon": 12, "depends_on": ["nope"]},
            'depends on unknown site "nope"',
        ),
        ({"key": "x", "name": "X", "category": "water", "lat": 57}, "både lat och lon"),
        ({"key": "x", "name": "X", "category": "water"}, "missing geometry"),
        (
            {"key": "x", "name": "X", "category": "water", "geometry": {"type": "Point", "coordinates": "here"}},
            "position",
        ),
        ({"key": "x", "name": "X", "category": "water", "lat": 57, "lon": 12, "colour": "red"}, "colour"),
    ],
)
def test_bad_site_input_is_rejected_and_nothing_stored(app, login, body, message):
    r = login("admin").post(f"{BASE}/sites", json=body)
    assert r.status_code == 422, r.get_json()
    assert message in r.get_json()["error"]["message"]
    assert site_count() == 0


def test_cycle_via_patch_is_rejected_with_a_clear_message(app, login):
    load(feature("a"), feature("b", ["a"]))
    r = login("admin").patch(f"{BASE}/sites/a", json={"depends_on": ["b"]})
    assert r.status_code == 422
    assert "dependency cycle: a -> b -> a" in r.get_json()["error"]["message"]


def test_only_admins_change_the_register(app, login):
    load(feature("a"))
    for role in ("staff", "leader", "observer"):
        client = login(role)
        assert (
            client.post(
                f"{BASE}/sites", json={"key": "x", "name": "X", "category": "water", "lat": 57, "lon": 12}
            ).status_code
            == 403
        )
        assert client.patch(f"{BASE}/sites/a", json={"name": "Z"}).status_code == 403
        assert client.post(f"{BASE}/sites/a/retire").status_code == 403
        assert (
            client.post(
                f"{BASE}/sites/import", json={"filename": "a.geojson", "content": collection(feature("y"))}
            ).status_code
            == 403
        )
    assert site_count() == 1


def test_import_endpoint_all_or_nothing(app, login):
    admin = login("admin")
    r = admin.post(
        f"{BASE}/sites/import",
        json={"filename": "sites.geojson", "content": collection(feature("a"), feature("b", ["a"]))},
    )
    assert r.status_code == 200 and r.get_json() == {"created": ["a", "b"], "updated": [], "unchanged": []}
    r = admin.post(
        f"{BASE}/sites/import",
        json={"filename": "sites.geojson", "content": collection(feature("a", ["b"]), feature("c"))},
    )
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["code"] == "site_file_rejected" and any("dependency cycle" in d for d in err["details"])
    r = admin.post(f"{BASE}/sites/import", json={"filename": "sites.csv", "content": "key;name\n"})
    assert r.status_code == 422 and 'missing required column "category"' in " ".join(r.get_json()["error"]["details"])
    r = admin.post(f"{BASE}/sites/import", json={"filename": "sites.geojson", "content": "{"})
    assert r.status_code == 422 and "malformed JSON" in r.get_json()["error"]["message"]
    assert site_count() == 2


def test_openapi_documents_the_site_endpoints(app, login):
    spec = login("observer").get("/api/openapi.json").get_json()
    assert "get" in spec["paths"]["/api/v1/sites"]
    assert "put" in spec["paths"]["/api/v1/incidents/{incident_id}/sites/{site_id}/status"]
    assert "get" in spec["paths"]["/api/v1/sites/{site_id}/history"]
