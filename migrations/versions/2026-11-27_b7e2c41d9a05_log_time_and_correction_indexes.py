"""log: indexes for reading by time and for the corrections of a chunk

Revision ID: b7e2c41d9a05
Revises: 8479cd4fd8da
Create Date: 2026-11-27 15:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2c41d9a05"
down_revision = "8479cd4fd8da"
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX (no batch mode): the table must not be recreated,
    # which would drop its append-only triggers on SQLite.
    op.create_index(
        "ix_log_entries_incident_occurred", "log_entries", ["incident_id", "occurred_at", "number"], unique=False
    )
    op.create_index("ix_log_entries_incident_corrects", "log_entries", ["incident_id", "corrects"], unique=False)


def downgrade():
    op.drop_index("ix_log_entries_incident_corrects", table_name="log_entries")
    op.drop_index("ix_log_entries_incident_occurred", table_name="log_entries")
