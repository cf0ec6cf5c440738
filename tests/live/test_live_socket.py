"""A real python-socketio client against the production server stack."""

from __future__ import annotations

import pytest
import socketio

from tests.livehelpers import LiveServer

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(tmp_path_factory.mktemp("livesock")).start()
    yield s
    s.stop()


def _client(server, role):
    session = server.cookie_session(role)
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    client = socketio.SimpleClient()
    client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"])
    return client, session


def test_anonymous_is_refused(server):
    client = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, transports=["websocket"])


def test_live_entries_and_reconnect_replay(server):
    api = server.api("staff")
    inc = server.api("duty_officer").post(server.url + "/api/v1/incidents",
                                          json={"title": "Live", "kind": "test"}).json()
    client, _ = _client(server, "staff")
    ack = client.call("join", {"incident": inc["id"], "since": 0}, timeout=5)
    assert ack["ok"]
    seen = []
    while len(seen) < ack["head"]:
        name, ev = client.receive(timeout=5)
        seen.append(ev["seq"])
    assert seen == list(range(1, ack["head"] + 1))

    api.post(f"{server.url}/api/v1/incidents/{inc['id']}/log", json={"text": "Via API"}).raise_for_status()
    name, ev = client.receive(timeout=5)
    assert name == "event" and ev["type"] == "log.appended" and ev["data"]["text"] == "Via API"
    last = ev["seq"]
    client.disconnect()

    # While disconnected, two more entries; a reconnect with since=last gets exactly those.
    for t in ("Missad 1", "Missad 2"):
        api.post(f"{server.url}/api/v1/incidents/{inc['id']}/log", json={"text": t}).raise_for_status()
    client, _ = _client(server, "staff")
    client.call("join", {"incident": inc["id"], "since": last}, timeout=5)
    got = [client.receive(timeout=5)[1] for _ in range(2)]
    assert [e["seq"] for e in got] == [last + 1, last + 2]
    assert [e["data"]["text"] for e in got] == ["Missad 1", "Missad 2"]
    client.disconnect()
