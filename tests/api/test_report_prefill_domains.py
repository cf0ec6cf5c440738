"""The lägesrapport's sections prefilled from the other domains: resource needs (most urgent first),
samverkan conferences, open service points and the VMA request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _ok(resp, status=201):
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def test_a_new_draft_is_prefilled_from_requests_samverkan_points_and_vma(login, incident):
    admin, staff = login("admin"), login("staff")
    now = datetime.now(UTC).replace(microsecond=0)
    lst = _ok(admin.post("/api/v1/actors", json={"name": "Länsstyrelsen i Västra Götalands län", "kind": "county"}))
    vaka = _ok(admin.post("/api/v1/actors", json={"name": "VAKA", "kind": "other"}))
    base = f"/api/v1/incidents/{incident.id}"
    _ok(staff.post(f"{base}/requests", json={"what": "reservkraftverk", "quantity": 2, "to_actor": lst["id"]}))
    _ok(
        staff.post(
            f"{base}/requests",
            json={"what": "nödvattentankar", "quantity": 4, "to_actor": vaka["id"], "priority": "urgent"},
        )
    )
    _ok(
        staff.post(
            f"{base}/samverkan",
            json={
                "held_at": (now - timedelta(minutes=20)).isoformat(),
                "called_by": lst["id"],
                "participants": [lst["id"], vaka["id"]],
                "agreed": "VAKA kör ut tankar till Skene.",
            },
        )
    )
    point = _ok(staff.post(f"{base}/points", json={"kind": "trygghetspunkt", "name": "Kinnahallen"}))
    assert _ok(staff.patch(f"/api/v1/points/{point['id']}", json={"version": point["version"], "status": "open"}), 200)
    _ok(staff.post(f"{base}/vma", json={"authority": "polisen", "text": "Stäng fönster och dörrar."}))

    rep = _ok(staff.post(f"{base}/reports", json={}))
    assert rep["behov"].index("nödvattentankar") < rep["behov"].index("reservkraftverk"), rep["behov"]
    assert "S-1" in rep["samverkan"] and "VAKA kör ut tankar till Skene." in rep["samverkan"]
    assert "Kinnahallen" in rep["trygghetspunkter"]
    assert rep["vma_begard"] is True and rep["vma_begard_at"]
