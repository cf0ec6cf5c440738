"""Recurring reminders: a system entry and a `reminder.due` event per due time,
idempotent, across a real scheduler restart, and stopped when the incident closes."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.log.models import LogEntry
from crisis.playbooks import activation, jobs, registry, reminders
from crisis.playbooks.models import IncidentReminder
from crisis.scheduler import runner
from crisis.tasks import service as tasks_service
from tests.polling import wait_for

PLAYBOOK = """\
title: Testlarm
kind: test
default_level: staff
positions: [krisledningschef, stabschef, analys]
first_log: Testlarm aktiverat.
reminders:
  - key: nu
    kind: meeting
    text: Stabsmöte nu.
    every_minutes: 15
    first_in_minutes: 0
    position: stabschef
  - key: senare
    kind: report
    text: Lägesrapport till Länsstyrelsen.
    every_minutes: 240
"""


@pytest.fixture
def testlarm(app, tmp_path: Path):
    directory = tmp_path / "playbooks"
    directory.mkdir()
    (directory / "testlarm.yaml").write_text(PLAYBOOK, encoding="utf-8")
    app.config["CRISIS_PLAYBOOK_DIR"] = str(directory)
    assert registry.reload(app).all_errors == []
    return "testlarm"


def _reminder_entries(incident_id: int) -> list[str]:
    db.session.rollback()
    texts = list(
        db.session.scalars(
            sa.select(LogEntry.text)
            .where(LogEntry.incident_id == incident_id, LogEntry.text.like("Påminnelse%"))
            .order_by(LogEntry.number)
        )
    )
    db.session.rollback()
    return texts


def _due_events(incident_id: int) -> list[dict]:
    db.session.rollback()
    out = [
        e.data
        for e in db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident_id, Event.type == "reminder.due").order_by(Event.seq)
        )
    ]
    db.session.rollback()
    return out


def _rem(incident_id: int, key: str) -> IncidentReminder:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(IncidentReminder).where(IncidentReminder.incident_id == incident_id, IncidentReminder.key == key)
    )


def _close(users, incident_id: int) -> None:
    # Closing waits for open tasks: hand them over to the line organisation first.
    for t in tasks_service.open_tasks(incident_id=incident_id):
        tasks_service.hand_over_to_line(
            actor=users["leader"], task_id=t.id, expected_version=t.version, to="Tekniska förvaltningen"
        )
    incidents.update(
        actor=users["leader"],
        incident_id=incident_id,
        status="closed",
        decided_by="Karin Lindqvist",
        mandate="Krisledningsplanen",
        reason="Läget är normalt igen",
    )


def test_fires_once_per_due_time_and_says_what_and_who(app, users, testlarm):
    inc = activation.activate(actor=users["duty_officer"], playbook_key=testlarm, title="Test", context="")
    assert reminders.fire_reminder(incident_id=inc.id, key="nu") is True
    assert reminders.fire_reminder(incident_id=inc.id, key="nu") is False  # same due time: nothing
    assert reminders.fire_reminder(incident_id=inc.id, key="senare") is False  # not due yet
    texts = _reminder_entries(inc.id)
    assert len(texts) == 1
    assert texts[0].startswith("Påminnelse – Stabsmöte: Stabsmöte nu. Ansvarig: Stabschef.")
    (ev,) = _due_events(inc.id)
    assert ev["key"] == "nu" and ev["kind"] == "meeting" and ev["position"] == "stabschef"
    assert ev["text"] == "Stabsmöte nu."

    # The next due time (15 minutes later) fires once more.
    rem = _rem(inc.id, "nu")
    rem.first_at = rem.first_at - timedelta(minutes=15)
    rem.last_due_at = rem.first_at
    db.session.commit()
    assert reminders.fire_reminder(incident_id=inc.id, key="nu") is True
    assert reminders.fire_reminder(incident_id=inc.id, key="nu") is False
    assert len(_reminder_entries(inc.id)) == 2
    assert _rem(inc.id, "nu").fired_count == 2


def test_closing_stops_the_reminders_and_removes_their_jobs(app, users, testlarm):
    inc = activation.activate(actor=users["duty_officer"], playbook_key=testlarm, title="Test", context="")
    assert sorted(runner.job_ids(f"reminder:{inc.id}:")) == [f"reminder:{inc.id}:nu", f"reminder:{inc.id}:senare"]
    _close(users, inc.id)
    assert runner.job_ids("reminder:") == []
    assert not _rem(inc.id, "nu").active and not _rem(inc.id, "senare").active
    stopped = db.session.scalar(
        sa.select(LogEntry.text).where(
            LogEntry.incident_id == inc.id, LogEntry.text.like("Återkommande påminnelser stoppade%")
        )
    )
    assert "stabsmöte var 15 min" in stopped and "lägesrapport var 240 min" in stopped
    assert not re.search(r"\b(nu|senare|meeting|report)\b", stopped), stopped  # no internal keys
    jobs.fire_reminder(inc.id, "nu")  # a job that was already running: nothing
    assert _reminder_entries(inc.id) == []


def test_a_job_of_a_closed_incident_removes_itself(app, users, testlarm, monkeypatch):
    inc = activation.activate(actor=users["duty_officer"], playbook_key=testlarm, title="Test", context="")
    # Closing without the hook (as if the hook had failed): the job itself notices.
    from crisis import registry

    monkeypatch.setattr(registry.of(app), "close_hooks", [])
    _close(users, inc.id)
    assert f"reminder:{inc.id}:nu" in runner.job_ids()
    assert reminders.fire_reminder(incident_id=inc.id, key="nu") is False
    assert f"reminder:{inc.id}:nu" not in runner.job_ids()
    assert not _rem(inc.id, "nu").active
    assert _reminder_entries(inc.id) == []


def test_reminders_survive_a_restart_fire_once_and_stop_when_closed(app, users, testlarm):
    try:
        # Activated while no scheduler runs (a web process with CRISIS_SCHEDULER=off):
        # the jobs are in the shared job store.
        inc = activation.activate(actor=users["duty_officer"], playbook_key=testlarm, title="Storm", context="")
        assert sorted(runner.job_ids(f"reminder:{inc.id}:")) == [f"reminder:{inc.id}:nu", f"reminder:{inc.id}:senare"]
        time.sleep(2.5)  # the first reminder comes due while the scheduler is down
        assert _reminder_entries(inc.id) == []

        runner.start_background(app)
        assert wait_for(lambda: len(_reminder_entries(inc.id)) == 1, 20)
        runner.shutdown()

        # Restarted: the reminder that already fired does not fire again.
        runner.start_background(app)
        time.sleep(2.0)
        assert len(_reminder_entries(inc.id)) == 1
        assert [e["key"] for e in _due_events(inc.id)] == ["nu"]
        assert sorted(runner.job_ids(f"reminder:{inc.id}:")) == [f"reminder:{inc.id}:nu", f"reminder:{inc.id}:senare"]

        _close(users, inc.id)
        assert runner.job_ids("reminder:") == []
        runner.shutdown()
        runner.start_background(app)
        time.sleep(1.0)
        assert len(_reminder_entries(inc.id)) == 1
    finally:
        runner.shutdown()


def test_activation_while_the_scheduler_runs_fires_the_first_reminder(app, users, testlarm):
    try:
        runner.start_background(app)
        start = utcnow()
        inc = activation.activate(actor=users["leader"], playbook_key=testlarm, title="Vatten", context="")
        end = utcnow()
        assert wait_for(lambda: len(_reminder_entries(inc.id)) == 1, 20)
        (ev,) = _due_events(inc.id)
        # due at activation (offset 0), however long the activation took on a loaded machine
        due = datetime.fromisoformat(ev["due_at"])
        assert start - timedelta(seconds=1) <= due <= end + timedelta(seconds=1), (start, due, end)
    finally:
        runner.shutdown()


def test_lost_jobs_are_recreated_at_scheduler_start(app, users, testlarm):
    inc = activation.activate(actor=users["duty_officer"], playbook_key=testlarm, title="Test", context="")
    for key in ("nu", "senare"):
        runner.remove(f"reminder:{inc.id}:{key}")  # e.g. a job store restored from an older backup
    assert runner.job_ids("reminder:") == []
    try:
        runner.start_background(app)
        assert wait_for(lambda: len(_reminder_entries(inc.id)) == 1, 20)  # the missed due time, once
        assert sorted(runner.job_ids(f"reminder:{inc.id}:")) == [f"reminder:{inc.id}:nu", f"reminder:{inc.id}:senare"]
        with runner._job_store() as sched:
            later = sched.get_job(f"reminder:{inc.id}:senare")
        assert abs((later.next_run_time - _rem(inc.id, "senare").first_at).total_seconds()) < 1
        runner.shutdown()
        runner.start_background(app)  # nothing missing now: nothing more happens
        time.sleep(1.0)
        assert len(_reminder_entries(inc.id)) == 1
    finally:
        runner.shutdown()
