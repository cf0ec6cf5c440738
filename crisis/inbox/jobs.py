"""Scheduler entry points for the TiB inbox (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

from crisis.inbox import service


def follow_up(deviation_id: int, due_at: str) -> None:
    """A monitored report's follow-up time has come; idempotent."""
    service.follow_up_due(deviation_id=deviation_id, due_at=due_at)
