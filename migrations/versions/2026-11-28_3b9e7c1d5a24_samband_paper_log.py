"""The sambandsplan of an incident; log entries transcribed from the paper log (log_entries.source)

Revision ID: 3b9e7c1d5a24
Revises: f8a1c3e5d702
Create Date: 2026-11-28 03:00:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "3b9e7c1d5a24"
down_revision = "f8a1c3e5d702"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy): the append-only triggers on log_entries stay in place.
    op.add_column("log_entries", sa.Column("source", sa.String(length=10), nullable=True))
    op.create_table(
        "incident_samband",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_samband_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_samband")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_incident_samband_incident_id")),
    )


def downgrade():
    op.drop_table("incident_samband")
    op.drop_column("log_entries", "source")
