"""request.updated reaches every screen of the incident (observers too: requests are not confidential),
with the request as the API returns it; a refused move sends nothing."""

from __future__ import annotations


def _events(client):
    return [a["args"][0] for a in client.get_received() if a["name"] == "event"]


def test_request_updated_reaches_staff_and_observers(socket_client, login, incident):
    admin = login("admin")
    actor = admin.post("/api/v1/actors", json={"name": "Borås stad", "kind": "neighbour"}).get_json()
    staff_screen, observer_screen = socket_client("staff"), socket_client("observer")
    for c in (staff_screen, observer_screen):
        c.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
        c.get_received()
    staff = login("staff")
    req = staff.post(
        f"/api/v1/incidents/{incident.id}/requests",
        json={"kind": "offer", "what": "tält", "quantity": 3, "from_actor": actor["id"]},
    ).get_json()
    for screen in (staff_screen, observer_screen):
        got = [e for e in _events(screen) if e.get("type") == "request.updated"]
        assert len(got) == 1 and got[0]["data"] == req and got[0]["actor"] == "staff"
    assert staff.patch(f"/api/v1/requests/{req['id']}", json={"version": 1, "status": "returned"}).status_code == 409
    assert not [e for e in _events(staff_screen) if e.get("type") == "request.updated"]
    moved = staff.patch(f"/api/v1/requests/{req['id']}", json={"version": 1, "status": "confirmed"}).get_json()
    got = [e for e in _events(observer_screen) if e.get("type") == "request.updated"]
    assert [e["data"]["status"] for e in got] == ["confirmed"] and got[0]["data"] == moved
