"""The recurring reminders a playbook leaves in an incident: scheduled after commit,
fired once per due time by the scheduler (a `system` entry and a `reminder.due`
event), stopped when the incident closes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from crisis import aftercommit, labels, record_sv
from crisis.auth.models import User
from crisis.db import utcnow, write_transaction
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.playbooks.models import IncidentReminder

REMINDER_JOB_FUNC = "crisis.playbooks.jobs:fire_reminder"
REMINDER_SLACK = timedelta(seconds=2)


def schedule_reminder(incident_id: int, key: str, every_minutes: int, first_at: datetime) -> None:
    from crisis.scheduler import runner

    # A first time already past (first_in_minutes: 0) would be skipped by the
    # interval trigger; run it now instead. The due-time slots stay anchored
    # at first_at (see fire_reminder).
    start = max(first_at, utcnow() + REMINDER_SLACK)
    runner.schedule_interval(
        job_id=f"reminder:{incident_id}:{key}",
        minutes=every_minutes,
        first_at=start,
        func_path=REMINDER_JOB_FUNC,
        args=(incident_id, key),
    )


def _remove_job(job_id: str) -> None:
    from crisis.scheduler import runner

    runner.remove(job_id)


def reminders_dict(*, incident_id: int) -> dict[str, Any]:
    rems = db.session.scalars(
        sa.select(IncidentReminder)
        .where(IncidentReminder.incident_id == incident_id)
        .order_by(IncidentReminder.first_at, IncidentReminder.id)
    )
    return {"incident": incident_id, "items": [r.to_dict() for r in rems]}


def _due_slot(rem: IncidentReminder, now: datetime) -> datetime | None:
    if now < rem.first_at:
        return None
    every = timedelta(minutes=rem.every_minutes)
    return rem.first_at + ((now - rem.first_at) // every) * every


def fire_reminder(*, incident_id: int, key: str) -> bool:
    """Fire the reminder's current due time once: a `system` entry and a `reminder.due` event.

    Idempotent per due time. Once the incident is closed (or the reminder
    stopped) it does nothing and removes its own job. Returns whether it fired.
    """
    job_id = f"reminder:{incident_id}:{key}"
    with write_transaction(db.session):
        incident = db.session.get(Incident, incident_id)
        if incident is None:
            aftercommit.after_commit(_remove_job, job_id)
            return False
        incident = events.lock_incident(incident_id=incident_id, allow_closed=True)
        rem = db.session.scalar(
            sa.select(IncidentReminder)
            .where(IncidentReminder.incident_id == incident_id, IncidentReminder.key == key)
            .execution_options(populate_existing=True)
        )
        if rem is None or not rem.active or incident.status.value != "active":
            if rem is not None and rem.active:
                rem.active = False
            aftercommit.after_commit(_remove_job, job_id)
            return False
        slot = _due_slot(rem, utcnow() + REMINDER_SLACK)
        if slot is None or (rem.last_due_at is not None and rem.last_due_at >= slot):
            return False
        rem.last_due_at = slot
        rem.fired_count += 1
        next_at = slot + timedelta(minutes=rem.every_minutes)
        label = labels.REMINDER_KINDS.sv(rem.kind, "Påminnelse")
        pos_label = _position_label(incident_id, rem.position) if rem.position else None
        log.system_entry(
            incident=incident,
            actor=None,
            text=record_sv.reminder_due(kind=rem.kind, text=rem.text, position_label=pos_label, next_at=next_at),
        )
        events.append_event(
            incident=incident,
            type="reminder.due",
            actor=None,
            data={
                "key": rem.key,
                "kind": rem.kind,
                "label": label,
                "text": rem.text,
                "position": rem.position,
                "due_at": slot.isoformat(),
                "next_at": next_at.isoformat(),
            },
        )
    return True


def _position_label(incident_id: int, key: str) -> str:
    from crisis.staffing.models import Position

    label = db.session.scalar(sa.select(Position.label).where(Position.incident_id == incident_id, Position.key == key))
    return label or key


def stop_reminders_locked(*, incident: Incident, actor: User | None) -> int:
    """Stop every active reminder of a locked incident; jobs are removed after commit.

    A close hook (crisis.playbooks.init_app): runs inside the closing transaction.
    """
    rems = list(
        db.session.scalars(
            sa.select(IncidentReminder).where(
                IncidentReminder.incident_id == incident.id, IncidentReminder.active.is_(True)
            )
        )
    )
    for rem in rems:
        rem.active = False
        aftercommit.after_commit(_remove_job, rem.job_id)
    if rems:
        log.system_entry(
            incident=incident, actor=actor, text=record_sv.reminders_stopped((r.kind, r.every_minutes) for r in rems)
        )
    return len(rems)
