"""Scheduler entry points for playbooks (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

import sqlalchemy as sa

from crisis.extensions import db
from crisis.playbooks import reminders as reminder_service


def fire_reminder(incident_id: int, key: str) -> None:
    """A recurring reminder of an incident; idempotent per due time, stops itself once closed."""
    reminder_service.fire_reminder(incident_id=incident_id, key=key)


def callout_ack_due(incident_id: int) -> None:
    """Raise "not acknowledged" on the incident's call-out list (idempotent; reschedules itself)."""
    from crisis.playbooks import callout

    callout.raise_overdue(incident_id=incident_id)


def recover() -> None:
    """At scheduler start: re-create lost reminder, follow-up and call-out acknowledgement jobs (idempotent).

    The reminders and deviations in the database are the truth; a job that is
    missing from the job store (restored backup, a failure right after commit)
    is scheduled again, and a due time that passed meanwhile fires now, once.
    """
    from crisis.inbox import service as inbox
    from crisis.inbox.models import Deviation, DeviationStatus
    from crisis.incidents.models import Incident
    from crisis.playbooks.models import IncidentReminder
    from crisis.scheduler import runner

    existing = set(runner.job_ids())
    reminders = [
        (r.incident_id, r.key, r.every_minutes, r.first_at, r.job_id)
        for r in db.session.scalars(
            sa.select(IncidentReminder)
            .join(Incident, Incident.id == IncidentReminder.incident_id)
            .where(IncidentReminder.active.is_(True), Incident.status != "closed")
        )
    ]
    follow_ups = [
        (d.id, d.follow_up_at)
        for d in db.session.scalars(
            sa.select(Deviation).where(
                Deviation.status == DeviationStatus.MONITORING, Deviation.follow_up_at.is_not(None)
            )
        )
    ]
    from crisis.playbooks.models import CalloutEntry

    waiting_acks = sorted(
        set(
            db.session.scalars(
                sa.select(CalloutEntry.incident_id)
                .join(Incident, Incident.id == CalloutEntry.incident_id)
                .where(
                    Incident.status != "closed",
                    CalloutEntry.sent_at.is_not(None),
                    CalloutEntry.ack_at.is_(None),
                    CalloutEntry.overdue_at.is_(None),
                )
            )
        )
    )
    db.session.rollback()
    from crisis.playbooks import callout

    for incident_id in waiting_acks:
        if callout.ack_job_id(incident_id) not in existing:
            # Raises what is due now and schedules the check for the rest.
            callout.raise_overdue(incident_id=incident_id)
    for incident_id, key, every, first_at, job_id in reminders:
        if job_id in existing:
            continue
        reminder_service.fire_reminder(incident_id=incident_id, key=key)  # a missed due time, once
        # Anchored at first_at: the interval trigger picks the next due time.
        runner.schedule_interval(
            job_id=job_id,
            minutes=every,
            first_at=first_at,
            func_path=reminder_service.REMINDER_JOB_FUNC,
            args=(incident_id, key),
        )
    for deviation_id, at in follow_ups:
        if f"deviation-followup:{deviation_id}" in existing:
            continue
        if not inbox.follow_up_due(deviation_id=deviation_id, due_at=at.isoformat()):
            inbox.schedule_follow_up(deviation_id, at)
