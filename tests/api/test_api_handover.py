"""Handover API: draft for your own position, sign (checks out), acknowledge; in the OpenAPI description."""

from __future__ import annotations


def test_handover_round_trip(login, incident):
    staff, duty = login("staff"), login("duty_officer")
    base = f"/api/v1/incidents/{incident.id}"
    assert staff.post(f"{base}/staffing", json={"action": "check_in", "position": "samband"}).status_code == 200
    staff.post(f"{base}/tasks", json={"title": "Kontrollera Rakel", "position": "samband"})

    # Only the holder gets a draft.
    assert duty.get(f"{base}/staffing/samband/handover").status_code == 409
    draft = staff.get(f"{base}/staffing/samband/handover")
    assert draft.status_code == 200, draft.get_json()
    d = draft.get_json()
    assert [t["title"] for t in d["open_tasks"]] == ["Kontrollera Rakel"] and "Kontrollera Rakel" in d["text"]

    resp = staff.post(
        f"{base}/staffing/samband/handover",
        json={"text": d["text"] + "\nRing Elnätsbolaget 16.00.", "generated_at": d["generated_at"]},
    )
    assert resp.status_code == 201, resp.get_json()
    h = resp.get_json()
    assert (
        h["from_user"] == "staff" and h["acknowledged_at"] is None and h["text"].endswith("Ring Elnätsbolaget 16.00.")
    )
    staffing = staff.get(f"{base}/staffing").get_json()
    pos = next(p for p in staffing["items"] if p["key"] == "samband")
    assert pos["holders"] == [] and pos["handover"]["id"] == h["id"]

    assert duty.post(f"{base}/staffing", json={"action": "check_in", "position": "samband"}).status_code == 200
    ack = duty.post(f"/api/v1/handovers/{h['id']}/acknowledge")
    assert ack.status_code == 200, ack.get_json()
    assert ack.get_json()["acknowledged_by"] == "duty-officer" and ack.get_json()["to_user"] == "duty-officer"
    assert duty.post(f"/api/v1/handovers/{h['id']}/acknowledge").status_code == 409
    assert duty.post("/api/v1/handovers/9999/acknowledge").status_code == 404
    log = staff.get(f"{base}/log").get_json()["items"]
    assert any(e["text"].startswith("Överlämning signerad av Staff Testsson") for e in log)
    assert any("kvitterar överlämningen för Samband från Staff Testsson" in e["text"] for e in log)


def test_observer_cannot_and_empty_text_is_refused(login, incident):
    staff, observer = login("staff"), login("observer")
    base = f"/api/v1/incidents/{incident.id}"
    staff.post(f"{base}/staffing", json={"action": "check_in", "position": "samband"})
    assert observer.get(f"{base}/staffing/samband/handover").status_code == 403
    assert staff.post(f"{base}/staffing/samband/handover", json={"text": ""}).status_code == 422
    assert staff.post(f"{base}/staffing/nope/handover", json={"text": "x"}).status_code == 404


def test_in_openapi(login, incident):
    spec = login("staff").get("/api/openapi.json").get_json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/incidents/{incident_id}/staffing/{position}/handover"])
    assert "post" in paths["/api/v1/handovers/{handover_id}/acknowledge"]
