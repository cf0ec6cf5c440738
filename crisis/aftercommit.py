"""The one after-commit queue: work that must wait until the transaction commits.

Live broadcasts (incident events, the TiB inbox), scheduler jobs and mail all
go through `after_commit(callback, *args)`: the callback is queued on the
current database session, runs after that session's transaction commits, in
the order queued, and is dropped if the transaction rolls back. Nothing else
in the code base keeps work on the session.

Why after commit: a screen must never see a change that was rolled back (and
every event `seq` it sees must exist for replay); mail must never leave for a
rolled-back change; the scheduler's job store writes through its own
connection, which on SQLite would wait for the write lock our transaction
holds.

A failing callback is logged, never raised: the change it follows is already
committed (and every job re-checks the database when it runs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crisis.extensions import db

_log = logging.getLogger("krisrum.aftercommit")
KEY = "krisrum_after_commit"


def after_commit(callback: Callable[..., Any], *args: Any) -> None:
    """Run `callback(*args)` once the current session's transaction commits (never on rollback)."""
    db.session.info.setdefault(KEY, []).append((callback, args))


def pending() -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
    """What the current session would run at commit (for tests and diagnostics)."""
    return list(db.session.info.get(KEY, ()))


def _run(session: Session) -> None:
    # Popped before running: a callback that itself commits queues afresh.
    for callback, args in session.info.pop(KEY, None) or ():
        try:
            callback(*args)
        except Exception:
            _log.exception("after-commit work %s failed", getattr(callback, "__qualname__", callback))


def _drop(session: Session) -> None:
    session.info.pop(KEY, None)


def install() -> None:
    """Hook the queue onto every ORM session (idempotent)."""
    if not sa.event.contains(Session, "after_commit", _run):
        sa.event.listen(Session, "after_commit", _run)
        sa.event.listen(Session, "after_rollback", _drop)


install()
