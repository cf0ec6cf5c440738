"""Issue 14: reads of confidential entries are recorded, one row per reader, entry and day; admins see them."""

from __future__ import annotations

import sqlalchemy as sa

from crisis.extensions import db
from crisis.log import service as log
from crisis.log.models import ConfidentialRead


def _secret(incident, users, text="Skyddad uppgift"):
    return log.append(
        actor=users["staff"], incident_id=incident.id, text=text, confidentiality="K2", osl_ground="18 kap. 13 § OSL"
    )


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(ConfidentialRead))


def test_a_read_is_recorded_once_per_day(login, incident, users):
    entry = _secret(incident, users)
    log.append(actor=users["staff"], incident_id=incident.id, text="Öppen uppgift")
    staff = login("staff")
    assert _count() == 0
    for _ in range(3):
        assert staff.get(f"/api/v1/incidents/{incident.id}/log").status_code == 200
    rows = db.session.scalars(sa.select(ConfidentialRead)).all()
    assert [(r.username, r.incident_id, r.number, r.via) for r in rows] == [("staff", incident.id, entry.number, "log")]


def test_an_observer_reading_nothing_secret_is_not_recorded(login, incident, users):
    _secret(incident, users)
    login("observer").get(f"/api/v1/incidents/{incident.id}/log")
    login("staff").get(f"/incidents/{incident.id}/log.csv?masked=1")
    assert _count() == 0


def test_a_full_export_is_recorded(login, incident, users):
    _secret(incident, users)
    assert login("staff").get(f"/incidents/{incident.id}/log.csv").status_code == 200
    assert db.session.scalar(sa.select(ConfidentialRead.number)) == 0


def test_admins_read_the_audit_others_do_not(login, incident, users):
    _secret(incident, users, "A")
    _secret(incident, users, "B")
    login("leader").get(f"/api/v1/incidents/{incident.id}/log")
    admin = login("admin")
    r = admin.get("/api/v1/reads?limit=1")
    assert r.status_code == 200, r.get_json()
    page = r.get_json()
    assert len(page["items"]) == 1 and page["items"][0]["user"] == "leader" and page["next_before"]
    rest = admin.get(f"/api/v1/reads?limit=1&before={page['next_before']}").get_json()
    assert len(rest["items"]) == 1 and rest["next_before"] is None
    assert admin.get("/api/v1/reads?user=nobody").get_json()["items"] == []
    for role in ("leader", "staff", "observer"):
        assert login(role).get("/api/v1/reads").status_code == 403
        assert login(role).get("/admin/reads").status_code in (302, 403)
    html = admin.get("/admin/reads").get_data(as_text=True)
    assert "leader" in html
    assert admin.get("/admin/reads?before=99999999999999999999999").status_code == 200


def test_the_timeline_records_reads_too(login, incident, users):
    entry = _secret(incident, users, "Tidslinjehemlighet")
    r = login("leader").get(f"/api/v1/incidents/{incident.id}/timeline")
    assert r.status_code == 200 and "Tidslinjehemlighet" in r.get_data(as_text=True)
    rows = db.session.scalars(sa.select(ConfidentialRead)).all()
    assert [(r.username, r.number, r.via) for r in rows] == [("leader", entry.number, "timeline")]


def test_search_hits_record_reads(login, incident, users):
    entry = _secret(incident, users, "Sökbar hemlighet om vattenverket")
    r = login("leader").get("/api/v1/search?q=vattenverket")
    assert r.status_code == 200 and "vattenverket" in r.get_data(as_text=True)
    rows = db.session.scalars(sa.select(ConfidentialRead)).all()
    assert [(r.username, r.number, r.via) for r in rows] == [("leader", entry.number, "search")]
