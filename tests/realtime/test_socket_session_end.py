"""A role change, deactivation or new password ends the user's open sockets, whoever calls
auth.service.update (the admin page, the CLI, a test): the disconnect happens in the service."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("change", [{"role": "observer"}, {"active": False}, {"password": "another-long-pw"}])
def test_ending_the_session_in_the_service_disconnects_the_sockets(socket_client, users, change):
    from crisis.auth import service

    staff = socket_client("staff")
    other = socket_client("leader")
    assert staff.is_connected() and other.is_connected()
    service.update(user_id=users["staff"].id, **change)
    assert not staff.is_connected()
    assert other.is_connected()  # only that user's sockets


def test_a_harmless_change_keeps_the_socket(socket_client, users):
    from crisis.auth import service

    staff = socket_client("staff")
    service.update(user_id=users["staff"].id, display_name="Staff Nytt Namn", phone="0320-1")
    service.update(user_id=users["staff"].id, role="staff", active=True)  # unchanged values
    assert staff.is_connected()


def test_a_refused_change_keeps_the_socket(socket_client, users):
    from crisis.auth import service
    from crisis.errors import ValidationError

    staff = socket_client("staff")
    with pytest.raises(ValidationError):
        service.update(user_id=users["staff"].id, role="king")
    assert staff.is_connected()


def test_the_admin_page_role_change_disconnects(app, login, users, socket_client):
    staff = socket_client("staff")
    admin = login("admin")
    uid = users["staff"].id
    resp = admin.post(f"/admin/users/{uid}", data={f"u{uid}-role": "observer", f"u{uid}-active": "y"})
    assert resp.status_code == 302
    assert not staff.is_connected()
