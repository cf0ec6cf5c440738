"""Building and running the one scheduler.

Embedded default: a BackgroundScheduler inside the single web process
(CRISIS_SCHEDULER=on). Scaled: N web processes with CRISIS_SCHEDULER=off and
exactly one `flask --app wsgi scheduler` (BlockingScheduler) that emits
through CRISIS_MESSAGE_QUEUE. Either way, at most one scheduler runs per
database: it holds a lock for its lifetime (a file lock beside the SQLite
file, or a PostgreSQL advisory lock) and refuses to start without it.

Jobs live in the `apscheduler_jobs` table, so reminders and exercise
injects survive a restart. Jobs are scheduled with plain ids as arguments
and call `run_job`, which gives each an app context; every job function
must be idempotent (the service checks what was already done).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import logging
import os
from datetime import datetime
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from crisis import aftercommit

log = logging.getLogger("krisrum.scheduler")

_app: Optional[Flask] = None
_scheduler: Optional[BaseScheduler] = None
_lock: Any = None

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


# "module:function"s run once (in an app context) whenever a scheduler starts,
# to re-schedule work whose job was lost; each must be idempotent.
# Run whenever a scheduler starts (after downtime): each re-creates lost jobs
# and fires what came due meanwhile, once (the job functions are idempotent).
STARTUP_HOOKS: list[str] = [
    "crisis.tasks.jobs:recover",
    "crisis.playbooks.jobs:recover",
    "crisis.exercises.jobs:recover",
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
    _scheduler = build(app)
    _scheduler.start()
    log.info("scheduler started in process %s", os.getpid())
    for hook in STARTUP_HOOKS:
        try:
            run_job(hook)
        except Exception:  # logged by run_job; the scheduler keeps running
            pass
    return _scheduler


def run_blocking(app: Flask) -> None:
    global _app, _scheduler, _lock
    _lock = _take_lock(app)
    _app = app
    _scheduler = build(app, blocking=True)
    _scheduler.add_job("crisis.scheduler.runner:_wakeup", "interval", seconds=2, id="krisrum:wakeup",
                       replace_existing=True)
    for hook in STARTUP_HOOKS:
        _scheduler.add_job("crisis.scheduler.runner:run_job", "date", args=(hook,), id=f"krisrum:startup:{hook}",
                           replace_existing=True)
    log.info("scheduler process %s starting", os.getpid())
    _scheduler.start()


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
        sched.add_job("crisis.scheduler.runner:run_job", "date", run_date=run_at, id=job_id,
                      args=(func_path, *args), replace_existing=True, misfire_grace_time=None)


def schedule_once_after_commit(*, job_id: str, run_at: datetime, func_path: str,
                               args: tuple[Any, ...] = ()) -> None:
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


def schedule_interval(*, job_id: str, minutes: float, first_at: datetime, func_path: str,
                      args: tuple[Any, ...] = ()) -> None:
    """Add or replace a recurring job (reminders); coalesced after downtime."""
    with _job_store() as sched:
        sched.add_job("crisis.scheduler.runner:run_job", "interval", minutes=minutes, start_date=first_at,
                      id=job_id, args=(func_path, *args), replace_existing=True, coalesce=True,
                      misfire_grace_time=None)


def remove(job_id: str) -> None:
    with _job_store() as sched:
        if sched.get_job(job_id) is not None:
            sched.remove_job(job_id)


def job_ids(prefix: str = "") -> list[str]:
    with _job_store() as sched:
        return [j.id for j in sched.get_jobs() if j.id.startswith(prefix)]


@contextlib.contextmanager
def _job_store() -> Iterator[BaseScheduler]:
    """The running scheduler, or (web process with CRISIS_SCHEDULER=off) a paused
    one that writes straight to the shared job store and is shut down after."""
    if _scheduler is not None:
        yield _scheduler
        return
    from flask import current_app

    sched = build(current_app)
    # Store only, never run a job here: on shutdown a paused scheduler's thread
    # can wake up in state STOPPED and process due jobs once (APScheduler 3.x).
    sched._process_jobs = lambda: None  # type: ignore[method-assign]
    sched.start(paused=True)
    try:
        yield sched
    finally:
        sched.shutdown(wait=False)
        _dispose(sched)


def _dispose(sched: BaseScheduler) -> None:
    """Close the job store's connections (each store-only scheduler has its own engine)."""
    store = sched._lookup_jobstore("default")
    engine = getattr(store, "engine", None)
    if engine is not None:
        engine.dispose()


def _wakeup() -> None:
    """No-op: makes a scheduler process re-read the job store that web processes write to."""
