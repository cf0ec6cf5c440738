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
from datetime import datetime
from typing import Any, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import OPEN_TASK_STATUSES, Priority, TaskStatus
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.staffing.models import Position
from crisis.tasks.models import Task, TaskChange

_log = logging.getLogger("krisrum.tasks")

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_ORIGIN = 200

STATUS_SV = {
    TaskStatus.TODO: "att göra",
    TaskStatus.DOING: "pågår",
    TaskStatus.BLOCKED: "blockerad",
    TaskStatus.DONE: "klar",
    TaskStatus.CANCELLED: "avbruten",
}
PRIORITY_SV = {Priority.HIGH: "hög", Priority.NORMAL: "normal", Priority.LOW: "låg"}

JOB_PREFIX = "task-due:"
JOB_FUNC = "crisis.tasks.jobs:task_due"
_JOBS_KEY = "krisrum_task_jobs"


# --- serialising -----------------------------------------------------------

def is_overdue(task: Task, now: Optional[datetime] = None) -> bool:
    return (task.due_at is not None and task.status in OPEN_TASK_STATUSES
            and task.due_at <= (now or utcnow()))


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
    return {"task": change.task_id, "at": change.at.isoformat(), "actor": change.actor,
            "field": change.field, "old": change.old, "new": change.new}


def _local(dt: datetime) -> str:
    return dt.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


# --- validation ------------------------------------------------------------

def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("The title is empty.")
    value = " ".join(value.split())
    if len(value) > MAX_TITLE:
        raise ValidationError(f"The title is longer than {MAX_TITLE} characters.")
    return value


def _description(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("The description must be text.")
    value = value.strip()
    if len(value) > MAX_DESCRIPTION:
        raise ValidationError(f"The description is longer than {MAX_DESCRIPTION} characters.")
    return value


def _enum(enum_cls: type, value: Any, field: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError(f"Unknown {field} {value!r}; one of: {allowed}.") from None


def _position(incident_id: int, key: Optional[str]) -> Optional[str]:
    if key is None or (isinstance(key, str) and not key.strip()):
        return None
    if not isinstance(key, str):
        raise ValidationError("The position must be a position key.")
    key = key.strip()
    exists = db.session.scalar(sa.select(Position.id).where(Position.incident_id == incident_id,
                                                            Position.key == key))
    if exists is None:
        raise ValidationError(f"The incident has no position {key!r}.", code="unknown_position")
    return key


def _assignee(username: Optional[str]) -> Optional[User]:
    if username is None or (isinstance(username, str) and not username.strip()):
        return None
    if not isinstance(username, str):
        raise ValidationError("The assignee must be a username.")
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        raise ValidationError(f"No active user {username!r}.", code="unknown_assignee")
    if not has_perm(user, Perm.WRITE_LOG):
        raise ValidationError(f"{user.display_name} has a read-only role and cannot be given tasks.",
                              code="unknown_assignee")
    return user


def parse_due(value: Any) -> Optional[datetime]:
    """An aware datetime, an ISO 8601 string with offset, or None/"" (no due time)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                f"Cannot read the due time {value!r}; use ISO 8601 with offset, e.g. 2026-11-24T16:00:00+01:00.",
                code="bad_due_at") from None
    if not isinstance(value, datetime):
        raise ValidationError("The due time must be a date and time.", code="bad_due_at")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("The due time needs a time zone (e.g. 2026-11-24T16:00:00+01:00).",
                              code="bad_due_at")
    if not 2000 <= value.year <= 2100:
        raise ValidationError("The due time is out of range.", code="bad_due_at")
    return value


def _origin_log(incident_id: int, number: Optional[int]) -> Optional[int]:
    if number is None:
        return None
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValidationError("origin_log_number must be a log entry number.")
    exists = db.session.scalar(sa.select(LogEntry.id).where(LogEntry.incident_id == incident_id,
                                                            LogEntry.number == number))
    if exists is None:
        raise ValidationError(f"The incident has no log entry {number}.", code="unknown_log_entry")
    return number


# --- reminder jobs, applied after commit --------------------------------------

def _queue_job(task: Task) -> None:
    """After commit: (re)schedule the reminder if the task is open, unreminded and due; else remove it."""
    wanted = (task.due_at is not None and task.status in OPEN_TASK_STATUSES and task.reminded_at is None)
    db.session.info.setdefault(_JOBS_KEY, []).append((task.id, task.due_at if wanted else None))


def _apply_jobs(session: Session) -> None:
    pending = session.info.pop(_JOBS_KEY, None)
    if not pending:
        return
    from crisis.scheduler import runner

    latest: dict[int, Optional[datetime]] = {}
    for task_id, run_at in pending:
        latest[task_id] = run_at
    for task_id, run_at in latest.items():
        try:
            if run_at is None:
                runner.remove(f"{JOB_PREFIX}{task_id}")
            else:
                runner.schedule_once(job_id=f"{JOB_PREFIX}{task_id}", run_at=run_at, func_path=JOB_FUNC,
                                     args=(task_id,))
        except Exception:  # the change is committed; a lost job is caught by sweep_overdue
            _log.exception("could not update the reminder job of task %s", task_id)


def _drop_jobs(session: Session) -> None:
    session.info.pop(_JOBS_KEY, None)


def install() -> None:
    if not sa.event.contains(Session, "after_commit", _apply_jobs):
        sa.event.listen(Session, "after_commit", _apply_jobs)
        sa.event.listen(Session, "after_rollback", _drop_jobs)


install()


# --- creating ------------------------------------------------------------------

def _describe(task: Task) -> str:
    parts = []
    if task.position:
        parts.append(f"funktion {task.position}")
    if task.assignee is not None:
        parts.append(f"ansvarig {task.assignee.display_name}")
    if task.due_at is not None:
        parts.append(f"klar senast {_local(task.due_at)}")
    if task.priority is not Priority.NORMAL:
        parts.append(f"prioritet {PRIORITY_SV[task.priority]}")
    return f" ({', '.join(parts)})" if parts else ""


def create_locked(*, incident: Incident, actor: Optional[User], title: str, description: str = "",
                  position: Optional[str] = None, assignee: Optional[str] = None,
                  due_at: Optional[datetime] = None, priority: str = "normal",
                  origin: Optional[str] = None, origin_log_number: Optional[int] = None) -> Task:
    """Add a task to an incident the caller has locked, inside the caller's write transaction.

    The caller checks the actor's permission (playbook activation, exercises
    and `create` do). Validates everything first, so a bad field raises
    before anything is added; writes a `system` log entry and a
    `task.created` event and schedules the overdue reminder after commit.
    """
    title_v = _title(title)
    description_v = _description(description)
    priority_e = _enum(Priority, priority, "priority")
    position_v = _position(incident.id, position)
    assignee_u = _assignee(assignee)
    due_v = parse_due(due_at)
    if origin is not None and (not isinstance(origin, str) or len(origin) > MAX_ORIGIN):
        raise ValidationError(f"The origin is text of at most {MAX_ORIGIN} characters.")
    origin_log = _origin_log(incident.id, origin_log_number)
    if origin is None and origin_log is not None:
        origin = f"log:{origin_log}"
    now = utcnow()
    actor_name = actor.username if actor else None
    task = Task(incident_id=incident.id, title=title_v, description=description_v, status=TaskStatus.TODO,
                priority=priority_e, position=position_v, assignee=assignee_u,
                assignee_id=assignee_u.id if assignee_u else None, due_at=due_v, origin=origin or None,
                origin_log_number=origin_log, created_by=actor_name, created_at=now, updated_at=now,
                updated_by=actor_name)
    db.session.add(task)
    db.session.flush()
    db.session.add(TaskChange(task_id=task.id, at=now, actor=actor_name, field="created", old=None,
                              new=title_v))
    source = f" Från loggpost {origin_log}." if origin_log is not None else ""
    log.system_entry(incident=incident, actor=actor,
                     text=f"Ny uppgift {task.id}: '{title_v}'{_describe(task)}.{source}")
    events.append_event(incident=incident, type="task.created", actor=actor_name, data=to_dict(task))
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
    from datetime import timedelta

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
        if (task is None or task.reminded_at is not None or task.status not in OPEN_TASK_STATUSES
                or task.due_at is None or task.due_at > now + timedelta(seconds=REMINDER_SLACK_SECONDS)):
            return False
        db.session.execute(sa.update(Task.__table__).where(Task.__table__.c.id == task_id)
                           .values(reminded_at=now))
        db.session.refresh(task)
        log.system_entry(incident=incident, actor=None,
                         text=f"Uppgift {task.id} '{task.title}' är försenad "
                              f"(skulle vara klar {_local(task.due_at)}).")
        events.append_event(incident=incident, type="task.updated", actor=None, data=to_dict(task))
    return True
