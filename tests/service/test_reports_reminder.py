"""The reminder before the next lägesrapport is due: scheduled on approval, idempotent when it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from crisis.events.models import Event
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.reports import jobs, service

# Approval needs the public information a CAP message requires.
PUBLIC = {"cap_description": "Strömavbrott i delar av kommunen."}


def _reminders(incident_id: int) -> list[Event]:
    return list(
        db.session.scalars(sa.select(Event).where(Event.incident_id == incident_id, Event.type == "reminder.due"))
    )


def test_approval_schedules_the_reminder_15_minutes_before(
    app: Any, users: dict[str, Any], incident: Any, monkeypatch: Any
) -> None:
    from crisis.scheduler import runner

    calls = []
    monkeypatch.setattr(runner, "schedule_once", lambda **kw: calls.append(kw))
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields=PUBLIC)
    service.update(actor=users["staff"], report_id=report.id, fields={"nasta_rapport": due})
    assert calls == []  # a draft schedules nothing
    service.approve(actor=users["leader"], report_id=report.id)
    assert calls == [
        {
            "job_id": f"report-due:{incident.id}",
            "run_at": due - timedelta(minutes=15),
            "func_path": "crisis.reports.jobs:report_due",
            "args": (incident.id,),
        }
    ]


def test_a_failed_approval_schedules_nothing(app: Any, users: dict[str, Any], incident: Any, monkeypatch: Any) -> None:
    from crisis.scheduler import runner

    calls = []
    monkeypatch.setattr(runner, "schedule_once", lambda **kw: calls.append(kw))
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields=PUBLIC)
    service.update(actor=users["staff"], report_id=report.id, fields={"handelse": ""})
    try:
        service.approve(actor=users["leader"], report_id=report.id)
    except Exception:
        pass
    assert calls == []


def test_the_job_goes_into_the_persistent_job_store(app: Any, users: dict[str, Any], incident: Any) -> None:
    from crisis.scheduler import runner

    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields=PUBLIC)
    service.approve(actor=users["leader"], report_id=report.id)
    assert runner.job_ids("report-due:") == [f"report-due:{incident.id}"]


def test_reminder_job_is_idempotent(app: Any, users: dict[str, Any], incident: Any) -> None:
    due = datetime.now(UTC) + timedelta(minutes=10)
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields=PUBLIC)
    service.update(actor=users["staff"], report_id=report.id, fields={"nasta_rapport": due})
    service.approve(actor=users["leader"], report_id=report.id)
    jobs.report_due(incident.id)
    jobs.report_due(incident.id)
    assert service.remind_due(incident_id=incident.id) is False
    reminders = _reminders(incident.id)
    assert len(reminders) == 1 and reminders[0].data["report"] == 1
    texts = list(
        db.session.scalars(
            sa.select(LogEntry.text).where(LogEntry.incident_id == incident.id, LogEntry.text.like("Påminnelse%"))
        )
    )
    assert len(texts) == 1 and "nästa lägesrapport" in texts[0]


def test_reminder_does_nothing_too_early_or_without_a_due_time(app: Any, users: dict[str, Any], incident: Any) -> None:
    assert service.remind_due(incident_id=incident.id) is False  # no report yet
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields=PUBLIC)
    service.update(
        actor=users["staff"], report_id=report.id, fields={"nasta_rapport": datetime.now(UTC) + timedelta(hours=3)}
    )
    service.approve(actor=users["leader"], report_id=report.id)
    assert service.remind_due(incident_id=incident.id) is False  # rescheduled later: this run is early
    assert _reminders(incident.id) == []


def test_a_new_due_time_reminds_again(app: Any, users: dict[str, Any], incident: Any) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=5)
    for _ in range(2):
        report = service.create(actor=users["staff"], incident_id=incident.id)
        service.update(actor=users["staff"], report_id=report.id, fields=PUBLIC)
        service.update(actor=users["staff"], report_id=report.id, fields={"nasta_rapport": soon})
        service.approve(actor=users["leader"], report_id=report.id)
        jobs.report_due(incident.id)
        jobs.report_due(incident.id)
    assert [e.data["report"] for e in _reminders(incident.id)] == [1, 2]
