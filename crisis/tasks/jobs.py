"""Scheduler entry points for tasks (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

from crisis.tasks import service


def task_due(task_id: int) -> None:
    """The overdue reminder of one task; idempotent (fires at most once per due time)."""
    service.fire_reminder(task_id=task_id)


def recover() -> tuple[int, int]:
    """At scheduler start: fire reminders that were missed, re-create lost jobs (idempotent)."""
    return service.recover_reminders()
