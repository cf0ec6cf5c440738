"""Scheduler entry points of the reports domain (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from crisis.db import utcnow
from crisis.extensions import db
from crisis.reports import service

log = logging.getLogger("krisrum.scheduler")


def report_due(incident_id: int) -> None:
    """15 minutes before the next lägesrapport is due: a system log entry and a `reminder.due` event.

    Idempotent: fires once per (latest report, due time), whatever the number of runs.
    """
    service.remind_due(incident_id=incident_id)


def recover() -> int:
    """Re-create the 'next lägesrapport is due' job of every active incident whose job was lost.

    The issued reports are the truth: the latest one's `nasta_rapport` gives the
    due time; a reminder that should have fired meanwhile runs at once, one
    that already fired (its `reminder.due` event) is not scheduled again.
    Returns how many jobs.
    """
    from crisis.events.models import Event
    from crisis.incidents.models import Incident
    from crisis.scheduler import runner

    have = set(runner.job_ids(service.JOB_PREFIX))
    wanted = []
    for incident_id in db.session.scalars(sa.select(Incident.id).where(Incident.status != "closed")):
        if f"{service.JOB_PREFIX}{incident_id}" in have:
            continue
        latest = service.latest_issued(incident_id=incident_id)
        if latest is None or latest.nasta_rapport is None:
            continue
        key = {"kind": "report_due", "report": latest.number, "due": latest.nasta_rapport.isoformat()}
        fired = db.session.scalars(
            sa.select(Event.data).where(Event.incident_id == incident_id, Event.type == "reminder.due")
        )
        if not any(isinstance(d, dict) and all(d.get(k) == v for k, v in key.items()) for d in fired):
            wanted.append((incident_id, latest.nasta_rapport))
    db.session.rollback()
    now = utcnow()
    for incident_id, due in wanted:
        runner.schedule_once(
            job_id=f"{service.JOB_PREFIX}{incident_id}",
            run_at=max(due - service.REMINDER_LEAD, now),
            func_path=service.JOB_FUNC,
            args=(incident_id,),
        )
    if wanted:
        log.info("report reminder recovery re-created %d job(s)", len(wanted))
    return len(wanted)
