"""Exercise traffic over Socket.IO: injects reach the exercise incident's room (never a real
incident's), and ÖVNINGSSTOPP reaches every open page at once."""

from __future__ import annotations

from typing import Any

from crisis.exercises import service
from crisis.extensions import db
from crisis.incidents.models import Incident
from tests.realtime.replay import events, join


def _events(client: Any) -> list[dict[str, Any]]:
    return [p["args"][0] for p in client.get_received() if p["name"] == "event"]


def _joined(socket_client: Any, role: str, incident_id: int) -> Any:
    client = socket_client(role)
    since = db.session.get(Incident, incident_id).last_seq
    ack, _ = join(client, incident_id, since)
    assert ack["ok"], ack
    client.get_received()
    return client


def _started(users: dict[str, Any]) -> Any:
    control = users["exercise_control"]
    ex = service.schedule(actor=control, scenario="vinterelavbrott", speed=60)
    return service.start(actor=control, exercise_id=ex.id)


def test_inject_reaches_participants_and_not_a_real_incident(
    socket_client: Any, users: dict[str, Any], incident: Any
) -> None:
    ex = _started(users)
    staff = _joined(socket_client, "staff", ex.incident_id)
    observer = _joined(socket_client, "observer", ex.incident_id)
    real = _joined(socket_client, "leader", incident.id)
    service.deliver(ex.id, "elnat-larm")
    for client in (staff, observer):
        evs = _events(client)
        types = [e["type"] for e in evs]
        assert types == ["log.appended", "inject.delivered"]
        log_ev, inj_ev = evs
        assert log_ev["data"]["kind"] == "incoming" and log_ev["data"]["text"].startswith("ÖVNING – ")
        assert inj_ev["data"]["inject"] == "elnat-larm" and inj_ev["data"]["log_number"] == log_ev["data"]["number"]
        assert "expected_action" not in inj_ev["data"]
        assert all(e["incident"] == ex.incident_id for e in evs)
    assert _events(real) == []


def test_ovningsstopp_is_broadcast_to_every_page(socket_client: Any, users: dict[str, Any]) -> None:
    ex = _started(users)
    clients = [_joined(socket_client, role, ex.incident_id) for role in ("staff", "observer", "duty_officer")]
    service.stop(actor=users["leader"], exercise_id=ex.id, reason="Verklig händelse kräver staben")
    for client in clients:
        evs = _events(client)
        stop = [e for e in evs if e["type"] == "exercise.updated"]
        assert len(stop) == 1
        data = stop[0]["data"]
        assert data["status"] == "stopped" and data["stop"] is True
        assert data["stop_reason"] == "Verklig händelse kräver staben"
        kinds = [e["data"]["kind"] for e in evs if e["type"] == "log.appended"]
        assert "decision" in kinds
        # the exercise incident is closed in the same breath
        assert any(e["type"] == "incident.updated" and e["data"]["status"] == "closed" for e in evs)


def test_a_page_opened_late_replays_the_stop(socket_client: Any, users: dict[str, Any]) -> None:
    ex = _started(users)
    since = db.session.get(Incident, ex.incident_id).last_seq
    service.stop(actor=users["exercise_control"], exercise_id=ex.id)
    client = socket_client("staff")
    ack, replayed = join(client, ex.incident_id, since)
    assert ack["ok"]
    stop = [e for e in events(replayed) if e["type"] == "exercise.updated" and e["data"].get("stop")]
    assert len(stop) == 1
