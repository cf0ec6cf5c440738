"""Issue 14: what the RSA classifies about sites (Styrel class, reservkraft hours) only reaches the roles
in CRISIS_SITE_SENSITIVE_ROLES: the GeoJSON API, one site, the summary, the register page, the export, events."""

from __future__ import annotations

import json

import sqlalchemy as sa

from crisis.events.models import Event
from crisis.extensions import db
from tests.sitehelpers import feature, load

SECRET = ("styrel_priority", "fuel_hours", "fuel_left_hours", "fuel_runs_out_at")


def _load():
    load(
        feature(
            "kinna-vv", name="Kinna vattenverk", category="water", styrel_priority=2, backup_power=True, fuel_hours=36
        )
    )


def _props(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    return [f["properties"] for f in r.get_json()["features"]]


def test_observers_never_get_styrel_or_fuel(login, incident):
    _load()
    staff, observer = login("staff"), login("observer")
    staff.put(
        f"/api/v1/incidents/{incident.id}/sites/kinna-vv/status", json={"status": "degraded", "on_backup_power": True}
    )
    for url in ("/api/v1/sites", f"/api/v1/sites?incident={incident.id}"):
        (seen,) = _props(staff, url)
        assert seen["styrel_priority"] == 2 and seen["fuel_hours"] == 36
        (hidden,) = _props(observer, url)
        assert not any(hidden.get(k) is not None for k in SECRET) and hidden["sensitive_hidden"] is True
        assert hidden["name"] == "Kinna vattenverk"
    one = observer.get(f"/api/v1/sites/kinna-vv?incident={incident.id}").get_json()["properties"]
    assert not any(one.get(k) is not None for k in SECRET)
    summary = observer.get(f"/api/v1/incidents/{incident.id}/sites/summary").get_json()
    assert all(b.get(k) is None for b in summary["attention"] + summary["on_backup_power"] for k in SECRET)
    full = staff.get(f"/api/v1/incidents/{incident.id}/sites/summary").get_json()
    assert full["attention"][0]["styrel_priority"] == 2
    (exported,) = [f["properties"] for f in json.loads(observer.get("/sites/export.geojson").get_data())["features"]]
    assert not any(exported.get(k) is not None for k in SECRET)
    (full_export,) = [f["properties"] for f in json.loads(staff.get("/sites/export.geojson").get_data())["features"]]
    assert full_export["fuel_hours"] == 36
    # The live event reaches every screen: it never carries them.
    data = db.session.scalar(sa.select(Event.data).where(Event.type == "site.status"))
    assert not any(data["properties"].get(k) is not None for k in SECRET)


def test_the_register_page_hides_them(login, incident):
    _load()
    page = login("observer").get("/sites").get_data(as_text=True)
    assert "Kinna vattenverk" in page and "36 h" not in page and "Dold" in page
    assert "36 h" in login("staff").get("/sites").get_data(as_text=True)


def test_a_kommun_may_let_observers_see_them(tmp_path):
    from types import SimpleNamespace

    from crisis.sites import sensitive
    from tests.conftest import make_app

    def user(role):
        return SimpleNamespace(is_authenticated=True, role=role)

    app = make_app(tmp_path, CRISIS_SITE_SENSITIVE_ROLES="admin,leader,observer")
    with app.app_context():
        assert sensitive.may_see(user("observer")) and not sensitive.may_see(user("staff"))
    with make_app(tmp_path / "default").app_context():
        assert sensitive.may_see(user("staff")) and not sensitive.may_see(user("observer"))


def test_a_report_snapshot_keeps_them_from_observers(login, incident):
    _load()
    staff, observer = login("staff"), login("observer")
    staff.put(
        f"/api/v1/incidents/{incident.id}/sites/kinna-vv/status", json={"status": "degraded", "on_backup_power": True}
    )
    rep = staff.post(f"/api/v1/incidents/{incident.id}/reports", json={}).get_json()
    assert rep["snapshot"]["sites"]["on_backup_power"][0]["fuel_left_hours"] is not None
    assert rep["snapshot"]["sites"]["problems"][0]["styrel_priority"] == 2
    for url in (f"/api/v1/reports/{rep['id']}", f"/reports/{rep['id']}/report.json"):
        snap = observer.get(url).get_json()["snapshot"]["sites"]
        assert snap["on_backup_power"][0]["fuel_left_hours"] is None and snap["problems"][0]["styrel_priority"] is None
    listed = observer.get(f"/api/v1/incidents/{incident.id}/reports").get_json()["items"][0]
    assert listed["snapshot"]["sites"]["problems"][0]["styrel_priority"] is None
    assert (
        staff.get(f"/api/v1/reports/{rep['id']}").get_json()["snapshot"]["sites"]["problems"][0]["styrel_priority"] == 2
    )
