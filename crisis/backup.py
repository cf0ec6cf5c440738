"""Backup and restore: one portable, streamed file for SQLite and PostgreSQL.

A backup is gzip-compressed JSON lines, written by the app itself:

    {"format": "krisrum-backup", "version": 1, "revision": ..., "dialect": ..., "created_at": ...}
    {"table": "users", "columns": ["id", "username", ...]}
    [1, "admin", ...]                       one line per row, in primary-key order
    ...
    {"end": true, "counts": {"users": 7, ...}, "sha256": "<of every line above>"}

Why not pg_dump: the same file and the same command work on both databases
(so an embedded SQLite installation can move to PostgreSQL with
`backup` + `restore`), the app host needs no PostgreSQL client binaries of
the right version, and `restore` checks what it restored (row counts and the
hash chain of every incident's log). pg_dump / pg_basebackup remain fine for
a DBA's own routine; this is the one the app documents and tests.

Consistency: every table is read inside one read transaction (SQLite WAL
snapshot; PostgreSQL REPEATABLE READ, read only), so writers keep running and
the file is one point in time. The file is written under a temporary name and
renamed only when complete, so a failed backup leaves nothing behind.

Restore: only into an empty database (no rows in any table). The whole file
is checked first (format, schema revision, checksum, counts) before anything
is written; the schema is created by the migrations if the database has none;
the rows go in, in dependency order, in ONE transaction (all or nothing);
PostgreSQL sequences are moved past the restored ids. The log's append-only
triggers are part of the schema and stay active (rows are only inserted).
"""

from __future__ import annotations

import base64
import enum
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

FORMAT = "krisrum-backup"
VERSION = 1
JOBSTORE_TABLE = "apscheduler_jobs"
BATCH = 1000


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why (for the operator)."""


@dataclass
class BackupInfo:
    revision: str
    dialect: str
    created_at: str
    counts: dict[str, int] = field(default_factory=dict)


# --- tables -------------------------------------------------------------------------


def _model_tables() -> list[sa.Table]:
    import crisis.models  # noqa: F401  (register every table)
    from crisis.db import Base

    return list(Base.metadata.sorted_tables)


def _jobstore_table() -> sa.Table:
    """APScheduler's job table (pending reminders and injects), as APScheduler defines it."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    return SQLAlchemyJobStore(url="sqlite://", tablename=JOBSTORE_TABLE).jobs_t


def _tables_in(conn: sa.Connection) -> list[sa.Table]:
    tables = _model_tables()
    if sa.inspect(conn).has_table(JOBSTORE_TABLE):
        tables.append(_jobstore_table())
    return tables


# --- value encoding (by column type, so the file is the same for both databases) ------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    t = column.type
    if isinstance(t, sa.types.TypeDecorator):
        t = t.impl if isinstance(t.impl, sa.types.TypeEngine) else t.impl_instance
    if isinstance(t, sa.Enum) and t.enum_class is not None:
        cls = t.enum_class
        return lambda v: None if v is None else cls(v)
    if isinstance(t, sa.DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(t, sa.Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(t, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


# --- schema revision ---------------------------------------------------------------------


def _revision_of(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    revs = [r for (r,) in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]
    return ",".join(sorted(revs)) if revs else None


def head_revision(migrations_dir: str) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", migrations_dir)
    return ",".join(sorted(ScriptDirectory.from_config(cfg).get_heads()))


# --- backup ----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def line(self, obj: Any, *, hashed: bool = True) -> None:
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        if hashed:
            self.digest.update(data)
        self.fh.write(data)


def _snapshot(engine: Engine) -> sa.Connection:
    """A connection whose transaction sees one point in time while writers go on."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    else:
        conn.begin()  # SQLite WAL: the first read fixes the snapshot for the whole transaction
    return conn


def backup(engine: Engine, file: str | os.PathLike[str], *, migrations_dir: str | None = None) -> BackupInfo:
    """Write a consistent backup of the whole database to `file` (which must not exist).

    With `migrations_dir`, the database must be at this Krisrum's schema revision (its tables are
    read as this version's models describe them)."""
    target = Path(file)
    if target.exists():
        raise BackupError(f"{target} exists; refusing to overwrite it")
    if not target.parent.is_dir():
        raise BackupError(f"no directory {target.parent}")
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise BackupError(f"backup does not support {engine.dialect.name}")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        conn = _snapshot(engine)
        try:
            revision = _revision_of(conn)
            if revision is None:
                raise BackupError("the database has no schema (run `flask --app wsgi init-db` first)")
            if migrations_dir is not None and revision != head_revision(migrations_dir):
                raise BackupError(
                    f"the database is at schema revision {revision}, this Krisrum expects "
                    f"{head_revision(migrations_dir)}: run `flask --app wsgi init-db` first"
                )
            info = BackupInfo(
                revision=revision,
                dialect=engine.dialect.name,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as gz:
                w = _Writer(gz)
                w.line(
                    {
                        "format": FORMAT,
                        "version": VERSION,
                        "revision": info.revision,
                        "dialect": info.dialect,
                        "created_at": info.created_at,
                    }
                )
                for table in _tables_in(conn):
                    cols = [c.name for c in table.columns]
                    w.line({"table": table.name, "columns": cols})
                    order = list(table.primary_key.columns) or list(table.columns)
                    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
                        sa.select(*table.columns).order_by(*order)
                    )
                    n = 0
                    for row in result:
                        w.line([_encode(v) for v in row])
                        n += 1
                    info.counts[table.name] = n
                w.line({"end": True, "counts": info.counts, "sha256": w.digest.hexdigest()}, hashed=False)
                gz.flush()
                raw.flush()
                os.fsync(raw.fileno())
        finally:
            conn.rollback()
            conn.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return info


# --- reading and checking a backup file ---------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[bytes, Any]]:
    try:
        with gzip.open(path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    yield raw, json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as e:
                    raise BackupError(f"{path}: line {lineno} is not valid JSON ({e})") from None
    except (OSError, EOFError, zlib.error) as e:
        # gzip.BadGzipFile is an OSError; a truncated file ends in EOFError.
        raise BackupError(f"{path} is not a readable Krisrum backup ({e or type(e).__name__})") from None


def _walk(path: Path, on_row: Callable[[str, list[str], list[Any]], None] | None = None) -> BackupInfo:
    """Read the whole file, checking its structure and checksum; call on_row for every row."""
    digest = hashlib.sha256()
    info: BackupInfo | None = None
    table: str | None = None
    columns: list[str] = []
    counts: dict[str, int] = {}
    end: dict[str, Any] | None = None
    for raw, obj in _lines(path):
        if end is not None:
            raise BackupError(f"{path}: data after the end marker")
        if info is None:
            if not (isinstance(obj, dict) and obj.get("format") == FORMAT):
                raise BackupError(f"{path} is not a Krisrum backup (no krisrum-backup header)")
            if obj.get("version") != VERSION:
                raise BackupError(
                    f"{path}: backup format version {obj.get('version')} is not supported "
                    f"(this Krisrum reads version {VERSION})"
                )
            info = BackupInfo(
                revision=str(obj.get("revision")),
                dialect=str(obj.get("dialect")),
                created_at=str(obj.get("created_at")),
            )
            digest.update(raw)
            continue
        if isinstance(obj, list):
            if table is None or len(obj) != len(columns):
                raise BackupError(f"{path}: a row outside a table or with the wrong number of values")
            counts[table] += 1
            if on_row is not None:
                on_row(table, columns, obj)
            digest.update(raw)
        elif isinstance(obj, dict) and "table" in obj:
            table, columns = str(obj["table"]), list(obj.get("columns") or [])
            if table in counts:
                raise BackupError(f"{path}: table {table} appears twice")
            counts[table] = 0
            digest.update(raw)
        elif isinstance(obj, dict) and obj.get("end") is True:
            end = obj
        else:
            raise BackupError(f"{path}: unexpected line {raw[:80]!r}")
    if info is None:
        raise BackupError(f"{path} is empty")
    if end is None:
        raise BackupError(f"{path} is incomplete (no end marker): the backup was cut short")
    if end.get("sha256") != digest.hexdigest():
        raise BackupError(f"{path}: checksum mismatch; the file is damaged")
    if end.get("counts") != counts:
        raise BackupError(f"{path}: row counts do not match its end marker; the file is damaged")
    info.counts = counts
    return info


def check(file: str | os.PathLike[str]) -> BackupInfo:
    """Read and check a backup file completely without writing anything."""
    path = Path(file)
    if not path.is_file():
        raise BackupError(f"no file {path}")
    return _walk(path)


# --- restore -----------------------------------------------------------------------------------


def row_counts(conn: sa.Connection) -> dict[str, int]:
    return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in _tables_in(conn)}


def _non_empty(conn: sa.Connection) -> dict[str, int]:
    return {name: n for name, n in row_counts(conn).items() if n}


def restore(
    engine: Engine, file: str | os.PathLike[str], *, migrations_dir: str, upgrade: Callable[[], None]
) -> BackupInfo:
    """Restore `file` into the empty database behind `engine`.

    `upgrade` creates the schema (the Alembic migrations) when the database
    has none. Raises BackupError, having written no rows, if the file is bad
    or the database is not empty.
    """
    from crisis.db import immediate_writes

    path = Path(file)
    info = check(path)  # the whole file, before anything is touched
    head = head_revision(migrations_dir)
    if info.revision != head:
        raise BackupError(
            f"the backup has schema revision {info.revision}, this Krisrum {head}: restore it "
            "with the Krisrum version that made it, then upgrade (init-db)"
        )
    known = {t.name: t for t in _model_tables()}
    known[JOBSTORE_TABLE] = _jobstore_table()
    unknown = sorted(set(info.counts) - set(known))
    if unknown:
        raise BackupError(f"the backup holds tables this Krisrum does not know: {', '.join(unknown)}")

    with engine.connect() as conn:
        current = _revision_of(conn)
        if current is None:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != JOBSTORE_TABLE]
            if tables:
                raise BackupError(
                    "the database is not empty: it has tables but no Krisrum schema version "
                    f"({', '.join(sorted(tables)[:5])}...)"
                )
        else:
            if current != head:
                raise BackupError(
                    f"the database is at schema revision {current}, not {head}; restore into a new, empty database"
                )
            busy = _non_empty(conn)
            if busy:
                listed = ", ".join(f"{k}: {v}" for k, v in sorted(busy.items()))
                raise BackupError(f"the database is not empty ({listed}); restore only into an empty database")
        conn.rollback()
    if current is None:
        upgrade()

    # SQLite: BEGIN IMMEDIATE, so the emptiness check holds until commit.
    with immediate_writes():
        with engine.connect() as conn:
            with conn.begin():
                if engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                if JOBSTORE_TABLE in info.counts:
                    known[JOBSTORE_TABLE].create(conn, checkfirst=True)
                busy = _non_empty(conn)
                if busy:
                    raise BackupError(
                        "the database stopped being empty while the restore started "
                        f"({', '.join(sorted(busy))}); nothing was restored"
                    )
                _insert_all(conn, path, known)
                if engine.dialect.name == "postgresql":
                    _reset_sequences(conn, [known[name] for name in info.counts])
                got = row_counts(conn)
                wrong = {k: (v, got.get(k)) for k, v in info.counts.items() if got.get(k) != v}
                if wrong:
                    raise BackupError(f"restored row counts differ from the backup: {wrong}; nothing was restored")
    return info


def _insert_all(conn: sa.Connection, path: Path, known: dict[str, sa.Table]) -> None:
    state: dict[str, Any] = {"table": None, "rows": [], "decoders": None, "columns": None}

    def flush() -> None:
        if state["rows"]:
            conn.execute(known[state["table"]].insert(), state["rows"])
            state["rows"] = []

    def on_row(table: str, columns: list[str], values: list[Any]) -> None:
        if table != state["table"]:
            flush()
            t = known[table]
            missing = [c for c in columns if c not in t.c]
            if missing:
                raise BackupError(f"{path}: table {table} has columns this Krisrum does not know: {missing}")
            state.update(table=table, columns=columns, decoders=[_decoder(t.c[c]) for c in columns])
        state["rows"].append({c: dec(v) for c, dec, v in zip(state["columns"], state["decoders"], values, strict=True)})
        if len(state["rows"]) >= BATCH:
            flush()

    try:
        _walk(path, on_row)
        flush()
    except (ValueError, KeyError, TypeError) as e:
        raise BackupError(f"{path}: a value could not be restored ({e}); nothing was restored") from None


def _reset_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    for t in tables:
        pk = list(t.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": pk[0].name}).scalar()
        if seq:
            conn.execute(
                sa.text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{t.name}"), 1), '
                    f'(SELECT MAX("{pk[0].name}") FROM "{t.name}") IS NOT NULL)'
                ),
                {"s": seq},
            )
