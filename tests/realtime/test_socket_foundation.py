"""Socket.IO: refuse anonymous, join + replay, live after commit, rooms per audience."""

from __future__ import annotations

import time

from crisis.log import service as log
from tests.realtime.replay import events, join, seq_messages


def _events(client):
    return [p["args"][0] for p in client.get_received() if p["name"] == "event"]


def test_anonymous_connection_is_refused(app):
    from crisis.extensions import socketio

    client = socketio.test_client(app, flask_test_client=app.test_client())
    assert not client.is_connected()


def test_join_acks_at_once_then_replays_then_streams_live(socket_client, incident, users):
    log.append(actor=users["staff"], incident_id=incident.id, text="Före anslutning")
    client = socket_client("staff")
    assert client.is_connected()
    ack, replayed = join(client, incident.id, 0)
    assert ack == {
        "ok": True,
        "incident": incident.id,
        "head": incident.last_seq,
        "snapshot": False,
        "truncated": False,
    }
    seqs = [m["seq"] for _, m in replayed]
    assert seqs == list(range(1, ack["head"] + 1))
    assert replayed[-1][0] == "event"
    last = replayed[-1][1]
    assert last["type"] == "log.appended" and last["data"]["text"] == "Före anslutning"

    log.append(actor=users["staff"], incident_id=incident.id, text="Live")
    live = _events(client)
    assert len(live) == 1 and live[0]["seq"] == ack["head"] + 1
    assert set(live[0]) == {"incident", "seq", "type", "at", "actor", "data"}
    assert live[0]["data"]["text"] == "Live" and live[0]["actor"] == "staff"


def test_log_appended_carries_the_entry_as_the_api_returns_it(socket_client, login, incident, users):
    client = socket_client("staff")
    join(client, incident.id, incident.last_seq)
    resp = login("staff").post(f"/api/v1/incidents/{incident.id}/log", json={"text": "Med id"})
    assert resp.status_code == 201
    (live,) = _events(client)
    assert live["data"]["id"] is not None
    assert live["data"] == resp.get_json()
    # The same on replay (the stored event).
    late = socket_client("staff")
    _, replayed = join(late, incident.id, live["seq"] - 1)
    assert events(replayed)[0]["data"] == resp.get_json()


def test_join_since_replays_only_the_missed(socket_client, incident, users):
    for i in range(3):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    client = socket_client("staff")
    head = incident.last_seq
    ack, replayed = join(client, incident.id, head - 2)
    assert [m["seq"] for _, m in replayed] == [head - 1, head]
    time.sleep(0.1)
    assert client.get_received() == []  # nothing more than the missed ones


def test_replay_is_read_in_batches_and_arrives_in_order_once(socket_client, incident, users, monkeypatch):
    from crisis.realtime import handlers

    monkeypatch.setattr(handlers, "REPLAY_BATCH", 2)
    for i in range(7):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    client = socket_client("staff")
    ack, replayed = join(client, incident.id, 0)
    assert [m["seq"] for _, m in replayed] == list(range(1, ack["head"] + 1))


def test_too_many_missed_events_ask_for_a_snapshot_instead_of_a_replay(app, socket_client, incident, users):
    app.config["CRISIS_REPLAY_LIMIT"] = 3
    for i in range(4):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    client = socket_client("staff")
    head = incident.last_seq
    ack = client.emit("join", {"incident": incident.id, "since": head - 4}, callback=True)
    assert ack["ok"] and ack["snapshot"] is True and ack["head"] == head
    ack = client.emit("join", {"incident": incident.id, "since": head + 10}, callback=True)
    assert ack["snapshot"] is True  # ahead of the server (e.g. a restored database): reload
    ack, replayed = join(client, incident.id, head - 3)
    assert ack["snapshot"] is False and [m["seq"] for _, m in replayed] == [head - 2, head - 1, head]
    time.sleep(0.1)
    assert [p for p in client.get_received() if p["name"] in ("event", "skip")] == []
    # Still in the room: live events follow.
    log.append(actor=users["staff"], incident_id=incident.id, text="Live")
    assert [e["seq"] for e in _events(client)] == [head + 1]


def test_observers_get_a_skip_for_each_confidential_event(socket_client, incident, users):
    staff = socket_client("staff")
    observer = socket_client("observer")
    for c in (staff, observer):
        join(c, incident.id, incident.last_seq)
        c.get_received()
    first = incident.last_seq + 1
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hemligt",
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )
    log.append(actor=users["staff"], incident_id=incident.id, text="Öppet")
    assert [e["data"]["text"] for e in _events(staff)] == ["Hemligt", "Öppet"]
    got = seq_messages(observer.get_received())
    assert got[0] == ("skip", {"incident": incident.id, "seq": first})
    assert got[1][0] == "event" and got[1][1]["seq"] == first + 1 and got[1][1]["data"]["text"] == "Öppet"
    # The same on replay: every seq, the confidential one as a skip without data.
    late = socket_client("observer")
    _, replayed = join(late, incident.id, 0)
    assert [m["seq"] for _, m in replayed] == list(range(1, first + 2))
    assert ("skip", {"incident": incident.id, "seq": first}) in replayed
    assert "Hemligt" not in str(replayed)
    staff_late = socket_client("staff")
    _, replayed = join(staff_late, incident.id, 0)
    assert "Hemligt" in [e["data"].get("text") for e in events(replayed)]
    assert not [m for name, m in replayed if name == "skip"]


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


def test_a_batched_join_gets_the_replay_as_few_messages_in_seq_order(socket_client, incident, users, monkeypatch):
    from crisis.realtime import handlers

    monkeypatch.setattr(handlers, "REPLAY_BATCH", 3)
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hemligt",
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )
    for i in range(4):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    observer = socket_client("observer")
    ack = observer.emit("join", {"incident": incident.id, "since": 0, "batch": True}, callback=True)
    deadline = time.monotonic() + 10
    batches = []
    while sum(len(b["items"]) for b in batches) < ack["head"]:
        assert time.monotonic() < deadline
        batches += [p["args"][0] for p in observer.get_received() if p["name"] == "events"]
        time.sleep(0.005)
    items = [i for b in batches for i in b["items"]]
    assert [len(b["items"]) for b in batches][:-1] == [3] * (len(batches) - 1)
    assert [i["seq"] for i in items] == list(range(1, ack["head"] + 1))
    skips = [i for i in items if "type" not in i]
    assert len(skips) == 1 and set(skips[0]) == {"incident", "seq"} and "Hemligt" not in str(items)
