"""log: signed checkpoints of the chain head (append-only), and SQLite's INSERT OR REPLACE refused on log entries

Revision ID: c4d7e2a9b135
Revises: 5e6a1c0d7b42
Create Date: 2026-11-27 19:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d7e2a9b135"
down_revision = "5e6a1c0d7b42"
branch_labels = None
depends_on = None

# As in crisis.log.models.SQLITE_NO_REPLACE (a migration must not import the app).
SQLITE_NO_REPLACE = (
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_replace BEFORE INSERT ON log_entries "
    "WHEN EXISTS (SELECT 1 FROM log_entries WHERE id = NEW.id "
    "OR (incident_id = NEW.incident_id AND number = NEW.number)) "
    "BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END"
)

CHECKPOINT_GUARD = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints "
        "BEGIN SELECT RAISE(ABORT, 'log checkpoints are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints "
        "BEGIN SELECT RAISE(ABORT, 'log checkpoints are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION log_checkpoints_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'log checkpoints are append-only'; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS log_checkpoints_no_change ON log_checkpoints",
        "CREATE TRIGGER log_checkpoints_no_change BEFORE UPDATE OR DELETE ON log_checkpoints "
        "FOR EACH ROW EXECUTE FUNCTION log_checkpoints_append_only()",
    ],
}


def upgrade():
    op.create_table(
        "log_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_log_checkpoints_incident_number", "log_checkpoints", ["incident_id", "number"], unique=False)
    dialect = op.get_bind().dialect.name
    for stmt in CHECKPOINT_GUARD.get(dialect, []):
        op.execute(stmt)
    if dialect == "sqlite":
        # PostgreSQL has no INSERT OR REPLACE; its ON CONFLICT DO UPDATE fires the UPDATE trigger.
        op.execute(SQLITE_NO_REPLACE)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS log_entries_no_replace")
    else:
        op.execute("DROP FUNCTION IF EXISTS log_checkpoints_append_only() CASCADE")
    op.drop_index("ix_log_checkpoints_incident_number", table_name="log_checkpoints")
    op.drop_table("log_checkpoints")
