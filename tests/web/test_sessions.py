"""Sessions end on the server: logout kills a copied cookie, an idle session expires, "log out
everywhere" (own account page, or an admin for a user) ends every session and socket; revoking
an API token closes the sockets it opened; refused logins are recorded and slow the account down."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, IsolatedSocketClient

ME = "/api/v1/auth/me"


def _copy(app, client):
    """A second client holding a copy of `client`'s session cookie (as an attacker would)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def _socket(app, flask_client=None, headers=None):
    from crisis.extensions import socketio

    return IsolatedSocketClient(
        lambda: socketio.test_client(app, flask_test_client=flask_client, headers=headers or {})
    )


def test_a_copied_cookie_is_dead_after_logout(app, login, incident):
    staff = login("staff")
    thief = _copy(app, staff)
    assert thief.get(ME).status_code == 200  # the copy works while the session lives
    assert staff.post("/logout").status_code == 302
    assert staff.get(ME).status_code == 401
    assert thief.get(ME).status_code == 401
    resp = thief.post(f"/api/v1/incidents/{incident.id}/log", json={"text": "efter utloggning"})
    assert resp.status_code == 401
    assert thief.get(f"/incidents/{incident.id}").status_code == 302  # pages send it to the login


def test_logout_closes_that_sessions_sockets_only(app, login):
    first = login("staff")
    second = login("staff")  # the same person on another computer
    s1, s2 = _socket(app, first), _socket(app, second)
    assert s1.is_connected() and s2.is_connected()
    first.post("/logout")
    assert not s1.is_connected()
    assert s2.is_connected()
    assert second.get(ME).status_code == 200


def test_an_idle_session_expires(app, login):
    staff = login("staff")
    assert staff.get(ME).status_code == 200
    with staff.session_transaction() as sess:
        sess["krisrum_seen"] = time.time() - 479 * 60
    assert staff.get(ME).status_code == 200  # used within the idle time: still on, and refreshed
    with staff.session_transaction() as sess:
        assert sess["krisrum_seen"] > time.time() - 60
        sess["krisrum_seen"] = time.time() - 481 * 60
    assert staff.get(ME).status_code == 401


def test_the_idle_time_is_configurable(app, login):
    app.config["CRISIS_SESSION_IDLE_MINUTES"] = 2
    staff = login("staff")
    with staff.session_transaction() as sess:
        sess["krisrum_seen"] = time.time() - 3 * 60
    assert staff.get(ME).status_code == 401


def test_the_idle_time_is_read_from_the_environment(tmp_path):
    from crisis.config import load_config

    assert load_config({"CRISIS_TESTING": "on"})["CRISIS_SESSION_IDLE_MINUTES"] == 480
    assert (
        load_config({"CRISIS_TESTING": "on", "CRISIS_SESSION_IDLE_MINUTES": "30"})["CRISIS_SESSION_IDLE_MINUTES"] == 30
    )


def test_a_session_from_before_this_version_is_not_accepted(app, login, users):
    """A cookie without a server-side session key (forged or old) is no session."""
    staff = login("staff")
    with staff.session_transaction() as sess:
        sess.pop("krisrum_sid")
    assert staff.get(ME).status_code == 401


def test_log_out_everywhere_from_the_own_account_page(app, login):
    here, there = login("staff"), login("staff")
    leader = login("leader")
    screen = _socket(app, there)
    page = here.get("/account")
    assert page.status_code == 200 and "Logga ut överallt" in page.get_data(as_text=True)
    assert here.post("/account/logout-everywhere").status_code == 302
    assert here.get(ME).status_code == 401
    assert there.get(ME).status_code == 401
    assert not screen.is_connected()
    assert leader.get(ME).status_code == 200


def test_an_admin_logs_a_user_out_everywhere(app, login, users):
    staff_a, staff_b = login("staff"), login("staff")
    screen = _socket(app, staff_a)
    admin = login("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{users['staff'].id}/logout-everywhere" in page
    assert admin.post(f"/admin/users/{users['staff'].id}/logout-everywhere").status_code == 302
    assert staff_a.get(ME).status_code == 401 and staff_b.get(ME).status_code == 401
    assert not screen.is_connected()
    assert admin.get(ME).status_code == 200
    # The person can log in again.
    assert login("staff").get(ME).status_code == 200


def test_only_an_admin_may_log_others_out(app, login, users):
    leader = login("leader")
    staff = login("staff")
    assert leader.post(f"/admin/users/{users['staff'].id}/logout-everywhere").status_code == 403
    assert staff.get(ME).status_code == 200


def test_revoking_a_token_closes_the_sockets_it_opened(app, login, users):
    from crisis.auth import service

    tok, plain = service.create_token(user_id=users["staff"].id, name="väggskärm")
    _other, other_plain = service.create_token(user_id=users["staff"].id, name="annan")
    by_token = _socket(app, headers={"Authorization": f"Bearer {plain}"})
    by_other = _socket(app, headers={"Authorization": f"Bearer {other_plain}"})
    by_cookie = _socket(app, login("staff"))
    assert by_token.is_connected() and by_other.is_connected() and by_cookie.is_connected()
    admin = login("admin")
    assert admin.post(f"/admin/tokens/{tok.id}/revoke").status_code == 302
    assert not by_token.is_connected()
    assert by_other.is_connected() and by_cookie.is_connected()


def test_a_revoked_token_cannot_open_a_socket(app, users):
    from crisis.auth import service

    tok, plain = service.create_token(user_id=users["staff"].id, name="x")
    service.revoke_token(token_id=tok.id)
    assert not _socket(app, headers={"Authorization": f"Bearer {plain}"}).is_connected()


def _attempt(app, username, password, ip):
    return app.test_client().post(
        "/api/v1/auth/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_failed_logins_are_recorded_and_slow_the_account_down(app, users, login):
    from crisis.auth.models import FailedLogin
    from crisis.extensions import db

    for i in range(5):  # from five different addresses: the IP limit never sees a pattern
        resp = _attempt(app, "staff", f"wrong-{i}", f"10.0.0.{i + 1}")
        assert resp.status_code == 401
    rows = list(db.session.scalars(db.select(FailedLogin).order_by(FailedLogin.id)))
    assert [r.ip for r in rows] == [f"10.0.0.{i + 1}" for i in range(5)]
    assert all(r.username == "staff" and r.user_id == users["staff"].id for r in rows)
    # The account now takes no password, not even the right one, from any address.
    resp = _attempt(app, "staff", PASSWORD, "10.0.0.99")
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "account_locked"
    # Other accounts are not affected.
    assert _attempt(app, "leader", PASSWORD, "10.0.0.1").status_code == 200
    # Admins see the attempts.
    page = login("admin").get("/admin/users").get_data(as_text=True)
    assert "Misslyckade inloggningar" in page and "10.0.0.3" in page
    # Once the window has passed, the right password works again.
    for row in db.session.scalars(db.select(FailedLogin)):
        row.at = row.at - timedelta(minutes=16)
    db.session.commit()
    assert _attempt(app, "staff", PASSWORD, "10.0.0.99").status_code == 200


def test_the_login_page_records_and_locks_too(app, users):
    from crisis.auth.models import FailedLogin
    from crisis.extensions import db

    client = app.test_client()
    for _ in range(5):
        resp = client.post("/login", data={"username": "staff", "password": "nope-nope"})
        assert resp.status_code == 401
    resp = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert resp.status_code == 429
    assert "För många misslyckade inloggningar" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(FailedLogin)) == 6


@pytest.mark.parametrize("name", ["nobody", "STAFF "])
def test_unknown_and_odd_usernames_are_recorded(app, users, name):
    from crisis.auth.models import FailedLogin
    from crisis.extensions import db

    assert _attempt(app, name, "wrong-password", "10.1.1.1").status_code == 401
    row = db.session.scalar(db.select(FailedLogin))
    assert row.username == name.strip().lower()
    assert (row.user_id is None) == (name == "nobody")
