"""The task board: creating, changing and listing tasks (uppgifter).

Every change is written in one transaction together with a `system` log
entry, a TaskChange history row and a `task.*` event. Concurrent edits are
caught by the task's `version` (optimistic locking): a client sends the
version it saw, and a stale one gets a 409 that names who changed it last.

The overdue reminder is a one-off scheduler job per task (`task-due:{id}`).
The job store lives in the same database but is written through its own
connection, so job changes are queued on the session and applied only
after the transaction commits (never for a rolled-back change).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import labels, record_sv, timefmt
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.collation import sv_key
from crisis.db import utcnow, write_transaction
from crisis.enums import OPEN_TASK_STATUSES, Priority, TaskStatus
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.parsing import aware_time, enum_value
from crisis.search import service as search
from crisis.staffing.models import Position
from crisis.tasks.models import Task, TaskChange
from crisis.textcheck import check_text

_log = logging.getLogger("krisrum.tasks")

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_ORIGIN = 200


JOB_PREFIX = "task-due:"
JOB_FUNC = "crisis.tasks.jobs:task_due"
JOB_MIN_LEAD_SECONDS = 2


# --- serialising -----------------------------------------------------------


def is_overdue(task: Task, now: datetime | None = None) -> bool:
    return task.due_at is not None and task.status in OPEN_TASK_STATUSES and task.due_at <= (now or utcnow())


def to_dict(task: Task) -> dict[str, Any]:
    assignee = task.assignee
    return {
        "id": task.id,
        "incident": task.incident_id,
        "title": task.title,
        "description": task.description or "",
        "status": task.status.value,
        "priority": task.priority.value,
        "position": task.position,
        "assignee": assignee.username if assignee else None,
        "assignee_name": assignee.display_name if assignee else None,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "overdue": is_overdue(task),
        "version": task.version,
        "origin": task.origin,
        "origin_log_number": task.origin_log_number,
        "created_by": task.created_by,
        "created_at": task.created_at.isoformat(),
        "updated_by": task.updated_by,
        "updated_at": task.updated_at.isoformat(),
        "reminded_at": task.reminded_at.isoformat() if task.reminded_at else None,
    }


def change_dict(change: TaskChange) -> dict[str, Any]:
    return {
        "task": change.task_id,
        "at": change.at.isoformat(),
        "actor": change.actor,
        "field": change.field,
        "old": change.old,
        "new": change.new,
    }


def _local(dt: datetime) -> str:
    return timefmt.date_hhmm(dt)


# --- validation ------------------------------------------------------------


def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(_l("Rubriken är tom."))
    title: str = " ".join(value.split())
    if len(title) > MAX_TITLE:
        raise ValidationError(_l("Rubriken är längre än %(limit)s tecken.", limit=MAX_TITLE))
    check_text(title, "title")
    return title


def _description(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_l("Beskrivningen måste vara text."))
    text: str = value.strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(_l("Beskrivningen är längre än %(limit)s tecken.", limit=MAX_DESCRIPTION))
    return text


def _position(incident_id: int, key: str | None) -> str | None:
    if key is None or (isinstance(key, str) and not key.strip()):
        return None
    if not isinstance(key, str):
        raise ValidationError(_l("Funktionen ska anges med sin nyckel (t.ex. stabschef)."))
    key = key.strip()
    exists = db.session.scalar(sa.select(Position.id).where(Position.incident_id == incident_id, Position.key == key))
    if exists is None:
        raise ValidationError(_l('Händelsen har ingen funktion "%(position)s".', position=key), code="unknown_position")
    return key


def _assignee(username: str | None) -> User | None:
    if username is None or (isinstance(username, str) and not username.strip()):
        return None
    if not isinstance(username, str):
        raise ValidationError(_l("Ansvarig ska anges med användarnamn."))
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        raise ValidationError(
            _l('Det finns ingen aktiv användare "%(username)s".', username=username), code="unknown_assignee"
        )
    if not has_perm(user, Perm.WRITE_LOG):
        raise ValidationError(
            _l("%(name)s har en roll med enbart läsbehörighet och kan inte få uppgifter.", name=user.display_name),
            code="unknown_assignee",
        )
    return user


def _origin_log(incident_id: int, number: int | None) -> int | None:
    if number is None:
        return None
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValidationError(_l("origin_log_number ska vara ett postnummer i loggen."))
    exists = db.session.scalar(
        sa.select(LogEntry.id).where(LogEntry.incident_id == incident_id, LogEntry.number == number)
    )
    if exists is None:
        raise ValidationError(
            _l("Händelsen har ingen post %(number)s i loggen.", number=number), code="unknown_log_entry"
        )
    return number


# --- reminder jobs, applied after commit --------------------------------------


def _queue_job(task: Task) -> None:
    """After commit: (re)schedule the reminder if the task is open, unreminded and due; else remove it.

    A failure to reach the job store is logged (the change is committed);
    `sweep_overdue` catches a lost job.
    """
    from crisis.scheduler import runner

    job_id = f"{JOB_PREFIX}{task.id}"
    if task.due_at is not None and task.status in OPEN_TASK_STATUSES and task.reminded_at is None:
        # Never a job that is already due when it reaches the store: boards mark
        # a task overdue by its due time, the reminder follows a moment later.
        earliest = utcnow() + timedelta(seconds=JOB_MIN_LEAD_SECONDS)
        runner.schedule_once_after_commit(
            job_id=job_id, run_at=max(task.due_at, earliest), func_path=JOB_FUNC, args=(task.id,)
        )
    else:
        runner.remove_after_commit(job_id)


# --- creating ------------------------------------------------------------------


def _describe(task: Task) -> str:
    return record_sv.task_details(
        position_label=_position_label(task.incident_id, task.position) if task.position else None,
        assignee=task.assignee.display_name if task.assignee is not None else None,
        due=_local(task.due_at) if task.due_at is not None else None,
        priority=task.priority.value,
    )


def _position_label(incident_id: int, key: str) -> str:
    """The incident's name of a position (the record never shows a key)."""
    label = db.session.scalar(sa.select(Position.label).where(Position.incident_id == incident_id, Position.key == key))
    return label or key


def index_task_locked(incident: Incident, task: Task) -> None:
    """The task's title and description in the search index (same transaction)."""
    search.index_locked(
        kind="task",
        incident=incident,
        ref_id=task.id,
        number=task.id,
        title=task.title,
        text=task.description or task.title,
        occurred_at=task.created_at,
    )


def create_locked(
    *,
    incident: Incident,
    actor: User | None,
    title: str,
    description: str = "",
    position: str | None = None,
    assignee: str | None = None,
    due_at: datetime | None = None,
    priority: str = "normal",
    origin: str | None = None,
    origin_log_number: int | None = None,
) -> Task:
    """Add a task to an incident the caller has locked, inside the caller's write transaction.

    The caller checks the actor's permission (playbook activation, exercises
    and `create` do). Validates everything first, so a bad field raises
    before anything is added; writes a `system` log entry and a
    `task.created` event and schedules the overdue reminder after commit.
    """
    title_v = _title(title)
    description_v = _description(description)
    priority_e = enum_value(Priority, priority, "priority")
    position_v = _position(incident.id, position)
    assignee_u = _assignee(assignee)
    due_v = parse_due(due_at)
    if origin is not None and (not isinstance(origin, str) or len(origin) > MAX_ORIGIN):
        raise ValidationError(_l("Ursprunget är text på högst %(limit)s tecken.", limit=MAX_ORIGIN))
    origin_log = _origin_log(incident.id, origin_log_number)
    if origin is None and origin_log is not None:
        origin = f"log:{origin_log}"
    now = utcnow()
    actor_name = actor.username if actor else None
    task = Task(
        incident_id=incident.id,
        title=title_v,
        description=description_v,
        status=TaskStatus.TODO,
        priority=priority_e,
        position=position_v,
        assignee=assignee_u,
        assignee_id=assignee_u.id if assignee_u else None,
        due_at=due_v,
        origin=origin or None,
        origin_log_number=origin_log,
        created_by=actor_name,
        created_at=now,
        updated_at=now,
        updated_by=actor_name,
    )
    db.session.add(task)
    db.session.flush()
    db.session.add(TaskChange(task_id=task.id, at=now, actor=actor_name, field="created", old=None, new=title_v))
    source = f" Från loggpost {origin_log}." if origin_log is not None else ""
    log.system_entry(
        incident=incident, actor=actor, text=f"Ny uppgift {task.id}: '{title_v}'{_describe(task)}.{source}"
    )
    events.append_event(incident=incident, type="task.created", actor=actor_name, data=to_dict(task))
    index_task_locked(incident, task)
    _queue_job(task)
    return task


# --- overdue reminders -----------------------------------------------------------

REMINDER_SLACK_SECONDS = 2


def fire_reminder(*, task_id: int) -> bool:
    """Mark one task as reminded and announce that it is overdue, once.

    Idempotent: does nothing unless the task is open, past its due time and
    not yet reminded for this due time. Returns whether it fired. The
    reminder does not bump the task's version (nobody's edit is stale
    because of it).
    """
    with write_transaction(db.session):
        incident_id = db.session.scalar(sa.select(Task.incident_id).where(Task.id == task_id))
        if incident_id is None:
            return False
        incident = db.session.get(Incident, incident_id)
        if incident is None or incident.status.value != "active":
            return False
        incident = events.lock_incident(incident_id=incident_id)
        task = db.session.get(Task, task_id, populate_existing=True)
        now = utcnow()
        if (
            task is None
            or task.reminded_at is not None
            or task.status not in OPEN_TASK_STATUSES
            or task.due_at is None
            or task.due_at > now + timedelta(seconds=REMINDER_SLACK_SECONDS)
        ):
            return False
        db.session.execute(sa.update(Task.__table__).where(Task.__table__.c.id == task_id).values(reminded_at=now))
        db.session.refresh(task)
        log.system_entry(
            incident=incident,
            actor=None,
            text=f"Uppgift {task.id} '{task.title}' är försenad (skulle vara klar {_local(task.due_at)}).",
        )
        events.append_event(incident=incident, type="task.updated", actor=None, data=to_dict(task))
    return True


# --- reading -------------------------------------------------------------------


def _task(task_id: int, *, fresh: bool = False) -> Task:
    task = db.session.get(Task, task_id, populate_existing=fresh)
    if task is None:
        raise NotFound(_l("Uppgift %(id)s finns inte.", id=task_id))
    return task


def get(*, viewer: User, task_id: int) -> Task:
    check(viewer, Perm.READ)
    return _task(task_id)


def list_tasks(
    *,
    viewer: User,
    incident_id: int,
    mine: bool = False,
    my_position: bool = False,
    overdue: bool = False,
    status: str | None = None,
    origin_log_number: int | None = None,
) -> list[Task]:
    """The tasks of an incident, oldest first, filtered.

    mine: assigned to the viewer; my_position: assigned to a position the
    viewer holds now; overdue: open and past due; status: one status or a
    comma-separated list; origin_log_number: made from that log entry.
    """
    check(viewer, Perm.READ)
    if db.session.get(Incident, incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    stmt = sa.select(Task).where(Task.incident_id == incident_id)
    if mine:
        stmt = stmt.where(Task.assignee_id == viewer.id)
    if my_position:
        from crisis.staffing.service import held_positions

        held = held_positions(user=viewer, incident_id=incident_id)
        stmt = stmt.where(Task.position.in_(held))
    if overdue:
        stmt = stmt.where(Task.due_at.is_not(None), Task.due_at <= utcnow(), Task.status.in_(OPEN_TASK_STATUSES))
    if status:
        wanted = [enum_value(TaskStatus, s.strip(), "status") for s in status.split(",") if s.strip()]
        if wanted:
            stmt = stmt.where(Task.status.in_(wanted))
    if origin_log_number is not None:
        stmt = stmt.where(Task.origin_log_number == origin_log_number)
    return list(db.session.scalars(stmt.order_by(Task.id)))


def history(*, viewer: User, task_id: int) -> list[TaskChange]:
    check(viewer, Perm.READ)
    _task(task_id)
    return list(
        db.session.scalars(
            sa.select(TaskChange).where(TaskChange.task_id == task_id).order_by(TaskChange.at, TaskChange.id)
        )
    )


# --- writing -------------------------------------------------------------------


def create(
    *,
    actor: User,
    incident_id: int,
    title: str,
    description: str = "",
    position: str | None = None,
    assignee: str | None = None,
    due_at: Any = None,
    priority: str = "normal",
    origin: str | None = None,
    origin_log_number: int | None = None,
) -> Task:
    """Create a task (board, API, "make this a task" from a log entry)."""
    check(actor, Perm.WRITE_LOG)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        task = create_locked(
            incident=incident,
            actor=actor,
            title=title,
            description=description,
            position=position,
            assignee=assignee,
            due_at=parse_due(due_at),
            priority=priority,
            origin=origin or ("manual" if origin_log_number is None else None),
            origin_log_number=origin_log_number,
        )
    return task


def create_from_log(*, actor: User, incident_id: int, number: int, title: str | None = None, **kw: Any) -> Task:
    """ "Gör till uppgift": a task from log entry `number` (its text is the default title)."""
    check(actor, Perm.WRITE_LOG)
    entry = db.session.scalar(sa.select(LogEntry).where(LogEntry.incident_id == incident_id, LogEntry.number == number))
    if entry is None or (entry.classification.value == "confidential" and not has_perm(actor, Perm.READ_CONFIDENTIAL)):
        raise ValidationError(
            _l("Händelsen har ingen post %(number)s i loggen.", number=number), code="unknown_log_entry"
        )
    if not title:
        if entry.classification.value == "confidential":
            # Tasks are not classified and reach observers: never copy secret text into one.
            title = f"Uppgift från loggpost {number} (sekretess, se dagboken)"
        else:
            text = " ".join(entry.text.split())
            title = text if len(text) <= 120 else text[:119] + "…"
    return create(actor=actor, incident_id=incident_id, title=title, origin_log_number=number, **kw)


def open_tasks_by_origin(*, incident_id: int, origin: str) -> list[Task]:
    """The open tasks of an incident made from `origin` (e.g. a decision task), oldest first."""
    stmt = sa.select(Task).where(
        Task.incident_id == incident_id, Task.origin == origin, Task.status.in_(OPEN_TASK_STATUSES)
    )
    return list(db.session.scalars(stmt.order_by(Task.id)))


def finish_locked(*, incident: Incident, actor: User, task: Task, note: str) -> None:
    """Mark an open task done inside the caller's write transaction (the incident locked).

    Used when what the task asked for happened elsewhere (a decision task
    closes when the decision is recorded). `note` (plain Swedish) says why.
    """
    if task.status not in OPEN_TASK_STATUSES:
        return
    now = utcnow()
    lines: list[str] = []
    with db.session.no_autoflush:
        _apply(task, [("status", task.status, TaskStatus.DONE)], now, actor, lines)
    db.session.flush()
    log.system_entry(
        incident=incident, actor=actor, text=f"Uppgift {task.id} '{task.title}': {'; '.join(lines)} ({note})."
    )
    events.append_event(incident=incident, type="task.updated", actor=actor.username, data=to_dict(task))
    _queue_job(task)


UPDATABLE = ("title", "description", "status", "priority", "position", "assignee", "due_at")


def _as_text(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return str(value.value)
    return str(value)


def _log_value(field: str, value: Any, incident_id: int | None = None) -> str:
    if value is None or value == "":
        return "–"
    if field == "status":
        return record_sv.task_status(value)
    if field == "priority":
        return record_sv.task_priority(value)
    if field == "position" and incident_id is not None:
        return _position_label(incident_id, value)
    if field == "due_at":
        return _local(value)
    if field == "description":
        text = " ".join(str(value).split())
        return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
    if field == "title":
        return f"'{value}'"
    return str(value)


def update(*, actor: User, task_id: int, expected_version: Any, incident_id: int | None = None, **changes: Any) -> Task:
    """Change fields of a task if the caller saw its current version.

    `changes` may hold title, description, status, priority, position,
    assignee (username or None), due_at (aware datetime, ISO text or None).
    A stale `expected_version` is a 409 that names who changed the task last;
    nothing is written then. Every changed field gets a TaskChange row and a
    line of the one `system` log entry; one `task.updated` event carries the task.
    """
    check(actor, Perm.WRITE_LOG)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError(
            _l("Skicka med versionen av uppgiften som du utgick från (version)."), code="version_required"
        )
    with write_transaction(db.session):
        probe = db.session.scalar(sa.select(Task.incident_id).where(Task.id == task_id))
        if probe is None:
            raise NotFound(_l("Uppgift %(id)s finns inte.", id=task_id))
        if incident_id is not None and probe != incident_id:
            raise ValidationError(_l("Uppgift %(id)s hör till en annan händelse.", id=task_id), code="wrong_incident")
        incident = events.lock_incident(incident_id=probe)
        task = _task(task_id, fresh=True)
        _check_version(task, expected_version)
        # validate everything before changing anything
        new: dict[str, Any] = {}
        if "title" in changes:
            new["title"] = _title(changes["title"])
        if "description" in changes:
            new["description"] = _description(changes["description"])
        if "status" in changes:
            new["status"] = enum_value(TaskStatus, changes["status"], "status")
        if "priority" in changes:
            new["priority"] = enum_value(Priority, changes["priority"], "priority")
        if "position" in changes:
            new["position"] = _position(incident.id, changes["position"])
        if "assignee" in changes:
            new["assignee"] = _assignee(changes["assignee"])
        if "due_at" in changes:
            new["due_at"] = parse_due(changes["due_at"])
        diffs = []
        for field, value in new.items():
            old = getattr(task, field)
            if field == "assignee":
                same = (old.id if old else None) == (value.id if value else None)
            else:
                same = old == value
            if not same:
                diffs.append((field, old, value))
        if not diffs:
            return task
        now = utcnow()
        lines: list[str] = []
        with db.session.no_autoflush:  # one UPDATE, so the version goes up by one
            _apply(task, diffs, now, actor, lines)
        db.session.flush()  # bumps the version
        log.system_entry(incident=incident, actor=actor, text=f"Uppgift {task.id} '{task.title}': {'; '.join(lines)}.")
        events.append_event(incident=incident, type="task.updated", actor=actor.username, data=to_dict(task))
        if any(f in ("title", "description") for f, _o, _n in diffs):
            index_task_locked(incident, task)
        if any(f in ("due_at", "status") for f, _o, _n in diffs):
            _queue_job(task)
    return task


def _check_version(task: Task, expected_version: Any) -> None:
    if expected_version != task.version:
        who = task.updated_by or task.created_by or "Krisrum"
        raise Conflict(
            _l(
                "Uppgift %(id)s har ändrats av %(who)s %(time)s (nu version %(version)s, du utgick från version "
                "%(expected)s). Ladda om uppgiften och gör ändringen igen.",
                id=task.id,
                who=who,
                time=_local(task.updated_at),
                version=task.version,
                expected=expected_version,
            ),
            code="version_conflict",
            details={"task": to_dict(task), "current_version": task.version, "changed_by": who},
        )


def open_tasks(*, incident_id: int, limit: int = 500) -> list[Task]:
    """The incident's open tasks (todo, doing, blocked), oldest first. No permission check: callers check."""
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.incident_id == incident_id, Task.status.in_(OPEN_TASK_STATUSES))
            .order_by(Task.id)
            .limit(limit)
        )
    )


def hand_over_to_line(*, actor: User, task_id: int, expected_version: Any, to: str) -> Task:
    """Hand an open task over to the line organisation (a förvaltning or bolag) at stand-down.

    The task is done as far as the incident is concerned: its status becomes
    done, and the one system entry says to whom it was handed over.
    """
    check(actor, Perm.WRITE_LOG)
    to = " ".join((to or "").split())
    if not to:
        raise ValidationError(_l("Ange vilken förvaltning eller vilket bolag som tar över uppgiften."))
    if len(to) > 200:
        raise ValidationError(_l("Mottagaren är längre än %(limit)s tecken.", limit=200))
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError(
            _l("Skicka med versionen av uppgiften som du utgick från (version)."), code="version_required"
        )
    with write_transaction(db.session):
        probe = db.session.scalar(sa.select(Task.incident_id).where(Task.id == task_id))
        if probe is None:
            raise NotFound(_l("Uppgift %(id)s finns inte.", id=task_id))
        incident = events.lock_incident(incident_id=probe)
        task = _task(task_id, fresh=True)
        _check_version(task, expected_version)
        if task.status not in OPEN_TASK_STATUSES:
            raise Conflict(
                _l(
                    "Uppgift %(id)s är inte öppen (%(status)s).",
                    id=task.id,
                    status=labels.TASK_STATUSES[task.status.value],
                )
            )
        now = utcnow()
        lines = [f"Överlämnad till {to}"]
        with db.session.no_autoflush:
            _apply(task, [("status", task.status, TaskStatus.DONE)], now, actor, lines)
        db.session.flush()
        log.system_entry(incident=incident, actor=actor, text=f"Uppgift {task.id} '{task.title}': {'; '.join(lines)}.")
        events.append_event(incident=incident, type="task.updated", actor=actor.username, data=to_dict(task))
        _queue_job(task)
    return task


def _apply(task: Task, diffs: list[tuple[str, Any, Any]], now: datetime, actor: User, lines: list[str]) -> None:
    for field, old, value in diffs:
        if field == "assignee":
            task.assignee = value
            task.assignee_id = value.id if value else None
            old_t, new_t = (old.username if old else None), (value.username if value else None)
            lines.append(f"ansvarig {old.display_name if old else '–'} -> {value.display_name if value else '–'}")
        else:
            setattr(task, field, value)
            old_t, new_t = _as_text(field, old), _as_text(field, value)
            lines.append(
                f"{record_sv.TASK_FIELDS[field]} {_log_value(field, old, task.incident_id)} -> "
                f"{_log_value(field, value, task.incident_id)}"
            )
        db.session.add(TaskChange(task_id=task.id, at=now, actor=actor.username, field=field, old=old_t, new=new_t))
    if any(f == "due_at" for f, _o, _n in diffs):
        task.reminded_at = None  # a new due time gets its own reminder
    task.updated_at = now
    task.updated_by = actor.username


def sweep_overdue() -> int:
    """Fire every missed reminder (a safety net; each fire is idempotent). Returns how many fired."""
    ids = list(
        db.session.scalars(
            sa.select(Task.id).where(
                Task.due_at.is_not(None),
                Task.due_at <= utcnow(),
                Task.reminded_at.is_(None),
                Task.status.in_(OPEN_TASK_STATUSES),
            )
        )
    )
    db.session.rollback()
    return sum(1 for task_id in ids if fire_reminder(task_id=task_id))


def assignable_users() -> list[User]:
    """Active users who may be given tasks (everyone but read-only roles), by name."""
    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id))
    return sorted((u for u in users if has_perm(u, Perm.WRITE_LOG)), key=lambda u: sv_key(u.display_name))


def recover_reminders() -> tuple[int, int]:
    """Fire missed reminders and make sure every open, unreminded task with a due time has its job.

    Run when a scheduler starts; idempotent. Returns (fired, scheduled).
    """
    from crisis.scheduler import runner

    fired = sweep_overdue()
    rows = db.session.execute(
        sa.select(Task.id, Task.due_at).where(
            Task.due_at.is_not(None), Task.reminded_at.is_(None), Task.status.in_(OPEN_TASK_STATUSES)
        )
    ).all()
    db.session.rollback()
    have = set(runner.job_ids(JOB_PREFIX))
    scheduled = 0
    for task_id, due in rows:
        if f"{JOB_PREFIX}{task_id}" not in have:
            runner.schedule_once(
                job_id=f"{JOB_PREFIX}{task_id}",
                run_at=max(due, utcnow() + timedelta(seconds=JOB_MIN_LEAD_SECONDS)),
                func_path=JOB_FUNC,
                args=(task_id,),
            )
            scheduled += 1
    return fired, scheduled


def parse_due(value: Any) -> datetime | None:
    """A task's due time: an aware datetime, ISO 8601 text with offset, or None/"" (no due time)."""
    return aware_time(value, _l("Klar senast"), code="bad_due_at")
