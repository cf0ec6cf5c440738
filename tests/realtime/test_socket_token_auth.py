"""Socket.IO takes a bearer token in the standard `auth` payload `{"token"}`: a valid token
connects and joins as its user; a bad or revoked token or a deactivated user is refused;
a reporter connects but may join nothing."""

from __future__ import annotations

import pytest

from tests.conftest import IsolatedSocketClient


def _token(users, role):
    from crisis.auth import service

    tok, plain = service.create_token(user_id=users[role].id, name="socket")
    return tok.id, plain


def _sock(app, **kwargs):
    from crisis.extensions import socketio

    return IsolatedSocketClient(lambda: socketio.test_client(app, **kwargs))


def test_a_token_in_the_auth_payload_connects_and_joins(app, users, incident):
    _id, plain = _token(users, "staff")
    sock = _sock(app, auth={"token": plain})
    assert sock.is_connected()
    ack = sock.emit("join", {"incident": incident.id, "since": 0}, callback=True)
    assert ack["ok"] and ack["incident"] == incident.id


def test_an_observers_token_joins_the_restricted_audience(app, users, incident):
    _id, plain = _token(users, "observer")
    sock = _sock(app, auth={"token": plain})
    assert sock.emit("join", {"incident": incident.id, "since": 0}, callback=True)["ok"]
    # Not allowed to the TiB inbox.
    assert sock.emit("join_inbox", {}, callback=True) == {"ok": False, "error": "forbidden"}


@pytest.mark.parametrize(
    "auth", [None, {}, {"token": ""}, {"token": "krt_junk"}, {"token": 5}, {"token": "x" * 5000}, "krt_junk"]
)
def test_no_or_a_bad_token_is_refused(app, users, auth):
    sock = _sock(app, auth=auth)
    assert not sock.is_connected()


def test_a_revoked_token_is_refused_and_a_deactivation_ends_the_socket(app, users, incident):
    from crisis.auth import service

    tok_id, plain = _token(users, "leader")
    service.revoke_token(token_id=tok_id)
    assert not _sock(app, auth={"token": plain}).is_connected()

    _id2, plain2 = _token(users, "staff")
    live = _sock(app, auth={"token": plain2})
    assert live.is_connected()
    service.update(user_id=users["staff"].id, active=False)
    assert not live.is_connected()
    assert not _sock(app, auth={"token": plain2}).is_connected()


def test_every_event_checks_the_token_again(app, users, incident):
    """A token revoked without its disconnect reaching this socket (another process, lost
    message) still gets nothing: each event loads the user through the token anew."""
    from crisis.auth.models import ApiToken
    from crisis.db import utcnow
    from crisis.extensions import db

    tok_id, plain = _token(users, "staff")
    sock = _sock(app, auth={"token": plain})
    assert sock.is_connected()
    db.session.get(ApiToken, tok_id).revoked_at = utcnow()  # bypass the service's disconnect
    db.session.commit()
    assert sock.emit("join", {"incident": incident.id, "since": 0}, callback=True) == {
        "ok": False,
        "error": "forbidden",
    }


def test_a_reporter_connects_but_may_join_nothing(app, users, incident, socket_client):
    _id, plain = _token(users, "reporter")
    for sock in (_sock(app, auth={"token": plain}), socket_client("reporter")):
        assert sock.is_connected()
        assert sock.emit("join", {"incident": incident.id, "since": 0}, callback=True) == {
            "ok": False,
            "error": "forbidden",
        }
        assert sock.emit("join_inbox", {}, callback=True) == {"ok": False, "error": "forbidden"}
