"""readiness_changes: the kommun's beredskapsläge (the government's decisions, recorded)

Revision ID: d3a81f5c2b64
Revises: 5d1f0c8e2a47
Create Date: 2026-11-27 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "d3a81f5c2b64"
down_revision = "5d1f0c8e2a47"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "readiness_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "readiness",
            sa.Enum(
                "peace",
                "heightened",
                "highest",
                name="readiness",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_readiness_changes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_changes")),
    )
    with op.batch_alter_table("readiness_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_readiness_changes_recorded_at"), ["recorded_at"], unique=False)


def downgrade():
    with op.batch_alter_table("readiness_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readiness_changes_recorded_at"))
    op.drop_table("readiness_changes")
