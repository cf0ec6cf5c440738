"""Against the production server stack with a real python-socketio client: revoking an API
token closes the sockets it opened, a logout closes its session's sockets and kills a copy
of its cookie, and the CSRF exemption needs a bearer token that really authenticates."""

from __future__ import annotations

import re
import time

import pytest
import requests
import socketio

from tests.livehelpers import LiveServer, cookie_header

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(tmp_path_factory.mktemp("livesessions")).start()
    yield s
    s.stop()


def _until_disconnected(client: socketio.SimpleClient, deadline_s: float = 10) -> bool:
    """Whether the server closed the socket (waits for the close to arrive, up to a deadline)."""
    end = time.monotonic() + deadline_s
    while client.connected and time.monotonic() < end:
        try:
            client.receive(timeout=0.5)
        except socketio.exceptions.TimeoutError:
            pass
        except socketio.exceptions.DisconnectedError:
            break
    return not client.connected


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', session.get(url).text).group(1)


def test_revoking_a_token_disconnects_its_socket(server):
    by_token = socketio.SimpleClient()
    by_token.connect(
        server.url, headers={"Authorization": "Bearer " + server.info["tokens"]["staff"]}, transports=["websocket"]
    )
    by_cookie = socketio.SimpleClient()
    by_cookie.connect(
        server.url, headers={"Cookie": cookie_header(server.cookie_session("staff"))}, transports=["websocket"]
    )
    assert by_token.connected and by_cookie.connected

    admin = server.cookie_session("admin")
    page = admin.get(server.url + "/admin/users").text
    # The staff user's token ("tests"): its revoke form follows its row's user cell.
    token_id = re.search(r"<td>tests</td><td>staff</td>.*?/admin/tokens/(\d+)/revoke", page, re.S).group(1)
    resp = admin.post(
        f"{server.url}/admin/tokens/{token_id}/revoke", data={"csrf_token": _csrf(admin, server.url + "/admin/users")}
    )
    assert resp.status_code == 200  # redirected back to the admin page

    assert _until_disconnected(by_token)
    assert by_cookie.connected  # the same user's browser session is not the token
    by_cookie.disconnect()
    # The revoked token opens nothing any more.
    again = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect(
            server.url, headers={"Authorization": "Bearer " + server.info["tokens"]["staff"]}, transports=["websocket"]
        )


def test_logout_disconnects_the_sessions_socket_and_kills_the_copied_cookie(server):
    browser = server.cookie_session("leader")
    copied = cookie_header(browser)
    sock = socketio.SimpleClient()
    sock.connect(server.url, headers={"Cookie": copied}, transports=["websocket"])
    assert sock.connected
    assert requests.get(server.url + "/api/v1/auth/me", headers={"Cookie": copied}).status_code == 200

    resp = browser.post(server.url + "/logout", data={"csrf_token": _csrf(browser, server.url + "/")})
    assert resp.status_code == 200
    assert _until_disconnected(sock)
    assert requests.get(server.url + "/api/v1/auth/me", headers={"Cookie": copied}).status_code == 401
    thief = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        thief.connect(server.url, headers={"Cookie": copied}, transports=["websocket"])


def test_junk_authorization_does_not_switch_csrf_off(server):
    browser = server.cookie_session("duty_officer")
    resp = browser.post(
        server.url + "/api/v1/incidents", json={"title": "x", "kind": "y"}, headers={"Authorization": "Bearer junk"}
    )
    assert resp.status_code == 400 and "CSRF" in resp.json()["error"]["message"]
