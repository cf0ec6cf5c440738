"""Declarative base, portable column types and SQLite connection settings."""

from __future__ import annotations

import contextlib
import contextvars
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC and always returns an aware UTC datetime.

    SQLite keeps no offset, so a plain DateTime(timezone=True) comes back
    naive there and aware on PostgreSQL; this makes both behave the same.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={datetime: UTCDateTime()}
    )


_history_clock: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("krisrum_history_clock", default=None)


def utcnow() -> datetime:
    """Now (UTC); inside `history_clock(at)` the time given there instead."""
    fixed = _history_clock.get()
    return fixed if fixed is not None else datetime.now(UTC)


@contextlib.contextmanager
def history_clock(at: datetime) -> Iterator[None]:
    """Only for `seed-demo`'s year of history: everything written inside the block (through the
    ordinary services, so the log's hash chain is real) is stamped `at`, an aware time in the past."""
    if at.tzinfo is None:
        raise ValueError("history_clock needs an aware time")
    token = _history_clock.set(at.astimezone(UTC))
    try:
        yield
    finally:
        _history_clock.reset(token)


# --- SQLite: WAL, foreign keys, and write transactions that lock up front ---

T = TypeVar("T")

_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("krisrum_immediate", default=False)


def in_write_transaction() -> bool:
    """True inside `write_transaction` (or `immediate_writes`): the next BEGIN is a write."""
    return _immediate.get()


@contextlib.contextmanager
def immediate_writes() -> Iterator[None]:
    """Begin every transaction in this block as a write (SQLite: BEGIN IMMEDIATE), for code
    that works on a raw connection instead of the session (e.g. restore)."""
    token = _immediate.set(True)
    try:
        yield
    finally:
        _immediate.reset(token)


# --- One SQLite writer at a time inside this process, waiting cooperatively ---
#
# Under gevent every request and socket is a greenlet on one OS thread.
# SQLite's busy handler sleeps in C: if greenlet A holds the database write
# lock and yields (any network I/O), and greenlet B starts to write, B blocks
# the whole process in that sleep, A never gets to commit, and everything
# stops until the busy timeout. So before a connection takes SQLite's write
# lock it takes this process lock, whose wait yields to other greenlets. It
# is created on first use, i.e. after gevent's monkey-patching, so it is
# gevent's lock in the server and a plain thread lock in tests and the CLI
# (where it only mirrors what SQLite's own lock already serialises).
# Reentrant, because one greenlet may hold it through two connections.

_WRITE_LOCK_KEY = "krisrum_write_lock"
_WRITE_LOCK_WAIT = 30.0  # seconds; as long as SQLite's busy_timeout
_WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_write_lock: Any = None
_write_lock_guard = threading.Lock()


def process_write_lock() -> Any:
    global _write_lock
    if _write_lock is None:
        with _write_lock_guard:
            if _write_lock is None:
                _write_lock = threading.RLock()
    return _write_lock


def _hold_write_lock(info: dict[str, Any]) -> None:
    if info.get(_WRITE_LOCK_KEY):
        return
    if not process_write_lock().acquire(timeout=_WRITE_LOCK_WAIT):
        raise sa.exc.OperationalError(
            "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked (waited for the write lock)")
        )
    info[_WRITE_LOCK_KEY] = True


def _release_write_lock(info: dict[str, Any]) -> None:
    # Released just before SQLAlchemy sends COMMIT/ROLLBACK: a gevent release
    # does not switch greenlets, so the COMMIT (a C call) completes first.
    if info.pop(_WRITE_LOCK_KEY, False):
        try:
            process_write_lock().release()
        except RuntimeError:  # released by a greenlet/thread that does not own it
            pass


def configure_sqlite(engine: Engine) -> None:
    """Per-connection pragmas and explicit BEGIN handling for SQLite.

    pysqlite's own transaction handling begins lazily, so a transaction that
    first reads and then writes can fail with "database is locked" when
    another writer got in between (busy_timeout cannot help a lock upgrade).
    We take over BEGIN, and `write_transaction()` makes it BEGIN IMMEDIATE:
    the write lock is taken first and concurrent writers simply queue.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if _immediate.get():
            _hold_write_lock(conn.info)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _on_execute(conn: sa.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        # A write inside a deferred transaction (e.g. the scheduler's job
        # store) takes SQLite's write lock here: take the process lock first.
        if not conn.info.get(_WRITE_LOCK_KEY) and statement.lstrip()[:8].upper().startswith(_WRITE_PREFIXES):
            _hold_write_lock(conn.info)

    @sa.event.listens_for(engine, "commit")
    def _on_commit(conn: sa.Connection) -> None:
        _release_write_lock(conn.info)

    @sa.event.listens_for(engine, "rollback")
    def _on_rollback(conn: sa.Connection) -> None:
        _release_write_lock(conn.info)

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        _release_write_lock(record.info)


def lock_row(session: Any, model: type[T], row_id: int) -> T | None:
    """Load a row for writing (fresh from the database), holding its lock until commit.

    On PostgreSQL this is SELECT ... FOR UPDATE; on SQLite the enclosing
    `write_transaction` already holds the database write lock.
    """
    stmt = sa.select(model).where(model.id == row_id).execution_options(populate_existing=True)  # type: ignore[attr-defined]
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


@contextlib.contextmanager
def write_transaction(session: Any) -> Iterator[None]:
    """Run the block as one write transaction that holds the write lock from its start.

    Ends any read-only transaction the request already opened (e.g. loading
    the current user) so the next BEGIN is immediate on SQLite; on PostgreSQL
    row locks (SELECT ... FOR UPDATE) inside the block do the serialising.
    Commits on success, rolls back on any exception.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("write_transaction() entered with unflushed changes")
        session.commit()
    token = _immediate.set(True)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _immediate.reset(token)
