"""Against the production server stack with a real python-socketio client: a token made
through the API connects in the standard `auth` payload `{"token"}` (what socket.io
clients send; a browser cannot set headers on a WebSocket), joins, and is disconnected
when revoked through the API; a cookie API client writes with the login answer's csrf_token."""

from __future__ import annotations

import os
import time

import pytest
import requests
import socketio

from tests.livehelpers import PASSWORD, LiveServer

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # KRISRUM_LIVE_PORT pins the port (e.g. a range given to one developer); else a free one.
    port = int(os.environ.get("KRISRUM_LIVE_PORT", "0")) or None
    s = LiveServer(tmp_path_factory.mktemp("livetokens"), port=port).start()
    yield s
    s.stop()


def _until_disconnected(client: socketio.SimpleClient, deadline_s: float = 10) -> bool:
    end = time.monotonic() + deadline_s
    while client.connected and time.monotonic() < end:
        try:
            client.receive(timeout=0.5)
        except socketio.exceptions.TimeoutError:
            pass
        except socketio.exceptions.DisconnectedError:
            break
    return not client.connected


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_token_made_through_the_api_connects_in_the_auth_payload(server, transport):
    api = server.api("staff")
    made = api.post(server.url + "/api/v1/tokens", json={"name": f"live {transport}"})
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    incident = server.api("duty_officer").post(
        server.url + "/api/v1/incidents", json={"title": "Live token", "kind": "test"}
    )
    assert incident.status_code == 201, incident.text

    sock = socketio.SimpleClient()
    sock.connect(server.url, auth={"token": token}, transports=[transport])
    assert sock.connected
    ack = sock.call("join", {"incident": incident.json()["id"], "since": 0}, timeout=10)
    assert ack["ok"]

    resp = api.delete(f"{server.url}/api/v1/tokens/{made.json()['id']}")
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert _until_disconnected(sock)
    again = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect(server.url, auth={"token": token}, transports=[transport])


def test_a_bad_token_in_the_auth_payload_is_refused(server):
    sock = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        sock.connect(server.url, auth={"token": "krt_not-a-token"}, transports=["websocket"])


def test_a_requests_session_writes_with_the_login_csrf_token(server):
    s = requests.Session()
    login = s.post(server.url + "/api/v1/auth/login", json={"username": "duty-officer", "password": PASSWORD})
    assert login.status_code == 200
    body = {"title": "Cookie-klient", "kind": "test"}
    refused = s.post(server.url + "/api/v1/incidents", json=body)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "csrf_failed"
    ok = s.post(server.url + "/api/v1/incidents", json=body, headers={"X-CSRFToken": login.json()["csrf_token"]})
    assert ok.status_code == 201, ok.text
