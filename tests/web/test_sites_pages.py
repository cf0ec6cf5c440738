"""Pages: the register (/sites) with its forms, the export, and the incident map page."""

from __future__ import annotations

import io
import json
import re

import sqlalchemy as sa

from crisis.extensions import db
from crisis.sites.models import Site
from tests.sitehelpers import collection, feature, load, site_count

FORM = {
    "key": "water-ny",
    "name": "Nytt vattenverk",
    "category": "water",
    "lat": "57,51",
    "lon": "12,69",
    "styrel_priority": "2",
    "fuel_hours": "",
    "depends_on": "",
    "address": "",
    "owner": "",
    "contact": "",
    "geometry": "",
}


def test_everyone_with_read_sees_the_register_but_only_admins_edit(app, login):
    load(feature("sub", name="Skene fördelningsstation"), feature("vv", ["sub"], name="Kinna vattenverk"))
    html = login("observer").get("/sites").get_data(as_text=True)
    assert "Skene fördelningsstation" in html and "Kinna vattenverk" in html
    assert "Ny verksamhet" not in html and "retire-form" not in html
    assert 'href="/sites/export.geojson"' in html
    admin = login("admin").get("/sites").get_data(as_text=True)
    assert "Ny verksamhet" in admin and "Importera fil" in admin and "Avregistrera" in admin
    assert login("staff").post("/sites/new", data=FORM).status_code == 403
    assert site_count() == 2


def test_create_form_shows_readable_errors_and_stores_nothing(app, login):
    admin = login("admin")
    r = admin.post("/sites/new", data=dict(FORM, lat="95", category="sjukhus"))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'role="alert"' in html and "Verksamheten kunde inte sparas" in html
    assert "latitude 95.0 out of range" in html and "unknown category" in html
    assert 'value="Nytt vattenverk"' in html  # the form keeps what was typed
    r = admin.post("/sites/new", data=dict(FORM, lat="norr"))
    assert r.status_code == 422 and "Latitud måste vara ett tal" in r.get_data(as_text=True)
    r = admin.post("/sites/new", data=dict(FORM, lat="", lon=""))
    assert r.status_code == 422 and "Ange latitud och longitud" in r.get_data(as_text=True)
    r = admin.post("/sites/new", data=dict(FORM, lat="", lon="", geometry="{oops"))
    assert r.status_code == 422 and "Geometrin är inte giltig JSON" in r.get_data(as_text=True)
    assert site_count() == 0


def test_create_edit_retire_restore_through_the_pages(app, login):
    load(feature("sub"))
    admin = login("admin")
    r = admin.post("/sites/new", data=dict(FORM, depends_on="sub", fuel_hours="12,5", backup_power="y"))
    assert r.status_code == 302, r.get_data(as_text=True)
    site = db.session.scalar(sa.select(Site).where(Site.key == "water-ny"))
    assert site.geometry == {"type": "Point", "coordinates": [12.69, 57.51]}
    assert site.depends_on == ["sub"] and site.fuel_hours == 12.5 and site.backup_power and site.styrel_priority == 2

    edit = admin.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    assert 'value="water-ny"' in edit and "readonly" in edit and 'value="57.51"' in edit
    r = admin.post(f"/sites/{site.id}/edit", data=dict(FORM, name="Omdöpt", depends_on="water-ny"))
    assert r.status_code == 422 and "depends on itself" in r.get_data(as_text=True)
    r = admin.post(
        f"/sites/{site.id}/edit",
        data=dict(
            FORM,
            name="Omdöpt",
            lat="",
            lon="",
            depends_on="sub",
            geometry='{"type": "LineString", "coordinates": [[12.6, 57.4], [12.7, 57.5]]}',
        ),
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert site.name == "Omdöpt" and site.geometry["type"] == "LineString"

    r = admin.post(
        "/sites/" + str(db.session.scalar(sa.select(Site.id).where(Site.key == "sub"))) + "/retire",
        follow_redirects=True,
    )
    assert "beror på" in r.get_data(as_text=True)
    admin.post(f"/sites/{site.id}/retire")
    db.session.expire_all()
    assert site.retired
    html = admin.get("/sites").get_data(as_text=True)
    assert "Avregistrerade" in html and "Återställ" in html
    admin.post(f"/sites/{site.id}/restore")
    db.session.expire_all()
    assert not site.retired


def test_upload_import_all_or_nothing(app, login):
    admin = login("admin")
    bad = collection(feature("a"), feature("b", ["ghost"]))
    r = admin.post(
        "/sites/import", data={"file": (io.BytesIO(bad.encode()), "sites.geojson")}, content_type="multipart/form-data"
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert (
        "Inget importerades." in html and "sites.geojson: feature 2 (key &#34;b&#34;): depends on unknown site" in html
    )
    assert site_count() == 0
    good = collection(feature("a"), feature("b", ["a"]))
    r = admin.post(
        "/sites/import",
        data={"file": (io.BytesIO(good.encode()), "sites.geojson")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "sites.geojson importerad: 2 nya, 0 ändrade, 0 oförändrade." in r.get_data(as_text=True)
    assert site_count() == 2
    r = admin.post("/sites/import", data={}, content_type="multipart/form-data")
    assert r.status_code == 400


def test_export_is_a_reimportable_geojson_file(app, login):
    load(feature("a"), feature("b", ["a"], backup_power=True, fuel_hours=8))
    # staff: an observer's export leaves out Styrel class and fuel (crisis.sites.sensitive)
    r = login("staff").get("/sites/export.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    assert "attachment" in r.headers["Content-Disposition"]
    fc = json.loads(r.get_data(as_text=True))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
    result = login("admin").post(
        "/api/v1/sites/import", json={"filename": "export.geojson", "content": r.get_data(as_text=True)}
    )
    assert result.get_json() == {"created": [], "updated": [], "unchanged": ["a", "b"]}


def test_map_page(app, login, incident):
    html = login("observer").get(f"/incidents/{incident.id}/map").get_data(as_text=True)
    root = re.search(r'<div id="site-map-root"[^>]*>', html).group(0)
    assert f'data-incident="{incident.id}"' in root and 'data-can-write="false"' in root
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in root
    assert 'data-boundary-url="/static/geo/marks_kommun.geojson"' in root
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/js/map.js" in html
    assert 'id="status-form"' not in html  # observers cannot report
    assert "<script>" not in html.replace("<script src=", "")  # no inline script (CSP)
    staff = login("staff").get(f"/incidents/{incident.id}/map").get_data(as_text=True)
    assert 'id="status-form"' in staff and 'data-can-write="true"' in staff
    # The incident's sub-navigation links the map; the main menu the register.
    workspace = login("staff").get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert f'href="/incidents/{incident.id}/map"' in workspace and 'href="/sites"' in workspace
    assert login("staff").get("/incidents/999/map").status_code == 404
    assert app.test_client().get(f"/incidents/{incident.id}/map").status_code == 302


def test_map_page_of_an_exercise_is_marked(app, login, users):
    from crisis.incidents import service as incidents

    exercise = incidents.create(actor=users["duty_officer"], title="Övning Storm", kind="storm", mode="exercise")
    html = login("staff").get(f"/incidents/{exercise.id}/map").get_data(as_text=True)
    assert "exercise-banner" in html and "ÖVNING" in html
