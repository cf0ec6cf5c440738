"""search: decisions indexed as objects, FTS5 scope tokens, time indexes, GIN fastupdate off

Revision ID: d8f1a3b5c7e9
Revises: a7c2e4f61b90
Create Date: 2026-11-27 22:40:00

- search_docs gets btree indexes on (incident_id, occurred_at) and
  (occurred_at): the newest matches are read first (crisis.search.service);
- PostgreSQL: the GIN index on tsv without a pending list (fastupdate off);
- SQLite: search_fts gets a second column `scope` (incident, kind and
  classification tokens) and is rebuilt from search_docs;
- every decision is indexed as kind "decision" (B-n, title, text, reasoning).
"""

import sqlalchemy as sa
from alembic import op

from crisis.db import UTCDateTime
from crisis.search.text import terms

# revision identifiers, used by Alembic.
revision = "d8f1a3b5c7e9"
down_revision = "a7c2e4f61b90"
branch_labels = None
depends_on = None

FTS_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"
SQLITE_FILL = (
    "INSERT INTO search_fts (rowid, terms, scope) SELECT id, terms, "
    "'i' || incident_id || ' k' || replace(kind, '_', '') || ' c' || classification FROM search_docs"
)


def upgrade():
    op.create_index("ix_search_docs_incident_time", "search_docs", ["incident_id", "occurred_at"])
    op.create_index("ix_search_docs_time", "search_docs", ["occurred_at"])
    bind = op.get_bind()
    _index_decisions(bind)
    if bind.dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_search_docs_tsv SET (fastupdate = off)")
    elif bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5(terms, scope, {FTS_TOKENIZE})")
        op.execute(SQLITE_FILL)


def _index_decisions(bind):
    docs = sa.table(
        "search_docs",
        *(sa.column(c) for c in ("incident_id", "kind", "ref_id", "number", "title", "text", "terms")),
        *(sa.column(c) for c in ("classification", "osl_ground")),
        sa.column("occurred_at", UTCDateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.text(
            "SELECT id, incident_id, number, title, text, reason, decided_by, mandate, executed_by, created_at "
            "FROM decisions WHERE id NOT IN (SELECT ref_id FROM search_docs WHERE kind = 'decision')"
        ).columns(created_at=UTCDateTime(timezone=True))
    ).mappings()
    out = []
    for r in rows:
        text = f"{r['text']}\n{r['reason']}"
        extra = " ".join(v for v in (f"B-{r['number']}", r["decided_by"], r["mandate"], r["executed_by"] or "") if v)
        out.append(
            dict(
                incident_id=r["incident_id"],
                kind="decision",
                ref_id=r["id"],
                number=r["number"],
                title=(r["title"] or "")[:300],
                text=text,
                terms=terms(f"{r['title']}\n{text}\n{extra}"),
                classification="internal",
                osl_ground=None,
                occurred_at=r["created_at"],
            )
        )
    if out:
        bind.execute(docs.insert(), out)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DELETE FROM search_docs WHERE kind = 'decision'")
    if bind.dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5(terms, {FTS_TOKENIZE})")
        op.execute("INSERT INTO search_fts (rowid, terms) SELECT id, terms FROM search_docs")
    elif bind.dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_search_docs_tsv SET (fastupdate = on)")
    op.drop_index("ix_search_docs_time", table_name="search_docs")
    op.drop_index("ix_search_docs_incident_time", table_name="search_docs")
