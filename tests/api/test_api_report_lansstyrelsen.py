"""Issue 15 over HTTP: the new report fields, the report rhythm, the exports."""

from __future__ import annotations


def test_report_fields_round_trip_and_reach_the_exports(login, incident):
    staff, observer = login("staff"), login("observer")
    r = staff.post(f"/api/v1/incidents/{incident.id}/reports", json={})
    assert r.status_code == 201, r.get_json()
    rep = r.get_json()
    assert rep["kontaktperson"] and rep["klassning"] == "K1" and rep["vma_begard"] is False
    body = {
        "version": rep["version"],
        "samverkan": "Räddningstjänsten Sjuhärad",
        "trygghetspunkter": "Kinnahallen",
        "osakerheter": "Hur länge avbrottet varar",
        "vma_begard": True,
        "vma_begard_at": "2026-11-24T10:00:00+01:00",
        "krisledning_aktiverad": True,
    }
    r = staff.patch(f"/api/v1/reports/{rep['id']}", json=body)
    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    assert got["samverkan"] == "Räddningstjänsten Sjuhärad" and got["vma_begard"] is True
    bad = staff.patch(f"/api/v1/reports/{rep['id']}", json={"klassning": "K3"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "classification_osl_missing"
    assert observer.patch(f"/api/v1/reports/{rep['id']}", json={"samverkan": "x"}).status_code == 403
    wis = staff.get(f"/reports/{rep['id']}/wis.txt").get_data(as_text=True)
    assert "Till: Länsstyrelsen i Västra Götalands län" in wis and "VMA begärt: ja" in wis and "Kinnahallen" in wis
    page = staff.get(f"/reports/{rep['id']}/print").get_data(as_text=True)
    assert "Räddningstjänsten Sjuhärad" in page and "Länsstyrelsen i Västra Götalands län" in page
    data = staff.get(f"/reports/{rep['id']}/report.json").get_json()
    assert data["osakerheter"] == "Hur länge avbrottet varar"


def test_report_rhythm_api(login, incident):
    staff, observer = login("staff"), login("observer")
    url = f"/api/v1/incidents/{incident.id}/report-rhythm"
    assert staff.get(url).get_json()["times"] == []
    r = staff.put(url, json={"times": ["14:00", "08:00"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["times"] == ["08:00", "14:00"]
    assert staff.put(url, json={"times": ["8 på morgonen"]}).status_code == 422
    assert observer.put(url, json={"times": []}).status_code == 403
    assert observer.get(url).get_json()["times"] == ["08:00", "14:00"]
    log = staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]
    assert any("08:00, 14:00" in e["text"] for e in log)
