"""meetings (stabsorienteringar), meeting_rhythms and situation_versions (lägesbild)

Revision ID: c3a9e5d2f1b4
Revises: e5b9c2d7a410
Create Date: 2026-11-27 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "c3a9e5d2f1b4"
down_revision = "e5b9c2d7a410"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "running",
                "ended",
                name="meetingstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("scheduled_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("current_item", sa.Integer(), nullable=False),
        sa.Column("record_log_number", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_meetings_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_meetings_incident_id_number")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_incident_id"), ["incident_id"], unique=False)
    op.create_table(
        "meeting_rhythms",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_meeting_rhythms_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_meeting_rhythms")),
    )
    op.create_table(
        "situation_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_situation_versions_author_id_users")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_situation_versions_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_situation_versions")),
        sa.UniqueConstraint("incident_id", "version", name=op.f("uq_situation_versions_incident_id_version")),
    )
    with op.batch_alter_table("situation_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_situation_versions_incident_id"), ["incident_id"], unique=False)


def downgrade():
    with op.batch_alter_table("situation_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_situation_versions_incident_id"))
    op.drop_table("situation_versions")
    op.drop_table("meeting_rhythms")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_incident_id"))
    op.drop_table("meetings")
