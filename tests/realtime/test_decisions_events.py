"""decision.recorded and decision.updated reach every joined client; the data is the decision as the API returns it."""

from __future__ import annotations

DECISION = {"decided_by": "Karin Lindqvist", "mandate": "Delegationsordningen p. 3.2", "reason": "Läget"}


def _events(client):
    return [p["args"][0] for p in client.get_received() if p["name"] == "event"]


def _joined(socket_client, role, incident):
    client = socket_client(role)
    ack = client.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    assert ack["ok"]
    client.get_received()
    return client


def test_decision_events_reach_joined_clients(socket_client, login, incident):
    staff = _joined(socket_client, "staff", incident)
    observer = _joined(socket_client, "observer", incident)
    api = login("leader")
    resp = api.post(
        f"/api/v1/incidents/{incident.id}/decisions",
        json={"type": "direction", "text": "Skydda vård och omsorg först", **DECISION},
    )
    assert resp.status_code == 201
    recorded = resp.get_json()
    for client in (staff, observer):
        evs = [e for e in _events(client) if e["type"].startswith("decision.")]
        assert [e["type"] for e in evs] == ["decision.recorded"]
        assert evs[0]["data"] == recorded and evs[0]["actor"] == "leader"
    done = api.patch(f"/api/v1/decisions/{recorded['id']}", json={"version": recorded["version"], "status": "done"})
    assert done.status_code == 200
    for client in (staff, observer):
        evs = [e for e in _events(client) if e["type"] == "decision.updated"]
        assert len(evs) == 1 and evs[0]["data"] == done.get_json()


def test_level_decision_updates_the_incident_live(socket_client, login, incident):
    staff = _joined(socket_client, "staff", incident)
    resp = login("leader").post(
        f"/api/v1/incidents/{incident.id}/decisions", json={"type": "level", "level": "staff", **DECISION}
    )
    assert resp.status_code == 201
    types = [e["type"] for e in _events(staff)]
    assert types.count("log.appended") == 1  # one decision entry, not two
    assert types.index("decision.recorded") < types.index("incident.updated")
