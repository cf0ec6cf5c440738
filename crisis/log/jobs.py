"""Scheduler entry points of the log (called through crisis.scheduler.runner.run_job)."""

from __future__ import annotations

from crisis.log import checkpoints

JOB_ID = "krisrum:log-checkpoints"


def checkpoint() -> None:
    """Sign the chain head of each active incident that has new entries (idempotent)."""
    checkpoints.periodic()


def recover() -> None:
    """At scheduler start: the periodic checkpoint job (replaced, so a changed interval takes effect)."""
    from flask import current_app

    from crisis.db import utcnow
    from crisis.scheduler import runner

    if checkpoints.signing_key() is None:
        return
    runner.schedule_interval(
        job_id=JOB_ID,
        minutes=current_app.config["CRISIS_CHECKPOINT_MINUTES"],
        first_at=utcnow(),
        func_path="crisis.log.jobs:checkpoint",
    )
    checkpoints.periodic()
