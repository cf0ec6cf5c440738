"""Overdue reminders with a real scheduler on the file database: a restart loses no reminder and fires
none twice (one due while the scheduler is down, one due after it is back)."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa

from crisis.db import utcnow
from crisis.events.models import Event
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.scheduler import runner
from crisis.tasks import service
from crisis.tasks.models import Task
from tests.polling import wait_for


def _reminders(incident_id):
    db.session.rollback()
    db.session.expire_all()
    logs = list(
        db.session.scalars(
            sa.select(LogEntry.text).where(LogEntry.incident_id == incident_id, LogEntry.text.like("%är försenad%"))
        )
    )
    evs = [
        e.data["id"]
        for e in db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident_id, Event.type == "task.updated")
        )
        if e.data.get("reminded_at")
    ]
    db.session.rollback()
    return logs, sorted(evs)


def test_restart_loses_no_reminder_and_fires_none_twice(app, users, incident):
    try:
        runner.start_background(app)
        now = utcnow()
        early = service.create(
            actor=users["staff"], incident_id=incident.id, title="Ring Elnätsbolaget", due_at=now + timedelta(seconds=1)
        )
        late = service.create(
            actor=users["staff"], incident_id=incident.id, title="Lägesrapport", due_at=now + timedelta(seconds=4)
        )
        done = service.create(
            actor=users["staff"], incident_id=incident.id, title="Redan klar", due_at=now + timedelta(seconds=1)
        )
        service.update(actor=users["staff"], task_id=done.id, expected_version=1, status="done")
        assert sorted(runner.job_ids("task-due:")) == sorted([f"task-due:{early.id}", f"task-due:{late.id}"])
        runner.shutdown()  # before anything is due

        # `early` comes due while no scheduler runs
        time.sleep(2.6)
        assert _reminders(incident.id) == ([], [])
        assert sorted(runner.job_ids("task-due:")) == sorted([f"task-due:{early.id}", f"task-due:{late.id}"])

        runner.start_background(app)  # a new scheduler on the same job store
        assert wait_for(lambda: _reminders(incident.id)[1] == [early.id], 20)
        assert wait_for(lambda: _reminders(incident.id)[1] == sorted([early.id, late.id]), 20)
        runner.shutdown()

        # And once more: nothing fires twice after another restart.
        runner.start_background(app)
        time.sleep(1.0)
        logs, evs = _reminders(incident.id)
        assert evs == sorted([early.id, late.id])
        assert len(logs) == 2 and any(f"Uppgift {early.id} 'Ring Elnätsbolaget'" in t for t in logs)
        assert runner.job_ids("task-due:") == []
        db.session.expire_all()
        assert db.session.get(Task, done.id).reminded_at is None
        assert all(db.session.get(Task, t.id).reminded_at is not None for t in (early, late))
    finally:
        runner.shutdown()


def test_scheduler_start_recovers_missed_reminders(app, users, incident):
    """A reminder whose job was lost (e.g. a crash right after commit) still fires when a scheduler starts."""
    from crisis import registry

    assert "crisis.tasks.jobs:recover" in registry.of(app).startup_jobs
    from crisis.db import write_transaction

    task = service.create(
        actor=users["staff"], incident_id=incident.id, title="Förlorat jobb", due_at=utcnow() + timedelta(hours=1)
    )
    runner.remove(f"task-due:{task.id}")
    with write_transaction(db.session):
        db.session.execute(sa.update(Task.__table__).values(due_at=utcnow() - timedelta(minutes=1)))
    try:
        runner.start_background(app)
        assert wait_for(lambda: _reminders(incident.id)[1] == [task.id], 20)
    finally:
        runner.shutdown()
