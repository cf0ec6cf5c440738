"""Socket.IO: refuse anonymous, join + replay, live after commit, rooms per audience."""

from __future__ import annotations

from crisis.log import service as log


def _events(client):
    return [p["args"][0] for p in client.get_received() if p["name"] == "event"]


def test_anonymous_connection_is_refused(app):
    from crisis.extensions import socketio

    client = socketio.test_client(app, flask_test_client=app.test_client())
    assert not client.is_connected()


def test_join_replays_then_streams_live(socket_client, incident, users):
    log.append(actor=users["staff"], incident_id=incident.id, text="Före anslutning")
    client = socket_client("staff")
    assert client.is_connected()
    ack = client.emit("join", {"incident": incident.id, "since": 0}, callback=True)
    assert ack["ok"] and ack["head"] == incident.last_seq
    replayed = _events(client)
    seqs = [e["seq"] for e in replayed]
    assert seqs == list(range(1, ack["head"] + 1))
    assert replayed[-1]["type"] == "log.appended" and replayed[-1]["data"]["text"] == "Före anslutning"

    log.append(actor=users["staff"], incident_id=incident.id, text="Live")
    live = _events(client)
    assert len(live) == 1 and live[0]["seq"] == ack["head"] + 1
    assert set(live[0]) == {"incident", "seq", "type", "at", "actor", "data"}
    assert live[0]["data"]["text"] == "Live" and live[0]["actor"] == "staff"


def test_join_since_replays_only_the_missed(socket_client, incident, users):
    for i in range(3):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    client = socket_client("staff")
    head = incident.last_seq
    ack = client.emit("join", {"incident": incident.id, "since": head - 2}, callback=True)
    assert [e["seq"] for e in _events(client)] == [head - 1, head]
    assert ack["replayed"] == 2


def test_rolled_back_write_is_never_broadcast(socket_client, incident, users):
    import pytest
    from crisis.errors import ValidationError

    client = socket_client("staff")
    client.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    client.get_received()
    with pytest.raises(ValidationError):
        log.append(actor=users["staff"], incident_id=incident.id, text="x", kind="decision")  # no mandate
    assert _events(client) == []


def test_observers_never_get_confidential_events(socket_client, incident, users):
    staff = socket_client("staff")
    observer = socket_client("observer")
    for c in (staff, observer):
        c.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
        c.get_received()
    log.append(actor=users["staff"], incident_id=incident.id, text="Hemligt", classification="confidential",
               osl_ground="OSL 18 kap. 13 §")
    log.append(actor=users["staff"], incident_id=incident.id, text="Öppet")
    assert [e["data"]["text"] for e in _events(staff)] == ["Hemligt", "Öppet"]
    assert [e["data"]["text"] for e in _events(observer)] == ["Öppet"]
    # Nor on replay.
    late = socket_client("observer")
    late.emit("join", {"incident": incident.id, "since": 0}, callback=True)
    assert "Hemligt" not in [e["data"].get("text") for e in _events(late)]


def test_events_stay_in_their_incident(socket_client, incident, users):
    from crisis.incidents import service as incidents

    other = incidents.create(actor=users["duty_officer"], title="Annan", kind="storm")
    client = socket_client("staff")
    client.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    client.get_received()
    log.append(actor=users["staff"], incident_id=other.id, text="Annan händelse")
    assert _events(client) == []


def test_bad_join_requests(socket_client, incident):
    client = socket_client("staff")
    assert client.emit("join", {"incident": 9999, "since": 0}, callback=True)["ok"] is False
    assert client.emit("join", {"incident": "x", "since": 0}, callback=True)["ok"] is False
    assert client.emit("join", {"incident": incident.id, "since": -5}, callback=True)["ok"] is False
    assert client.emit("join", "nonsense", callback=True)["ok"] is False
    assert client.is_connected()


def test_logout_disconnects_sockets(app, login, incident):
    from crisis.extensions import socketio
    from tests.conftest import IsolatedSocketClient

    flask_client = login("staff")
    client = IsolatedSocketClient(lambda: socketio.test_client(app, flask_test_client=flask_client))
    assert client.is_connected()
    flask_client.post("/logout")
    assert not client.is_connected()
