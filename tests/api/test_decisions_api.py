"""The decisions API: record, list (filters, pages), get, patch; bad input is 4xx JSON; roles; OpenAPI."""

from __future__ import annotations

DECISION = {"decided_by": "Karin Lindqvist", "mandate": "Delegationsordningen p. 3.2", "reason": "Läget"}


def _err(resp, status):
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert set(body["error"]) >= {"code", "message"}
    return body["error"]


def test_record_list_get_patch(login, incident):
    leader = login("leader")
    base = f"/api/v1/incidents/{incident.id}/decisions"
    created = []
    for n in range(3):
        resp = leader.post(base, json={"type": "resource", "text": f"Resurs {n}", **DECISION})
        assert resp.status_code == 201
        created.append(resp.get_json())
    assert [d["label"] for d in created] == ["B-1", "B-2", "B-3"]
    items = leader.get(base).get_json()["items"]
    assert [d["number"] for d in items] == [3, 2, 1]  # newest first
    page = leader.get(base + "?limit=2&offset=2").get_json()["items"]
    assert [d["number"] for d in page] == [1]
    one = login("observer").get(f"/api/v1/decisions/{created[0]['id']}")
    assert one.status_code == 200 and one.get_json() == created[0]
    resp = leader.patch(
        f"/api/v1/decisions/{created[0]['id']}", json={"version": created[0]["version"], "status": "done"}
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "done"
    assert [d["number"] for d in leader.get(base + "?status=done").get_json()["items"]] == [1]
    assert leader.get(base + "?type=level").get_json()["items"] == []
    # stale version
    err = _err(leader.patch(f"/api/v1/decisions/{created[0]['id']}", json={"version": 1, "status": "revoked"}), 409)
    assert err["code"] == "version_conflict"


def test_level_decision_via_api_applies_the_level(login, incident):
    leader = login("leader")
    resp = leader.post(
        f"/api/v1/incidents/{incident.id}/decisions", json={"type": "level", "level": "reinforced", **DECISION}
    )
    assert resp.status_code == 201
    d = resp.get_json()
    assert d["data"] == {"level": "reinforced", "from": "monitoring"}
    assert leader.get(f"/api/v1/incidents/{incident.id}").get_json()["level"] == "reinforced"


def test_bad_input_and_roles(login, incident):
    base = f"/api/v1/incidents/{incident.id}/decisions"
    leader = login("leader")
    _err(leader.post(base, json={"type": "nope", "text": "x", **DECISION}), 422)
    _err(leader.post(base, json={"type": "other", "text": "x", "decided_by": "A", "reason": "B"}), 422)
    _err(leader.post(base, json={"type": "other", "text": "x", "surprise": 1, **DECISION}), 422)
    _err(leader.post(base, json={"type": "level", **DECISION}), 422)  # no level
    _err(leader.post(base, json={"type": "level", "level": "monitoring", **DECISION}), 422)  # same level
    _err(leader.post(base, json={"type": "other", "text": "x", "follow_up_at": "snart", **DECISION}), 422)
    _err(leader.post("/api/v1/incidents/999/decisions", json={"type": "other", "text": "x", **DECISION}), 404)
    _err(leader.get("/api/v1/decisions/999"), 404)
    _err(leader.get(base + "?status=whatever"), 422)
    _err(leader.patch("/api/v1/decisions/999", json={"version": 1, "status": "done"}), 404)
    _err(login("observer").post(base, json={"type": "other", "text": "x", **DECISION}), 403)
    _err(login("staff").post(base, json={"type": "other", "text": "x", **DECISION}), 403)
    err = _err(login("duty_officer").post(base, json={"type": "level", "level": "staff", **DECISION}), 403)
    assert "TiB får besluta upp till bevakningsläge" in err["message"]
    d = leader.post(base, json={"type": "other", "text": "x", **DECISION}).get_json()
    _err(login("observer").patch(f"/api/v1/decisions/{d['id']}", json={"version": d["version"], "status": "done"}), 403)
    _err(leader.patch(f"/api/v1/decisions/{d['id']}", json={"version": d["version"], "text": "ny"}), 422)
    _err(leader.patch(f"/api/v1/decisions/{d['id']}", json={"version": d["version"], "status": "superseded"}), 422)


def test_openapi_describes_decisions(login):
    spec = login("observer").get("/api/openapi.json").get_json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/incidents/{incident_id}/decisions"])
    assert {"get", "patch"} <= set(paths["/api/v1/decisions/{decision_id}"])
