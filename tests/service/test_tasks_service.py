"""Task service: create (also inside another transaction), update with version check, filters, history,
"make this a task", the overdue reminder (idempotent), and bad input that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, Forbidden, NotFound, ValidationError
from crisis.events import service as events
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.scheduler import runner
from crisis.tasks import service
from crisis.tasks.models import Task, TaskChange


def _events(incident_id, type_):
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident_id, Event.type == type_).order_by(Event.seq)
        )
    )


def _log_texts(incident_id):
    return list(
        db.session.scalars(
            sa.select(LogEntry.text).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number)
        )
    )


def _snapshot(incident_id):
    db.session.expire_all()
    inc = db.session.get(Incident, incident_id)
    tasks = [
        (t.id, t.version, t.status.value, t.title)
        for t in db.session.scalars(sa.select(Task).where(Task.incident_id == incident_id))
    ]
    return (
        inc.last_seq,
        inc.last_log_number,
        tasks,
        db.session.scalar(sa.select(sa.func.count()).select_from(TaskChange)),
    )


def _job(task_id):
    with runner._job_store() as sched:
        job = sched.get_job(f"task-due:{task_id}")
        return (job.next_run_time, job.args) if job else None


def test_create_locked_in_callers_transaction(app, users, incident):
    due = utcnow() + timedelta(minutes=30)
    with write_transaction(db.session):
        inc = events.lock_incident(incident_id=incident.id)
        t1 = service.create_locked(
            incident=inc,
            actor=users["duty_officer"],
            title="Kontakta Elnätsbolaget",
            position="samband",
            due_at=due,
            priority="high",
            origin="playbook:elavbrott#1",
        )
        t2 = service.create_locked(incident=inc, actor=None, title="Lägesbild till Länsstyrelsen")
    d = service.to_dict(t1)
    for key in (
        "id",
        "title",
        "status",
        "priority",
        "position",
        "assignee",
        "due_at",
        "version",
        "description",
        "incident",
        "origin",
        "origin_log_number",
        "overdue",
        "created_at",
        "updated_at",
    ):
        assert key in d
    assert d["status"] == "todo" and d["priority"] == "high" and d["version"] == 1 and d["overdue"] is False
    assert d["origin"] == "playbook:elavbrott#1" and t2.created_by is None
    created = _events(incident.id, "task.created")
    assert [e.data["id"] for e in created] == [t1.id, t2.id]
    assert created[0].data == d
    texts = _log_texts(incident.id)
    assert any(t.startswith(f"Ny uppgift {t1.id}: 'Kontakta Elnätsbolaget'") and "funktion Samband" in t for t in texts)
    # The reminder job is scheduled after commit, for the due time; none for a task without one.
    run_at, args = _job(t1.id)
    assert abs((run_at - due).total_seconds()) < 1 and args[1:] == (t1.id,)
    assert _job(t2.id) is None


def test_rolled_back_create_schedules_nothing(app, users, incident):
    with pytest.raises(RuntimeError):
        with write_transaction(db.session):
            inc = events.lock_incident(incident_id=incident.id)
            service.create_locked(incident=inc, actor=users["staff"], title="X", due_at=utcnow() + timedelta(hours=1))
            raise RuntimeError("boom")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
    assert runner.job_ids("task-due:") == []


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"title": ""}, "validation_error"),
        ({"title": "x" * 201}, "validation_error"),
        ({"title": "T", "assignee": "nobody"}, "unknown_assignee"),
        ({"title": "T", "assignee": "observer"}, "unknown_assignee"),
        ({"title": "T", "position": "nope"}, "unknown_position"),
        ({"title": "T", "priority": "urgent"}, "validation_error"),
        ({"title": "T", "due_at": "imorgon"}, "bad_due_at"),
        ({"title": "T", "due_at": "2026-11-24T16:00:00"}, "bad_due_at"),
        ({"title": "T", "origin_log_number": 99}, "unknown_log_entry"),
        ({"title": "T", "description": "x" * 5001}, "validation_error"),
    ],
)
def test_bad_input_changes_nothing(app, users, incident, kwargs, code):
    before = _snapshot(incident.id)
    with pytest.raises(ValidationError) as err:
        service.create(actor=users["staff"], incident_id=incident.id, **kwargs)
    assert err.value.code == code and err.value.status == 422
    assert _snapshot(incident.id) == before


def test_roles_and_unknowns(app, users, incident):
    with pytest.raises(Forbidden):
        service.create(actor=users["observer"], incident_id=incident.id, title="Nej")
    with pytest.raises(NotFound):
        service.create(actor=users["staff"], incident_id=999, title="Nej")
    task = service.create(actor=users["staff"], incident_id=incident.id, title="Ja")
    with pytest.raises(Forbidden):
        service.update(actor=users["observer"], task_id=task.id, expected_version=1, status="done")
    with pytest.raises(NotFound):
        service.update(actor=users["staff"], task_id=999, expected_version=1, status="done")
    assert service.get(viewer=users["observer"], task_id=task.id).id == task.id


def test_update_logs_history_and_event(app, users, incident):
    task = service.create(
        actor=users["staff"], incident_id=incident.id, title="Öppna trygghetspunkt", position="resurs"
    )
    seq = db.session.get(Incident, incident.id).last_seq
    updated = service.update(
        actor=users["leader"], task_id=task.id, expected_version=1, status="doing", assignee="staff", priority="high"
    )
    assert updated.version == 2 and updated.status.value == "doing" and updated.assignee.username == "staff"
    assert updated.updated_by == "leader"
    text = _log_texts(incident.id)[-1]
    assert text.startswith(f"Uppgift {task.id} 'Öppna trygghetspunkt': ")
    assert "status att göra -> pågår" in text and "prioritet normal -> hög" in text and "Staff Testsson" in text
    ev = _events(incident.id, "task.updated")[-1]
    assert ev.seq > seq and ev.actor == "leader" and ev.data == service.to_dict(updated)
    changes = service.history(viewer=users["observer"], task_id=task.id)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("created", None, "Öppna trygghetspunkt"),
        ("status", "todo", "doing"),
        ("priority", "normal", "high"),
        ("assignee", None, "staff"),
    ]
    assert all(c.actor == "leader" for c in changes[1:])
    # Clearing fields
    cleared = service.update(actor=users["staff"], task_id=task.id, expected_version=2, assignee=None, position=None)
    assert cleared.assignee is None and cleared.position is None and cleared.version == 3


def test_no_change_writes_nothing(app, users, incident):
    task = service.create(actor=users["staff"], incident_id=incident.id, title="Samma")
    before = _snapshot(incident.id)
    same = service.update(actor=users["staff"], task_id=task.id, expected_version=1, title="Samma", status="todo")
    assert same.version == 1 and _snapshot(incident.id) == before


def test_stale_version_is_a_clear_conflict_and_changes_nothing(app, users, incident):
    task = service.create(actor=users["staff"], incident_id=incident.id, title="Evakuera äldreboende")
    service.update(actor=users["leader"], task_id=task.id, expected_version=1, status="doing")
    before = _snapshot(incident.id)
    with pytest.raises(Conflict) as err:
        service.update(actor=users["staff"], task_id=task.id, expected_version=1, status="done")
    e = err.value
    assert e.status == 409 and e.code == "version_conflict"
    assert "leader" in e.message and "version 2" in e.message
    assert e.details["current_version"] == 2 and e.details["task"]["status"] == "doing"
    assert _snapshot(incident.id) == before


def test_update_validation(app, users, incident):
    from crisis.incidents import service as incidents

    other = incidents.create(actor=users["duty_officer"], title="Annan", kind="storm")
    task = service.create(actor=users["staff"], incident_id=incident.id, title="T")
    before = _snapshot(incident.id)
    bad = [
        dict(status="finished"),
        dict(priority="x"),
        dict(assignee="ghost"),
        dict(position="nope"),
        dict(due_at="25/12 kl 14"),
        dict(title="  "),
        dict(incident_id=other.id, status="done"),
    ]
    for kw in bad:
        with pytest.raises(ValidationError):
            service.update(actor=users["staff"], task_id=task.id, expected_version=1, **kw)
    with pytest.raises(ValidationError):
        service.update(actor=users["staff"], task_id=task.id, expected_version=None, status="done")
    with pytest.raises(ValidationError):
        service.update(actor=users["staff"], task_id=task.id, expected_version=1, owner="x")
    # a valid field together with an invalid one: nothing at all is changed
    with pytest.raises(ValidationError):
        service.update(actor=users["staff"], task_id=task.id, expected_version=1, status="doing", assignee="ghost")
    assert _snapshot(incident.id) == before


def test_closed_incident_rejects_changes(app, users, incident):
    from crisis.incidents import service as incidents

    task = service.create(actor=users["staff"], incident_id=incident.id, title="T")
    with write_transaction(db.session):
        inc = events.lock_incident(incident_id=incident.id)
        inc.status = inc.status.__class__("closed")
    with pytest.raises(Conflict):
        service.update(actor=users["staff"], task_id=task.id, expected_version=1, status="done")
    with pytest.raises(Conflict):
        service.create(actor=users["staff"], incident_id=incident.id, title="Ny")
    assert incidents  # imported for the enum path only


def test_list_filters(app, users, incident):
    from crisis.staffing import service as staffing

    staffing.check_in(actor=users["staff"], incident_id=incident.id, position="kommunikation")
    past = utcnow() - timedelta(minutes=5)
    a = service.create(actor=users["leader"], incident_id=incident.id, title="A", assignee="staff")
    b = service.create(actor=users["leader"], incident_id=incident.id, title="B", position="kommunikation", due_at=past)
    c = service.create(actor=users["leader"], incident_id=incident.id, title="C", position="samband", due_at=past)
    service.update(actor=users["leader"], task_id=c.id, expected_version=1, status="done")

    def ids(**kw: object) -> list[int]:
        return [t.id for t in service.list_tasks(viewer=users["staff"], incident_id=incident.id, **kw)]

    assert ids() == [a.id, b.id, c.id]
    assert ids(mine=True) == [a.id]
    assert ids(my_position=True) == [b.id]
    assert ids(overdue=True) == [b.id]  # c is past due but done
    assert ids(status="done") == [c.id]
    assert ids(status="todo,done") == [a.id, b.id, c.id]
    with pytest.raises(ValidationError):
        ids(status="later")
    assert service.to_dict(b)["overdue"] is True and service.to_dict(c)["overdue"] is False
    # the leader holds no position: "my position" is empty, not everything
    assert service.list_tasks(viewer=users["leader"], incident_id=incident.id, my_position=True) == []


def test_task_from_log_entry_links_both_ways(app, users, incident):
    entry = log.append(
        actor=users["leader"],
        incident_id=incident.id,
        kind="decision",
        text="Beslut: öppna trygghetspunkt i Kinnahallen kl 18",
        decided_by="Krisledningschef",
        mandate="krisledningsplanen",
    )
    task = service.create_from_log(
        actor=users["staff"], incident_id=incident.id, number=entry.number, position="resurs"
    )
    assert task.origin_log_number == entry.number and task.origin == f"log:{entry.number}"
    assert task.title == "Beslut: öppna trygghetspunkt i Kinnahallen kl 18"
    assert f"Från loggpost {entry.number}." in _log_texts(incident.id)[-1]
    linked = service.list_tasks(viewer=users["observer"], incident_id=incident.id, origin_log_number=entry.number)
    assert [t.id for t in linked] == [task.id]
    with pytest.raises(ValidationError):
        service.create_from_log(actor=users["staff"], incident_id=incident.id, number=999)


def test_reminder_job_follows_due_time_and_status(app, users, incident):
    due = utcnow() + timedelta(hours=1)
    task = service.create(actor=users["staff"], incident_id=incident.id, title="T", due_at=due)
    assert _job(task.id) is not None
    later = due + timedelta(hours=2)
    task = service.update(actor=users["staff"], task_id=task.id, expected_version=1, due_at=later.isoformat())
    assert abs((_job(task.id)[0] - later).total_seconds()) < 1
    task = service.update(actor=users["staff"], task_id=task.id, expected_version=2, status="done")
    assert _job(task.id) is None
    task = service.update(actor=users["staff"], task_id=task.id, expected_version=3, status="doing")
    assert _job(task.id) is not None
    service.update(actor=users["staff"], task_id=task.id, expected_version=4, due_at=None)
    assert _job(task.id) is None


def test_reminder_fires_once_and_only_when_due(app, users, incident):
    task = service.create(
        actor=users["staff"], incident_id=incident.id, title="Ring SOS Alarm", due_at=utcnow() + timedelta(hours=1)
    )
    assert service.fire_reminder(task_id=task.id) is False  # not due yet
    with write_transaction(db.session):  # time passes
        db.session.execute(sa.update(Task.__table__).values(due_at=utcnow() - timedelta(minutes=1)))
    assert service.fire_reminder(task_id=task.id) is True
    assert service.fire_reminder(task_id=task.id) is False
    db.session.expire_all()
    t = db.session.get(Task, task.id)
    assert t.reminded_at is not None and t.version == 1  # the reminder makes nobody's edit stale
    reminders = [e for e in _events(incident.id, "task.updated") if e.data["reminded_at"]]
    assert len(reminders) == 1 and reminders[0].data["overdue"] is True and reminders[0].actor is None
    assert sum("är försenad" in x for x in _log_texts(incident.id)) == 1
    # a new due time gets a new reminder
    service.update(
        actor=users["staff"], task_id=task.id, expected_version=1, due_at=(utcnow() + timedelta(hours=1)).isoformat()
    )
    assert db.session.get(Task, task.id).reminded_at is None
    with write_transaction(db.session):
        db.session.execute(sa.update(Task.__table__).values(due_at=utcnow() - timedelta(seconds=1)))
    assert service.fire_reminder(task_id=task.id) is True


def test_reminder_skips_done_and_unknown(app, users, incident):
    task = service.create(
        actor=users["staff"], incident_id=incident.id, title="T", due_at=utcnow() - timedelta(minutes=1)
    )
    service.update(actor=users["staff"], task_id=task.id, expected_version=1, status="done")
    assert service.fire_reminder(task_id=task.id) is False
    assert service.fire_reminder(task_id=12345) is False
    from crisis.tasks import jobs

    jobs.task_due(12345)  # the job entry point is harmless for a vanished task


def test_sweep_fires_missed_reminders(app, users, incident):
    a = service.create(actor=users["staff"], incident_id=incident.id, title="A", due_at=utcnow() - timedelta(minutes=2))
    service.create(actor=users["staff"], incident_id=incident.id, title="B", due_at=utcnow() + timedelta(hours=2))
    assert service.sweep_overdue() == 1
    assert service.sweep_overdue() == 0
    assert db.session.get(Task, a.id).reminded_at is not None


def test_due_time_parsing():
    assert service.parse_due("2026-11-24T16:00:00+01:00") == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert service.parse_due("2026-11-24T15:00:00Z") == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert service.parse_due("") is None and service.parse_due(None) is None
    for bad in ("16:00", "2026-13-01T10:00+01:00", "2026-11-24T16:00", 12, "3026-01-01T00:00+00:00"):
        with pytest.raises(ValidationError):
            service.parse_due(bad)


def test_recover_reschedules_lost_jobs_and_fires_missed(app, users, incident):
    a = service.create(actor=users["staff"], incident_id=incident.id, title="A", due_at=utcnow() + timedelta(hours=1))
    b = service.create(actor=users["staff"], incident_id=incident.id, title="B", due_at=utcnow() + timedelta(hours=1))
    runner.remove(f"task-due:{a.id}")  # lost, e.g. a crash between commit and scheduling
    with write_transaction(db.session):
        db.session.execute(
            sa.update(Task.__table__).where(Task.__table__.c.id == b.id).values(due_at=utcnow() - timedelta(minutes=1))
        )
    assert service.recover_reminders() == (1, 1)
    assert _job(a.id) is not None
    assert service.recover_reminders() == (0, 0)


def test_task_from_confidential_entry_does_not_copy_its_text(app, users, incident):
    entry = log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hotbild mot förtroendevald X",
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )
    task = service.create_from_log(actor=users["staff"], incident_id=incident.id, number=entry.number)
    assert "Hotbild" not in task.title and task.origin_log_number == entry.number
    assert not any("Hotbild" in e.data.get("title", "") for e in _events(incident.id, "task.created"))
    with pytest.raises(Forbidden):
        service.create_from_log(actor=users["observer"], incident_id=incident.id, number=entry.number)
