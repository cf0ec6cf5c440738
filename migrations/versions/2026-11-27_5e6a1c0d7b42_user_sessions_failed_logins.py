"""user sessions (logout ends them on the server) and failed logins

Revision ID: 5e6a1c0d7b42
Revises: c3d5e7f9a1b2
Create Date: 2026-11-27 19:40:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "5e6a1c0d7b42"
down_revision = "c3d5e7f9a1b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "failed_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_failed_logins_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_logins")),
    )
    with op.batch_alter_table("failed_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failed_logins_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_failed_logins_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_failed_logins_username"), ["username"], unique=False)


def downgrade():
    with op.batch_alter_table("failed_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_failed_logins_username"))
        batch_op.drop_index(batch_op.f("ix_failed_logins_user_id"))
        batch_op.drop_index(batch_op.f("ix_failed_logins_at"))
    op.drop_table("failed_logins")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
