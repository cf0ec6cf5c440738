"""actors (aktörsregister), samverkan_conferences, resource_requests and their changes

Revision ID: a7c3e1f9d245
Revises: d8f1a3b5c7e9
Create Date: 2026-11-27 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "a7c3e1f9d245"
down_revision = "d8f1a3b5c7e9"
branch_labels = None
depends_on = None


def _when(name, nullable=False):
    return sa.Column(name, crisis.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("rakel", sa.String(length=100), nullable=False),
        sa.Column("alternative", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("created_at"),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        _when("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("name", name=op.f("uq_actors_name")),
    )
    op.create_table(
        "samverkan_conferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _when("held_at"),
        sa.Column("called_by_id", sa.Integer(), nullable=True),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("participants_other", sa.JSON(), nullable=False),
        sa.Column("reported", sa.Text(), nullable=False),
        sa.Column("agreed", sa.Text(), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        _when("next_at", nullable=True),
        sa.Column("agreements", sa.JSON(), nullable=False),
        sa.Column("log_number", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        _when("created_at"),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        _when("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["called_by_id"], ["actors.id"], name=op.f("fk_samverkan_conferences_called_by_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_samverkan_conferences_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_samverkan_conferences")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_samverkan_conferences_incident_id_number")),
    )
    with op.batch_alter_table("samverkan_conferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_samverkan_conferences_incident_id"), ["incident_id"], unique=False)
    op.create_table(
        "resource_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("from_actor_id", sa.Integer(), nullable=True),
        sa.Column("to_actor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        _when("created_at"),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        _when("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_actor_id"], ["actors.id"], name=op.f("fk_resource_requests_from_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_resource_requests_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(["to_actor_id"], ["actors.id"], name=op.f("fk_resource_requests_to_actor_id_actors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_requests")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_resource_requests_incident_id_number")),
    )
    with op.batch_alter_table("resource_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_requests_incident_id"), ["incident_id"], unique=False)
    op.create_table(
        "resource_request_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        _when("at"),
        sa.Column("by", sa.String(length=64), nullable=True),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["resource_requests.id"],
            name=op.f("fk_resource_request_changes_request_id_resource_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_request_changes")),
    )
    with op.batch_alter_table("resource_request_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_request_changes_request_id"), ["request_id"], unique=False)


def downgrade():
    with op.batch_alter_table("resource_request_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_request_changes_request_id"))
    op.drop_table("resource_request_changes")
    with op.batch_alter_table("resource_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_requests_incident_id"))
    op.drop_table("resource_requests")
    with op.batch_alter_table("samverkan_conferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_samverkan_conferences_incident_id"))
    op.drop_table("samverkan_conferences")
    op.drop_table("actors")
