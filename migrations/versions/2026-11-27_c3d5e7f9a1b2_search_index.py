"""search_docs: the Swedish full-text index (SQLite FTS5 / PostgreSQL GIN), backfilled

Revision ID: c3d5e7f9a1b2
Revises: c3a9e5d2f1b4
Create Date: 2026-11-27 19:30:00

"""

import sqlalchemy as sa
from alembic import op

from crisis.db import UTCDateTime
from crisis.search.models import ddl_statements
from crisis.search.text import terms

# revision identifiers, used by Alembic.
revision = "c3d5e7f9a1b2"
down_revision = "c3a9e5d2f1b4"
branch_labels = None
depends_on = None

NARRATIVE = ("handelse", "konsekvenser", "vidtagna_atgarder", "beslut", "behov", "prognos", "kommunikation")
BATCH = 1000


def upgrade():
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("osl_ground", sa.String(length=200), nullable=True),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_docs_kind_ref"),
    )
    op.create_index("ix_search_docs_incident_kind", "search_docs", ["incident_id", "kind"])
    bind = op.get_bind()
    for stmt in ddl_statements(bind.dialect.name):
        op.execute(stmt)
    _backfill(bind)


def _backfill(bind):
    """Index what exists: log entries, tasks, issued reports (as the services do)."""
    sqlite = bind.dialect.name == "sqlite"
    docs = sa.table(
        "search_docs",
        *(sa.column(c) for c in ("incident_id", "kind", "ref_id", "number", "title", "text", "terms")),
        *(sa.column(c) for c in ("classification", "osl_ground")),
        sa.column("occurred_at", UTCDateTime(timezone=True)),
    )

    def add(rows):
        if rows:
            bind.execute(docs.insert(), rows)

    log_sql = sa.text(
        "SELECT id, incident_id, number, text, counterpart, author, decided_by, mandate, classification, "
        "osl_ground, occurred_at FROM log_entries WHERE id > :last ORDER BY id LIMIT :n"
    ).columns(occurred_at=UTCDateTime(timezone=True))
    last = 0
    while True:
        rows = bind.execute(log_sql, {"last": last, "n": BATCH}).mappings().all()
        if not rows:
            break
        add(
            [
                dict(
                    incident_id=r["incident_id"],
                    kind="log",
                    ref_id=r["id"],
                    number=r["number"],
                    title="",
                    text=r["text"],
                    terms=terms(
                        "\n".join(
                            v or ""
                            for v in ("", r["text"], r["counterpart"], r["author"], r["decided_by"], r["mandate"])
                        )
                    ),
                    classification=str(r["classification"]).lower(),
                    osl_ground=r["osl_ground"],
                    occurred_at=r["occurred_at"],
                )
                for r in rows
            ]
        )
        last = rows[-1]["id"]
    tasks = bind.execute(
        sa.text("SELECT id, incident_id, title, description, created_at FROM tasks").columns(
            created_at=UTCDateTime(timezone=True)
        )
    ).mappings()
    add(
        [
            dict(
                incident_id=r["incident_id"],
                kind="task",
                ref_id=r["id"],
                number=r["id"],
                title=r["title"],
                text=r["description"] or r["title"],
                terms=terms(f"{r['title']}\n{r['description'] or r['title']}\n"),
                classification="internal",
                osl_ground=None,
                occurred_at=r["created_at"],
            )
            for r in tasks
        ]
    )
    reports = bind.execute(
        sa.text(
            f"SELECT id, incident_id, number, approved_at, {', '.join(NARRATIVE)} FROM reports "
            "WHERE approved_at IS NOT NULL"
        ).columns(approved_at=UTCDateTime(timezone=True))
    ).mappings()
    rows = []
    for r in reports:
        text = "\n".join(r[f] for f in NARRATIVE if r[f])
        title = f"Lägesrapport {r['number']}"
        rows.append(
            dict(
                incident_id=r["incident_id"],
                kind="report",
                ref_id=r["id"],
                number=r["number"],
                title=title,
                text=text,
                terms=terms(f"{title}\n{text}\n"),
                classification="internal",
                osl_ground=None,
                occurred_at=r["approved_at"],
            )
        )
    add(rows)
    if sqlite:
        op.execute("INSERT INTO search_fts (rowid, terms) SELECT id, terms FROM search_docs")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_docs_incident_kind", table_name="search_docs")
    op.drop_table("search_docs")
