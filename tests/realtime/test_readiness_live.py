"""readiness.changed reaches every connected screen, also one that joined no incident; only after commit."""

from __future__ import annotations

import pytest

from crisis.errors import ApiError
from crisis.readiness import service


def _named(client, name):
    return [p["args"][0] for p in client.get_received() if p["name"] == name]


def test_readiness_changed_reaches_every_screen(socket_client, users, incident):
    lonely = socket_client("observer")  # joined no incident
    in_room = socket_client("staff")
    assert in_room.emit("join", {"incident": incident.id, "since": 0}, callback=True)["ok"]
    in_room.get_received()
    service.record(actor=users["leader"], readiness="highest", decided_at="2026-11-20", reference="Fö2026/09999")
    for client in (lonely, in_room):
        (msg,) = _named(client, "readiness.changed")
        assert msg["readiness"] == "highest" and msg["heightened"] is True
        assert msg["reference"] == "Fö2026/09999" and msg["decided_at"] == "2026-11-20"


def test_nothing_is_sent_when_recording_fails(socket_client, users):
    screen = socket_client("staff")
    screen.get_received()
    with pytest.raises(ApiError):
        service.record(actor=users["leader"], readiness="heightened", decided_at="2026-11-20", reference="")
    with pytest.raises(ApiError):
        service.record(actor=users["staff"], readiness="heightened", decided_at="2026-11-20", reference="X")
    assert _named(screen, "readiness.changed") == []
