"""Work that must wait until the transaction commits: scheduler jobs and mail.

The one mechanism for it; every domain uses `defer` (or the scheduler
helpers `crisis.scheduler.runner.schedule_once_after_commit` /
`remove_after_commit`, built on it).

The scheduler's job store is written through its own database connection
(on SQLite it would wait for the write lock our transaction holds), and mail
must never leave for a change that is rolled back. So services queue such
work on the session with `defer(func, *args)`; it runs after commit, and is
dropped on rollback. A failure is logged, never raised: the change it follows
is already committed (and every job re-checks the database when it runs).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crisis.extensions import db

_log = logging.getLogger("krisrum.aftercommit")
KEY = "krisrum_after_commit"


def defer(func: Callable[..., Any], *args: Any) -> None:
    db.session.info.setdefault(KEY, []).append((func, args))


def _run(session: Session) -> None:
    for func, args in session.info.pop(KEY, None) or ():
        try:
            func(*args)
        except Exception:
            _log.exception("after-commit work %s%r failed", getattr(func, "__name__", func), args)


def _drop(session: Session) -> None:
    session.info.pop(KEY, None)


def install() -> None:
    if not sa.event.contains(Session, "after_commit", _run):
        sa.event.listen(Session, "after_commit", _run)
        sa.event.listen(Session, "after_rollback", _drop)


install()
