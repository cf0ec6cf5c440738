"""decisions: the decision register; incidents.proposed_level; levels trimmed to the local four

Revision ID: c3d1e8a5f2b7
Revises: b7e2c4a91f03
Create Date: 2026-11-27 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "c3d1e8a5f2b7"
down_revision = "b7e2c4a91f03"
branch_labels = None
depends_on = None

TYPES = ("direction", "coordination", "priority", "resource", "delegation", "level", "kln", "stand_down", "other")
STATUSES = ("in_force", "superseded", "revoked", "done")


def upgrade():
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(*TYPES, name="decisiontype", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("mandate", sa.String(length=300), nullable=False),
        sa.Column("mandate_key", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("executed_by", sa.String(length=200), nullable=True),
        sa.Column("follow_up_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_until", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="decisionstatus", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("report_to", sa.String(length=200), nullable=True),
        sa.Column("reported_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("log_number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_decisions_incident_id_incidents")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["decisions.id"], name=op.f("fk_decisions_supersedes_id_decisions")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_decisions_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_decisions_incident_id_number")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_incident_id"), ["incident_id"], unique=False)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_level", sa.String(length=32), nullable=True))
    # Extraordinär händelse and höjd beredskap are no longer levels of an
    # incident: such incidents are in stabsläge (the log keeps what was written).
    op.execute("UPDATE incidents SET level = 'staff' WHERE level IN ('extraordinary', 'heightened_alert')")


def downgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("proposed_level")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_incident_id"))
    op.drop_table("decisions")
