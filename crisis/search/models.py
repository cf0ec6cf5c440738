"""The search index: one row per searchable thing (log entry, task, report, …).

Kept in its own table (log rows are append-only, a trigger forbids UPDATE), and
written by `crisis.search.service.index_locked` in the same transaction as the
thing itself. `terms` holds the Swedish stems (`crisis.search.text.terms`);
the database matches on them:

- SQLite: the FTS5 table `search_fts(terms, scope)` (rowid = search_docs.id,
  the unicode61 tokenizer with remove_diacritics 0, so å/ä/ö stay
  themselves). `scope` holds filter tokens (`scope_tokens`: incident, kind,
  classification), so a search within one incident is answered inside the
  index, in rowid order, without reading other incidents' matches;
- PostgreSQL: the column `tsv` = to_tsvector('simple', terms), generated and
  stored, with a GIN index (fastupdate off: no pending list, a write is
  searchable at once and reads stay fast); the filters use the btree indexes
  on (incident_id, occurred_at) and (occurred_at), newest first.

Both are created here for create_all() and by the migration (with a backfill).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.extensions import db


class SearchDoc(db.Model):
    __tablename__ = "search_docs"
    __table_args__ = (
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_docs_kind_ref"),
        sa.Index("ix_search_docs_incident_kind", "incident_id", "kind"),
        sa.Index("ix_search_docs_incident_time", "incident_id", "occurred_at"),
        sa.Index("ix_search_docs_time", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # "log", "task", "report", "decision", …
    ref_id: Mapped[int]  # the id of the row in its own table
    number: Mapped[int | None]  # what users call it: log entry number, task id, report number
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    terms: Mapped[str] = mapped_column(sa.Text, default="")
    classification: Mapped[str] = mapped_column(sa.String(20), default="internal")
    osl_ground: Mapped[str | None] = mapped_column(sa.String(200))
    occurred_at: Mapped[datetime]


SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(terms, scope, "
    "tokenize = 'unicode61 remove_diacritics 0')",
]
PG_DDL = [
    "ALTER TABLE search_docs ADD COLUMN IF NOT EXISTS tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_search_docs_tsv ON search_docs USING gin (tsv) WITH (fastupdate = off)",
]
# The SQLite statement that fills search_fts from search_docs (migrations, repair).
SQLITE_FILL = (
    "INSERT INTO search_fts (rowid, terms, scope) SELECT id, terms, "
    "'i' || incident_id || ' k' || replace(kind, '_', '') || ' c' || classification FROM search_docs"
)


def scope_tokens(incident_id: int, kind: str, classification: str) -> str:
    """The filter tokens of a doc in search_fts.scope (as SQLITE_FILL writes them)."""
    return f"i{incident_id} k{kind.replace('_', '')} c{classification}"


def ddl_statements(dialect_name: str) -> list[str]:
    return {"sqlite": SQLITE_DDL, "postgresql": PG_DDL}.get(dialect_name, [])


@sa.event.listens_for(SearchDoc.__table__, "after_create")
def _install_fts(target: sa.Table, connection: sa.Connection, **_: object) -> None:
    for stmt in ddl_statements(connection.dialect.name):
        connection.exec_driver_sql(stmt)


@sa.event.listens_for(SearchDoc.__table__, "before_drop")
def _drop_fts(target: sa.Table, connection: sa.Connection, **_: object) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_fts")
