"""Scheduler entry points for exercises (called through crisis.scheduler.runner.run_job).

Arguments are plain ids; every function is idempotent.
"""

from __future__ import annotations

from crisis.exercises import service


def start_exercise(exercise_id: int) -> None:
    """At the scheduled start: create the exercise incident and schedule the injects."""
    service.start_scheduled(exercise_id)


def deliver_inject(exercise_id: int, inject_id: str) -> None:
    """At an inject's due time: deliver it once (a second run finds it delivered)."""
    service.deliver(exercise_id, inject_id)


def recover() -> int:
    """When a scheduler starts: re-schedule every undelivered inject of running exercises."""
    return service.recover()
