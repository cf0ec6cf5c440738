"""crisis communication: messages to the public, VMA requests, service points

Revision ID: f8a1c3e5d702
Revises: a7c3e1f9d245
Create Date: 2026-11-27 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "f8a1c3e5d702"
down_revision = "a7c3e1f9d245"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("web", sa.String(length=500), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("area_desc", sa.String(length=300), nullable=True),
        sa.Column("expires_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("point_ids", sa.JSON(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("translation_of_id", sa.Integer(), nullable=True),
        sa.Column("publications", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_messages_incident_id_incidents")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["messages.id"], name=op.f("fk_messages_supersedes_id_messages")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["messages.id"], name=op.f("fk_messages_superseded_by_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["translation_of_id"], ["messages.id"], name=op.f("fk_messages_translation_of_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_messages_incident_id_number")),
    )
    op.create_index(op.f("ix_messages_incident_id"), "messages", ["incident_id"], unique=False)
    op.create_table(
        "vma_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("area_desc", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_vma_requests_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vma_requests")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_vma_requests_incident_id_number")),
    )
    op.create_index(op.f("ix_vma_requests_incident_id"), "vma_requests", ["incident_id"], unique=False)
    op.create_table(
        "service_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("site_key", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("hours", sa.String(length=200), nullable=True),
        sa.Column("staffing", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("backup_power", sa.Boolean(), nullable=False),
        sa.Column("rakel", sa.Boolean(), nullable=False),
        sa.Column("water_litres", sa.Integer(), nullable=False),
        sa.Column("priority_count", sa.Integer(), nullable=True),
        sa.Column("priority_note", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_service_points_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_service_points_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_points")),
    )
    op.create_index(op.f("ix_service_points_incident_id"), "service_points", ["incident_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_service_points_incident_id"), table_name="service_points")
    op.drop_table("service_points")
    op.drop_index(op.f("ix_vma_requests_incident_id"), table_name="vma_requests")
    op.drop_table("vma_requests")
    op.drop_index(op.f("ix_messages_incident_id"), table_name="messages")
    op.drop_table("messages")
