"""situation.updated reaches staff screens with the lägesbild and observers only as a skip
(meeting.updated: tests/api/test_api_meetings.py)."""

from __future__ import annotations


def _events(client):
    return [a["args"][0] for a in client.get_received() if a["name"] in ("event", "skip")]


def test_situation_updated_is_confidential(socket_client, login, incident):
    staff_screen, observer_screen = socket_client("staff"), socket_client("observer")
    for c in (staff_screen, observer_screen):
        c.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
        c.get_received()
    r = login("staff").put(
        f"/api/v1/incidents/{incident.id}/situation", json={"version": 0, "sections": {"prognos": "Hemligt läge"}}
    )
    assert r.status_code == 200
    staff_got = [e for e in _events(staff_screen) if e.get("type") == "situation.updated"]
    assert len(staff_got) == 1 and staff_got[0]["data"]["sections"]["prognos"] == "Hemligt läge"
    obs = _events(observer_screen)
    assert not any(e.get("type") == "situation.updated" for e in obs)
    assert "Hemligt läge" not in str(obs)
    assert any("type" not in e and e["seq"] == staff_got[0]["seq"] for e in obs)  # the skip
