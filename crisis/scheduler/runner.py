"""Building and running the one scheduler.

Embedded default: a BackgroundScheduler inside the single web process
(CRISIS_SCHEDULER=on). Scaled: N web processes with CRISIS_SCHEDULER=off and
exactly one `flask --app wsgi scheduler` (BlockingScheduler) that emits
through CRISIS_MESSAGE_QUEUE. Either way, at most one scheduler runs per
database: it holds a lock for its lifetime (a file lock beside the SQLite
file, or a PostgreSQL advisory lock) and refuses to start without it.

Jobs live in the `apscheduler_jobs` table, so reminders and exercise
injects survive a restart. Whenever a scheduler starts, it runs the
domains' start-up jobs (`registry.of(app).startup_jobs`, registered in each
domain's init_app): each re-creates jobs lost in downtime and fires what
came due meanwhile, once. Jobs are scheduled with plain ids as arguments
and call `run_job`, which gives each an app context; every job function
must be idempotent (the service checks what was already done).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from crisis import aftercommit, registry

log = logging.getLogger("krisrum.scheduler")

_app: Flask | None = None
_scheduler: BaseScheduler | None = None
_lock: Any = None
_store_only: BaseScheduler | None = None  # during the startup recovery

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


# How often a scheduler process re-reads the job store that web processes
# write to (CRISIS_SCHEDULER=off deployments): the most a job added by a web
# process for "now" can be late. The in-process scheduler is woken at once.
POLL_SECONDS = 1

# Job id prefix -> what it is, for the startup log.
JOB_KINDS: list[tuple[str, str]] = [
    ("inject:", "exercise injects"),
    ("exercise-start:", "exercise starts"),
    ("task-due:", "task reminders"),
    ("report-due:", "report reminders"),
    ("reminder:", "playbook reminders"),
    ("deviation-followup:", "deviation follow-ups"),
]


class SchedulerLockError(RuntimeError):
    pass


def build(app: Flask, *, blocking: bool = False) -> BaseScheduler:
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        from crisis.db import configure_sqlite

        configure_sqlite(engine)
    store = SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")
    cls = BlockingScheduler if blocking else BackgroundScheduler
    return cls(jobstores={"default": store}, job_defaults=JOB_DEFAULTS, timezone="Europe/Stockholm")


def _take_lock(app: Flask) -> Any:
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = url.database + ".scheduler.lock"
        fh = open(path, "w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise SchedulerLockError(f"another scheduler holds {path}") from None
        fh.write(str(os.getpid()))
        fh.flush()
        return fh
    if url.get_backend_name() == "postgresql":
        # A connection of its own (no pool): the session-level advisory lock is
        # released when it closes, i.e. when this process stops or shuts down.
        engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
        conn = engine.connect()
        if not conn.execute(sa.text("SELECT pg_try_advisory_lock(1463001)")).scalar():
            conn.close()
            raise SchedulerLockError("another scheduler holds the PostgreSQL advisory lock")
        conn.commit()
        return conn
    return None


def start_background(app: Flask) -> BaseScheduler:
    """Start the in-process scheduler (idempotent within a process)."""
    global _app, _scheduler, _lock
    if _scheduler is not None:
        return _scheduler
    _lock = _take_lock(app)
    _app = app
    try:
        _recover(app)
        _scheduler = build(app)
        _scheduler.start()
    except BaseException:
        shutdown()
        raise
    log.info("scheduler running in process %s", os.getpid())
    return _scheduler


def run_blocking(app: Flask) -> None:
    """The one scheduler process (`flask --app wsgi scheduler`); returns when it is stopped."""
    global _app, _scheduler, _lock
    _ensure_logging()
    _lock = _take_lock(app)
    _app = app
    _recover(app)
    _scheduler = build(app, blocking=True)
    _scheduler.add_job(
        "crisis.scheduler.runner:_wakeup", "interval", seconds=POLL_SECONDS, id="krisrum:wakeup", replace_existing=True
    )
    log.info("scheduler process %s running (re-reads the job store every %s s)", os.getpid(), POLL_SECONDS)
    _scheduler.start()


def _ensure_logging() -> None:
    """The startup and job logs must reach the operator even when nothing configured logging."""
    root = logging.getLogger()
    krisrum = logging.getLogger("krisrum")
    if not root.handlers and not krisrum.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        krisrum.addHandler(handler)
    if krisrum.getEffectiveLevel() > logging.INFO:
        krisrum.setLevel(logging.INFO)


def summarise(jobs: list[Any], now: datetime | None = None) -> str:
    """'exercise injects: 8 (8 overdue, the oldest by 12 s), task reminders: 1 (none overdue)' for the log."""
    now = now or datetime.now(UTC)
    groups: dict[str, list[datetime | None]] = {}
    for job in jobs:
        if job.id.startswith("krisrum:"):
            continue
        kind = next((label for prefix, label in JOB_KINDS if job.id.startswith(prefix)), "other jobs")
        groups.setdefault(kind, []).append(job.next_run_time)
    if not groups:
        return "no jobs"
    parts = []
    for kind in [label for _p, label in JOB_KINDS] + ["other jobs"]:
        times = groups.get(kind)
        if not times:
            continue
        overdue = [(now - t).total_seconds() for t in times if t is not None and t <= now]
        late = f"{len(overdue)} overdue, the oldest by {max(overdue):.0f} s" if overdue else "none overdue"
        parts.append(f"{kind}: {len(times)} ({late})")
    return ", ".join(parts)


def _recover(app: Flask) -> None:
    """Log what the job store holds, then run the startup hooks against it (before any job runs)."""
    global _store_only
    _ensure_logging()
    started = time.monotonic()
    with app.app_context():
        sched = _store_only_scheduler(app)
        _store_only = sched
        try:
            log.info("scheduler starting in process %s; job store holds %s", os.getpid(), summarise(sched.get_jobs()))
            results = []
            for hook in registry.of(app).startup_jobs:
                try:
                    outcome = _call(hook)
                except Exception:
                    log.exception("startup recovery %s failed; the scheduler starts anyway", hook)
                    outcome = "failed"
                results.append(_describe(hook, outcome))
            log.info(
                "startup recovery done in %.2f s (%s); due now: %s",
                time.monotonic() - started,
                "; ".join(results),
                summarise(sched.get_jobs()),
            )
        finally:
            _store_only = None
            sched.shutdown(wait=False)
            _dispose(sched)
            from crisis.extensions import db

            db.session.remove()


def _describe(hook: str, outcome: Any) -> str:
    if outcome == "failed":
        return f"{hook} FAILED"
    if hook == "crisis.tasks.jobs:recover" and isinstance(outcome, tuple):
        return f"task reminders: {outcome[0]} missed fired, {outcome[1]} lost job(s) re-created"
    if hook == "crisis.exercises.jobs:recover":
        return f"exercises: {outcome} job(s) of open exercises re-scheduled"
    if hook == "crisis.reports.jobs:recover":
        return f"report reminders: {outcome} lost job(s) re-created"
    if hook == "crisis.playbooks.jobs:recover":
        return "playbook reminders and follow-ups checked"
    return f"{hook}: {outcome!r}"


def _call(func_path: str, *args: Any) -> Any:
    module_name, func_name = func_path.split(":")
    return getattr(importlib.import_module(module_name), func_name)(*args)


def shutdown() -> None:
    global _scheduler, _lock, _app
    if _scheduler is not None:
        _scheduler.shutdown(wait=False)
        _dispose(_scheduler)
    if _lock is not None:
        _lock.close()
    _scheduler = _lock = _app = None


def run_job(func_path: str, *args: Any) -> None:
    """The entry point of every job: an app context, then the service function."""
    if _app is None:
        raise RuntimeError("scheduler job ran without an app")
    module_name, func_name = func_path.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    with _app.app_context():
        try:
            func(*args)
        except Exception:
            log.exception("job %s%r failed", func_path, args)
            raise
        finally:
            from crisis.extensions import db

            db.session.remove()


def schedule_once(*, job_id: str, run_at: datetime, func_path: str, args: tuple[Any, ...] = ()) -> None:
    """Add or replace a one-off job, in the running scheduler or straight in the job store.

    Web processes with CRISIS_SCHEDULER=off still schedule: they write to the
    shared job store, which the scheduler process picks up on its next wakeup.
    """
    with _job_store() as sched:
        sched.add_job(
            "crisis.scheduler.runner:run_job",
            "date",
            run_date=run_at,
            id=job_id,
            args=(func_path, *args),
            replace_existing=True,
            misfire_grace_time=None,
        )


def schedule_once_after_commit(*, job_id: str, run_at: datetime, func_path: str, args: tuple[Any, ...] = ()) -> None:
    """`schedule_once` once the current transaction commits (nothing on rollback).

    The job store writes through its own connection, which on SQLite would
    wait for the write lock the caller's transaction holds.
    """
    aftercommit.after_commit(_schedule_once_args, job_id, run_at, func_path, tuple(args))


def remove_after_commit(job_id: str) -> None:
    """`remove` once the current transaction commits (nothing on rollback)."""
    aftercommit.after_commit(remove, job_id)


def _schedule_once_args(job_id: str, run_at: datetime, func_path: str, args: tuple[Any, ...]) -> None:
    schedule_once(job_id=job_id, run_at=run_at, func_path=func_path, args=args)


def schedule_interval(
    *, job_id: str, minutes: float, first_at: datetime, func_path: str, args: tuple[Any, ...] = ()
) -> None:
    """Add or replace a recurring job (reminders); coalesced after downtime."""
    with _job_store() as sched:
        sched.add_job(
            "crisis.scheduler.runner:run_job",
            "interval",
            minutes=minutes,
            start_date=first_at,
            id=job_id,
            args=(func_path, *args),
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=None,
        )


def remove(job_id: str) -> None:
    with _job_store() as sched:
        if sched.get_job(job_id) is not None:
            sched.remove_job(job_id)


def job_ids(prefix: str = "") -> list[str]:
    with _job_store() as sched:
        return [j.id for j in sched.get_jobs() if j.id.startswith(prefix)]


@contextlib.contextmanager
def _job_store() -> Iterator[BaseScheduler]:
    """The running scheduler, the store-only one of the startup recovery, or (web process with
    CRISIS_SCHEDULER=off) a paused one that writes straight to the shared job store and is shut down after."""
    if _scheduler is not None:
        yield _scheduler
        return
    if _store_only is not None:
        yield _store_only
        return
    from flask import current_app

    sched = _store_only_scheduler(current_app)
    try:
        yield sched
    finally:
        sched.shutdown(wait=False)
        _dispose(sched)


def _store_only_scheduler(app: Flask) -> BaseScheduler:
    sched = build(app)
    # Store only, never run a job here: on shutdown a paused scheduler's thread
    # can wake up in state STOPPED and process due jobs once (APScheduler 3.x).
    sched._process_jobs = lambda: None  # type: ignore[method-assign]
    sched.start(paused=True)
    return sched


def _dispose(sched: BaseScheduler) -> None:
    """Close the job store's connections (each store-only scheduler has its own engine)."""
    store = sched._lookup_jobstore("default")
    engine = getattr(store, "engine", None)
    if engine is not None:
        engine.dispose()


def _wakeup() -> None:
    """No-op: makes a scheduler process re-read the job store that web processes write to."""
