"""The scaled deployment: two web processes behind one Redis message queue.

An entry written through process A reaches a client connected to process B.
Runs when CRISIS_TEST_REDIS_URL is set (CI sets it; a missing Redis fails there).
"""

from __future__ import annotations

import pytest
import redis
import socketio

from tests.conftest import PG_URL, REDIS_URL, _reset_pg
from tests.livehelpers import LiveServer

pytestmark = [pytest.mark.redis, pytest.mark.live]


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    redis.Redis.from_url(REDIS_URL).ping()  # fail clearly if Redis is not there
    work = tmp_path_factory.mktemp("redis")
    if PG_URL:
        _reset_pg(PG_URL)
    db_url = PG_URL or f"sqlite:///{work / 'shared.sqlite3'}"
    env = {"CRISIS_MESSAGE_QUEUE": REDIS_URL}
    a = LiveServer(work, db_url=db_url, env=env).start()
    b = LiveServer(work, db_url=db_url, env=env, setup=False).start()
    b.info = a.info
    yield a, b
    b.stop()
    a.stop()


def test_event_written_on_a_reaches_a_client_on_b(two_servers):
    a, b = two_servers
    inc = a.api("duty_officer").post(a.url + "/api/v1/incidents", json={"title": "Redis", "kind": "test"}).json()
    session = b.cookie_session("observer")
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    client = socketio.SimpleClient()
    client.connect(b.url, headers={"Cookie": cookie}, transports=["websocket"])
    try:
        ack = client.call("join", {"incident": inc["id"], "since": inc["last_seq"]}, timeout=5)
        assert ack["ok"]
        r = a.api("staff").post(
            f"{a.url}/api/v1/incidents/{inc['id']}/log",
            json={"text": "Skrivet via process A", "classification": "public"},
        )
        assert r.status_code == 201
        name, ev = client.receive(timeout=10)
        assert ev["type"] == "log.appended" and ev["data"]["text"] == "Skrivet via process A"
        # A confidential one must not reach the observer on B either: only its place (a skip).
        a.api("staff").post(
            f"{a.url}/api/v1/incidents/{inc['id']}/log",
            json={"text": "Hemligt", "classification": "confidential", "osl_ground": "OSL 18:13"},
        )
        a.api("staff").post(f"{a.url}/api/v1/incidents/{inc['id']}/log", json={"text": "Öppet igen"})
        name, skip = client.receive(timeout=10)
        assert name == "skip" and skip == {"incident": inc["id"], "seq": ev["seq"] + 1}
        name, ev = client.receive(timeout=10)
        assert name == "event" and ev["data"]["text"] == "Öppet igen"
    finally:
        client.disconnect()
