"""site.status reaches every client in the incident's room (observers too), and no other room."""

from __future__ import annotations

from tests.realtime.replay import events, join
from tests.sitehelpers import feature, load


def _events(client, type_="site.status"):
    return [p["args"][0] for p in client.get_received() if p["name"] == "event" and p["args"][0]["type"] == type_]


def test_status_change_reaches_clients_in_the_room(app, socket_client, login, users, incident):
    from crisis.incidents import service as incidents

    load(feature("sub"), feature("vv", ["sub"], category="water"))
    other = incidents.create(actor=users["duty_officer"], title="Annan händelse", kind="storm")
    staff = socket_client("staff")
    observer = socket_client("observer")
    elsewhere = socket_client("staff")
    for client, inc in ((staff, incident), (observer, incident), (elsewhere, other)):
        assert client.emit("join", {"incident": inc.id, "since": inc.last_seq}, callback=True)["ok"]
        client.get_received()

    r = login("staff").put(
        f"/api/v1/incidents/{incident.id}/sites/sub/status", json={"status": "down", "note": "Avbrott"}
    )
    assert r.status_code == 200

    for client in (staff, observer):
        events = _events(client)
        assert len(events) == 1
        ev = events[0]
        assert ev["incident"] == incident.id and ev["actor"] == "staff"
        assert ev["data"]["properties"]["key"] == "sub" and ev["data"]["properties"]["status"] == "down"
        assert ev["data"]["properties"]["at_risk"] is False
        assert [(c["key"], c["at_risk"]) for c in ev["data"]["at_risk_changed"]] == [("vv", True)]
        # without what the RSA classifies (crisis.sites.sensitive); the rest as the API answered
        answer = r.get_json()
        hidden = {**answer["properties"], "styrel_priority": None, "fuel_hours": None, "fuel_left_hours": None}
        hidden.update(fuel_runs_out_at=None, sensitive_hidden=True)
        assert ev["data"] == {**answer, "properties": hidden}
    assert _events(elsewhere) == []


def test_refused_status_change_broadcasts_nothing(app, socket_client, login, incident):
    load(feature("sub"))
    client = socket_client("observer")
    client.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    client.get_received()
    assert (
        login("observer").put(f"/api/v1/incidents/{incident.id}/sites/sub/status", json={"status": "down"}).status_code
        == 403
    )
    assert (
        login("staff").put(f"/api/v1/incidents/{incident.id}/sites/sub/status", json={"status": "nope"}).status_code
        == 422
    )
    assert [p for p in client.get_received() if p["name"] == "event"] == []


def test_replay_after_reconnect_includes_site_status(app, socket_client, users, incident):
    from crisis.sites import status

    load(feature("sub"))
    since = incident.last_seq
    status.set_status(actor=users["staff"], incident_id=incident.id, site_id="sub", status="degraded")
    client = socket_client("observer")
    _, messages = join(client, incident.id, since)
    replayed = [e["type"] for e in events(messages)]
    assert replayed == ["log.appended", "site.status"]
