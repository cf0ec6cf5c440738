"""Every open board hears task.created / task.updated; the event data is the task as the API returns it."""

from __future__ import annotations

from crisis.tasks import service


def _events(client):
    return [p["args"][0] for p in client.get_received() if p["name"] == "event"]


def _joined(socket_client, role, incident):
    client = socket_client(role)
    ack = client.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    assert ack["ok"]
    client.get_received()
    return client


def test_board_events_reach_every_client(socket_client, login, incident):
    staff = _joined(socket_client, "staff", incident)
    observer = _joined(socket_client, "observer", incident)
    api = login("leader")
    created = api.post(
        f"/api/v1/incidents/{incident.id}/tasks", json={"title": "Larma hemtjänsten", "position": "personal"}
    ).get_json()
    for client in (staff, observer):
        evs = [e for e in _events(client) if e["type"].startswith("task.")]
        assert [e["type"] for e in evs] == ["task.created"]
        assert evs[0]["data"] == created and evs[0]["actor"] == "leader"
    updated = api.patch(f"/api/v1/tasks/{created['id']}", json={"version": 1, "status": "blocked"}).get_json()
    for client in (staff, observer):
        evs = _events(client)
        types = [e["type"] for e in evs]
        assert "log.appended" in types  # the system log entry travels too
        task_evs = [e for e in evs if e["type"] == "task.updated"]
        assert len(task_evs) == 1 and task_evs[0]["data"] == updated and updated["status"] == "blocked"


def test_conflict_sends_no_event(socket_client, login, incident):
    api = login("staff")
    t = api.post(f"/api/v1/incidents/{incident.id}/tasks", json={"title": "T"}).get_json()
    api.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "doing"})
    client = _joined(socket_client, "staff", incident)
    resp = login("leader").patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "done"})
    assert resp.status_code == 409
    assert _events(client) == []


def test_reminder_event(socket_client, users, incident):
    from datetime import timedelta

    import sqlalchemy as sa

    from crisis.db import utcnow, write_transaction
    from crisis.extensions import db
    from crisis.tasks.models import Task

    t = service.create(
        actor=users["staff"],
        incident_id=incident.id,
        title="Rapport till Länsstyrelsen",
        due_at=utcnow() + timedelta(hours=1),
    )
    with write_transaction(db.session):
        db.session.execute(sa.update(Task.__table__).values(due_at=utcnow() - timedelta(seconds=5)))
    client = _joined(socket_client, "observer", incident)
    assert service.fire_reminder(task_id=t.id)
    evs = _events(client)
    task_evs = [e for e in evs if e["type"] == "task.updated"]
    assert len(task_evs) == 1 and task_evs[0]["data"]["overdue"] is True and task_evs[0]["data"]["reminded_at"]
    assert any(e["type"] == "log.appended" and "är försenad" in e["data"]["text"] for e in evs)
