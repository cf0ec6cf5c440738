"""Scheduler entry points of the reports domain (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

from crisis.reports import service


def report_due(incident_id: int) -> None:
    """15 minutes before the next lägesrapport is due: a system log entry and a `reminder.due` event.

    Idempotent: fires once per (latest report, due time), whatever the number of runs.
    """
    service.remind_due(incident_id=incident_id)
