"""A real python-socketio client against the production server stack."""

from __future__ import annotations

import threading
import time

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
    inc = (
        server.api("duty_officer").post(server.url + "/api/v1/incidents", json={"title": "Live", "kind": "test"}).json()
    )
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


def _drain(client, since, until_seq, timeout=30.0):
    """Messages (name, payload) until every seq after `since` up to `until_seq` has arrived
    (events and skips)."""
    got = []
    seen = set()
    wanted = set(range(since + 1, until_seq + 1))
    deadline = time.monotonic() + timeout
    while not wanted <= seen:
        left = deadline - time.monotonic()
        assert left > 0, f"missing seqs: {sorted(wanted - seen)[:10]}"
        try:
            name, payload = client.receive(timeout=left)
        except socketio.exceptions.TimeoutError:
            continue
        if name in ("event", "skip"):
            got.append((name, payload))
            seen.add(payload["seq"])
    return got


@pytest.mark.slow
def test_eight_concurrent_writers_every_screen_gets_every_seq_once(server):
    """8 writers through the API (some entries confidential). A staff screen that stays
    connected receives every seq exactly once, as events; an observer receives every seq
    once too, confidential ones as skips without data; a screen that drops out midway and
    rejoins from the last seq it had gets the gap filled by the replay."""
    inc = (
        server.api("duty_officer")
        .post(server.url + "/api/v1/incidents", json={"title": "Åtta skribenter", "kind": "test"})
        .json()
    )
    iid = inc["id"]
    staff, _ = _client(server, "staff")
    observer, _ = _client(server, "observer")
    dropper, _ = _client(server, "staff")
    start = {}
    for name, c in (("staff", staff), ("observer", observer), ("dropper", dropper)):
        ack = c.call("join", {"incident": iid, "since": 0}, timeout=5)
        assert ack["ok"] and ack["snapshot"] is False
        _drain(c, 0, ack["head"])
        start[name] = ack["head"]
    head0 = start["staff"]

    writers, per_writer = 8, 15
    errors = []
    barrier = threading.Barrier(writers)

    def write(i):
        try:
            api = server.api("staff")
            barrier.wait()
            for n in range(per_writer):
                body = {"text": f"Skribent {i} post {n}"}
                if n % 5 == 0:
                    body.update(classification="confidential", osl_ground="OSL 18 kap. 13 §")
                api.post(f"{server.url}/api/v1/incidents/{iid}/log", json=body, timeout=30).raise_for_status()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    # The dropper leaves after a few events and comes back while the writers go on.
    first = _drain(dropper, head0, head0 + 5)
    confirmed = head0 + 5
    dropper.disconnect()
    time.sleep(0.3)
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    head = head0 + writers * per_writer
    assert server.api("staff").get(f"{server.url}/api/v1/incidents/{iid}").json()["last_seq"] == head

    live = _drain(staff, head0, head)
    assert sorted(p["seq"] for _, p in live) == list(range(head0 + 1, head + 1))  # each exactly once
    assert {n for n, _ in live} == {"event"}
    assert all(p["data"]["id"] for _, p in live)

    seen_by_observer = _drain(observer, head0, head)
    assert sorted(p["seq"] for _, p in seen_by_observer) == list(range(head0 + 1, head + 1))
    skips = [p for n, p in seen_by_observer if n == "skip"]
    assert len(skips) == writers * 3 and all(set(p) == {"incident", "seq"} for p in skips)
    assert "OSL 18" not in str(seen_by_observer)

    dropper, _ = _client(server, "staff")
    ack = dropper.call("join", {"incident": iid, "since": confirmed}, timeout=5)
    assert ack["ok"] and ack["head"] == head and ack["snapshot"] is False
    rest = _drain(dropper, confirmed, head)
    assert sorted({p["seq"] for _, p in first} | {p["seq"] for _, p in rest}) == list(range(head0 + 1, head + 1))
    assert [p["seq"] for _, p in rest] == list(range(confirmed + 1, head + 1))  # the replay, in order, once
    for c in (staff, observer, dropper):
        c.disconnect()
