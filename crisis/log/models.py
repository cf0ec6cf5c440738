from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.enums import Classification, LogKind
from crisis.extensions import db
from crisis.incidents.models import str_enum


class LogEntry(db.Model):
    """One dagbok entry. Never updated or deleted (a database trigger enforces it)."""

    __tablename__ = "log_entries"
    __table_args__ = (
        sa.UniqueConstraint("incident_id", "number"),
        # The timeline reads by time (keyset on occurred_at, number); exports
        # look up the corrections of each chunk of entries.
        sa.Index("ix_log_entries_incident_occurred", "incident_id", "occurred_at", "number"),
        sa.Index("ix_log_entries_incident_corrects", "incident_id", "corrects"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"))
    number: Mapped[int]
    kind: Mapped[LogKind] = mapped_column(str_enum(LogKind))
    text: Mapped[str] = mapped_column(sa.Text)
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Snapshots: the record says who wrote it as who, even if users change later.
    author: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str | None] = mapped_column(sa.String(64))
    position_label: Mapped[str | None] = mapped_column(sa.String(200))
    counterpart: Mapped[str | None] = mapped_column(sa.String(200))
    classification: Mapped[Classification] = mapped_column(str_enum(Classification))
    osl_ground: Mapped[str | None] = mapped_column(sa.String(200))
    # KLASSA confidentiality level K0-K3 (crisis.log.classify); null on entries written before it was recorded.
    confidentiality: Mapped[str | None] = mapped_column(sa.String(2))
    # "paper": transcribed afterwards from the paper log kept during an outage
    # (occurred_at is then the time written on paper); null when written directly.
    source: Mapped[str | None] = mapped_column(sa.String(10))
    corrects: Mapped[int | None]  # the number of the entry this one corrects
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    mandate: Mapped[str | None] = mapped_column(sa.String(300))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


# INSERT OR REPLACE deletes the conflicting row without firing DELETE triggers
# (unless recursive_triggers is on, which is per connection): refuse any
# insert that would collide with an existing entry, before SQLite resolves it.
SQLITE_NO_REPLACE = [
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_replace BEFORE INSERT ON log_entries "
    "WHEN EXISTS (SELECT 1 FROM log_entries WHERE id = NEW.id "
    "OR (incident_id = NEW.incident_id AND number = NEW.number)) "
    "BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END",
]

# Append-only at the database level: any UPDATE or DELETE of a log row fails,
# whatever code (or person with a SQL prompt) tries it. Installed for
# create_all() here and by the migration for migrated databases.
SQLITE_GUARD = [
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_update BEFORE UPDATE ON log_entries "
    "BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_delete BEFORE DELETE ON log_entries "
    "BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END",
    *SQLITE_NO_REPLACE,
]
PG_GUARD = [
    "CREATE OR REPLACE FUNCTION log_entries_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'log entries are append-only'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS log_entries_no_change ON log_entries",
    "CREATE TRIGGER log_entries_no_change BEFORE UPDATE OR DELETE ON log_entries "
    "FOR EACH ROW EXECUTE FUNCTION log_entries_append_only()",
]


def guard_statements(dialect_name: str) -> list[str]:
    return {"sqlite": SQLITE_GUARD, "postgresql": PG_GUARD}.get(dialect_name, [])


@sa.event.listens_for(LogEntry.__table__, "after_create")
def _install_guard(target: sa.Table, connection: sa.Connection, **_: object) -> None:
    for stmt in guard_statements(connection.dialect.name):
        connection.exec_driver_sql(stmt)


class ConfidentialRead(db.Model):
    """Who read a confidential entry, and when (the read audit, crisis.log.reads).

    One row per viewer, entry and day (Europe/Stockholm): the first read of
    the day is kept, later reads that day add nothing. Number 0 stands
    for a whole-log export that included confidential content.
    """

    __tablename__ = "confidential_reads"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "incident_id", "number", "day"),
        sa.Index("ix_confidential_reads_read_at", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(sa.String(200))
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"))
    number: Mapped[int]
    day: Mapped[str] = mapped_column(sa.String(10))
    read_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(sa.String(20))


class LogCheckpoint(db.Model):
    """A signed chain head (crisis.log.signing): entry `number` of the incident had hash `hash` at `signed_at`.

    The signature is made with a key that is not in the database, so whoever can
    write the database cannot make new ones; `verify-log` checks the chain against
    every checkpoint. Copies go to an append-only file, into approved reports and
    into archive manifests, so deleting rows here does not hide a rewrite either.
    """

    __tablename__ = "log_checkpoints"
    __table_args__ = (sa.Index("ix_log_checkpoints_incident_number", "incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"))
    number: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))
    signed_at: Mapped[str] = mapped_column(sa.String(40))  # exactly the signed ISO text
    source: Mapped[str] = mapped_column(sa.String(20))  # periodic, close, report, archive
    key_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(100))

    def signed(self) -> dict[str, object]:
        return {
            "incident": self.incident_id,
            "number": self.number,
            "hash": self.hash,
            "at": self.signed_at,
            "key": self.key_fingerprint,
            "signature": self.signature,
        }


# Checkpoints are append-only too (the file copy and the signatures are what hold
# against the database's owner; this keeps application code and casual SQL honest).
CHECKPOINT_SQLITE_GUARD = [
    "CREATE TRIGGER IF NOT EXISTS log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints "
    "BEGIN SELECT RAISE(ABORT, 'log checkpoints are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints "
    "BEGIN SELECT RAISE(ABORT, 'log checkpoints are append-only'); END",
]
CHECKPOINT_PG_GUARD = [
    "CREATE OR REPLACE FUNCTION log_checkpoints_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'log checkpoints are append-only'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS log_checkpoints_no_change ON log_checkpoints",
    "CREATE TRIGGER log_checkpoints_no_change BEFORE UPDATE OR DELETE ON log_checkpoints "
    "FOR EACH ROW EXECUTE FUNCTION log_checkpoints_append_only()",
]


def checkpoint_guard_statements(dialect_name: str) -> list[str]:
    return {"sqlite": CHECKPOINT_SQLITE_GUARD, "postgresql": CHECKPOINT_PG_GUARD}.get(dialect_name, [])


@sa.event.listens_for(LogCheckpoint.__table__, "after_create")
def _install_checkpoint_guard(target: sa.Table, connection: sa.Connection, **_: object) -> None:
    for stmt in checkpoint_guard_statements(connection.dialect.name):
        connection.exec_driver_sql(stmt)
