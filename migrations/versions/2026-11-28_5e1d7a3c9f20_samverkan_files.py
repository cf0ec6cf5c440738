"""samverkan files (the samlad lägesbild received as a file)

Revision ID: 5e1d7a3c9f20
Revises: 9c4e2a7b1d63
Create Date: 2026-11-28 09:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "5e1d7a3c9f20"
down_revision = "9c4e2a7b1d63"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "samverkan_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["samverkan_conferences.id"],
            name=op.f("fk_samverkan_files_conference_id_samverkan_conferences"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_samverkan_files_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_samverkan_files")),
    )
    with op.batch_alter_table("samverkan_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_samverkan_files_conference_id"), ["conference_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_samverkan_files_incident_id"), ["incident_id"], unique=False)


def downgrade():
    with op.batch_alter_table("samverkan_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_samverkan_files_incident_id"))
        batch_op.drop_index(batch_op.f("ix_samverkan_files_conference_id"))
    op.drop_table("samverkan_files")
