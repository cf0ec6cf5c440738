"""Reports over HTTP: the fixed API paths, roles, 409 once approved, exports, the realtime event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crisis.reports import cap


def _draft(client: Any, incident_id: int, **body: Any) -> dict[str, Any]:
    resp = client.post(f"/api/v1/incidents/{incident_id}/reports", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_report_lifecycle_over_http(login: Callable[[str], Any], incident: Any) -> None:
    staff, leader, observer = login("staff"), login("leader"), login("observer")
    report = _draft(staff, incident.id)
    assert report["number"] == 1 and report["status"] == "draft" and report["snapshot"]["level"] == "monitoring"
    assert report["exercise"] is False and report["marking"] is None

    resp = staff.patch(
        f"/api/v1/reports/{report['id']}",
        json={
            "prognos": "Åter i kväll.",
            "nasta_rapport": "2026-11-24T18:00:00+01:00",
            "cap_description": "Strömavbrott i Kinna.",
            "version": report["version"],
        },
    )
    assert resp.status_code == 200, resp.get_json()
    edited = resp.get_json()
    assert edited["prognos"] == "Åter i kväll." and edited["version"] == 2
    assert edited["nasta_rapport"] == "2026-11-24T17:00:00+00:00"

    assert staff.post(f"/api/v1/reports/{report['id']}/approve", json={}).status_code == 403
    assert observer.post(f"/api/v1/reports/{report['id']}/approve", json={}).status_code == 403
    assert observer.patch(f"/api/v1/reports/{report['id']}", json={"behov": "x"}).status_code == 403
    assert observer.post(f"/api/v1/incidents/{incident.id}/reports", json={}).status_code == 403

    resp = leader.post(f"/api/v1/reports/{report['id']}/approve", json={"version": 2})
    assert resp.status_code == 200 and resp.get_json()["status"] == "approved"
    resp = staff.patch(f"/api/v1/reports/{report['id']}", json={"prognos": "Ändrad i efterhand"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "report_frozen"

    resp = staff.post(
        f"/api/v1/reports/{report['id']}/send", json={"channel": "WIS", "recipient": "Länsstyrelsen Västra Götaland"}
    )
    assert resp.status_code == 200 and resp.get_json()["sent_recipient"] == "Länsstyrelsen Västra Götaland"
    resp = staff.post(f"/api/v1/reports/{report['id']}/acknowledge", json={"acknowledged_by": "TiB Lst"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "acknowledged"

    listed = observer.get(f"/api/v1/incidents/{incident.id}/reports").get_json()["items"]
    assert [r["number"] for r in listed] == [1]
    one = observer.get(f"/api/v1/reports/{report['id']}").get_json()
    assert one["previous"] is None and one["changes"] == []

    cap_resp = observer.get(f"/api/v1/reports/{report['id']}/cap.xml")
    assert cap_resp.status_code == 200 and cap_resp.mimetype == "application/xml"
    assert cap.validate_cap(cap_resp.data) == []


def test_errors_are_clear_4xx(login: Callable[[str], Any], incident: Any) -> None:
    staff = login("staff")
    assert staff.get("/api/v1/reports/999").status_code == 404
    assert staff.get("/api/v1/incidents/999/reports").status_code == 404
    report = _draft(staff, incident.id)
    assert staff.post(f"/api/v1/incidents/{incident.id}/reports", json={}).status_code == 409
    for body in (
        {"nasta_rapport": "2026-11-24T18:00:00"},
        {"status": "approved"},
        {"cap_severity": "Huge"},
        {"area": {"type": "Point", "coordinates": [1, 2]}},
        {"handelse": 5},
    ):
        resp = staff.patch(f"/api/v1/reports/{report['id']}", json=body)
        assert resp.status_code == 422, (body, resp.get_json())
        assert resp.get_json()["error"]["message"]
    assert staff.patch(f"/api/v1/reports/{report['id']}", json={"behov": "x", "version": 99}).status_code == 409
    assert staff.post(f"/api/v1/reports/{report['id']}/send", json={}).status_code == 409
    resp = staff.get(f"/api/v1/reports/{report['id']}/cap.xml")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_approved"
    # Approval without the public description: 422 listing the missing CAP field, the report stays a draft.
    resp = login("leader").post(f"/api/v1/reports/{report['id']}/approve", json={})
    assert resp.status_code == 422, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "cap_incomplete" and err["details"]["missing"] == ["cap_description"]
    assert "Information till allmänheten" in err["message"]
    assert staff.get(f"/api/v1/reports/{report['id']}").get_json()["status"] == "draft"
    # The page link never shows raw JSON: a readable Swedish page instead.
    page = staff.get(f"/reports/{report['id']}/cap.xml", headers={"Accept": "text/html"})
    assert page.status_code == 409 and page.mimetype == "text/html"
    assert "utkast" in page.get_data(as_text=True) and '"error"' not in page.get_data(as_text=True)


def test_exports_of_an_exercise_say_ovning(login: Callable[[str], Any]) -> None:
    leader = login("leader")
    inc = leader.post(
        "/api/v1/incidents", json={"title": "Övning Höstvind", "kind": "storm", "mode": "exercise"}
    ).get_json()
    report = _draft(leader, inc["id"])
    assert report["exercise"] is True and report["marking"] == "ÖVNING"
    leader.patch(f"/api/v1/reports/{report['id']}", json={"cap_description": "Övningsinformation."})
    assert leader.post(f"/api/v1/reports/{report['id']}/approve", json={}).status_code == 200

    txt = leader.get(f"/reports/{report['id']}/wis.txt")
    assert txt.status_code == 200 and txt.mimetype == "text/plain"
    assert txt.get_data(as_text=True).startswith("*** ÖVNING")
    js = leader.get(f"/reports/{report['id']}/report.json")
    assert js.status_code == 200 and js.get_json()["marking"] == "ÖVNING"
    assert "OVNING-" in js.headers["Content-Disposition"]
    page = leader.get(f"/reports/{report['id']}/print")
    assert page.status_code == 200 and "ÖVNING" in page.get_data(as_text=True)
    xml = leader.get(f"/api/v1/reports/{report['id']}/cap.xml")
    assert xml.status_code == 200 and b"<status>Exercise</status>" in xml.data.replace(b"cap:", b"")


def test_pages_render_for_every_role(login: Callable[[str], Any], incident: Any) -> None:
    staff = login("staff")
    report = _draft(staff, incident.id)
    for role in ("observer", "staff", "leader"):
        client = login(role)
        for url in (
            f"/incidents/{incident.id}/reports",
            f"/incidents/{incident.id}/wall",
            f"/reports/{report['id']}/print",
            f"/reports/{report['id']}/wis.txt",
        ):
            resp = client.get(url)
            assert resp.status_code == 200, (role, url)
    assert login("observer").get("/incidents/999/wall").status_code == 404


def test_approval_reaches_screens_as_report_issued(
    login: Callable[[str], Any], socket_client: Callable[[str], Any], incident: Any
) -> None:
    screen = socket_client("observer")
    screen.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    screen.get_received()
    staff, leader = login("staff"), login("leader")
    report = _draft(staff, incident.id)
    staff.patch(f"/api/v1/reports/{report['id']}", json={"cap_description": "Strömavbrott i Kinna."})
    leader.post(f"/api/v1/reports/{report['id']}/approve", json={})
    events = [m["args"][0] for m in screen.get_received() if m["name"] == "event"]
    issued = [e for e in events if e["type"] == "report.issued"]
    assert len(issued) == 1 and issued[0]["data"]["number"] == 1 and issued[0]["data"]["status"] == "approved"
    assert "log.appended" in [e["type"] for e in events]


def test_openapi_documents_the_report_paths(app: Any) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    for path in (
        "/api/v1/incidents/{incident_id}/reports",
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/approve",
        "/api/v1/reports/{report_id}/send",
        "/api/v1/reports/{report_id}/acknowledge",
        "/api/v1/reports/{report_id}/cap.xml",
    ):
        assert path in spec["paths"], path
