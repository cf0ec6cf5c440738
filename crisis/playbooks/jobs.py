"""Scheduler entry points for playbooks (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

from crisis.playbooks import service


def fire_reminder(incident_id: int, key: str) -> None:
    """A recurring reminder of an incident; idempotent per due time, stops itself once closed."""
    service.fire_reminder(incident_id=incident_id, key=key)
