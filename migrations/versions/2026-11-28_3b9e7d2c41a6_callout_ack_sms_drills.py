"""call-out acknowledgement, ersättare, SMS outbox, larmövning (drills)

Revision ID: 3b9e7d2c41a6
Revises: 3b9e7c1d5a24
Create Date: 2026-11-28 02:15:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "3b9e7d2c41a6"
down_revision = "3b9e7c1d5a24"
branch_labels = None
depends_on = None


def _ack_via() -> sa.Enum:
    return sa.Enum("link", "sms", name="ackvia", native_enum=False, length=32, create_constraint=True)


def _sms_state() -> sa.Enum:
    return sa.Enum(
        "pending", "sent", "failed", "suppressed", name="smsstate", native_enum=False, length=32, create_constraint=True
    )


def upgrade() -> None:
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("playbook_key", sa.String(length=40), nullable=False),
        sa.Column("playbook_title", sa.String(length=200), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("started_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"], name=op.f("fk_drills_started_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
    )
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drills_started_at"), ["started_at"], unique=False)
    op.create_table(
        "drill_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("sent_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ack_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ack_via", _ack_via(), nullable=True),
        sa.ForeignKeyConstraint(["drill_id"], ["drills.id"], name=op.f("fk_drill_entries_drill_id_drills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_entries")),
    )
    with op.batch_alter_table("drill_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_entries_drill_id"), ["drill_id"], unique=False)

    with op.batch_alter_table("callout_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("substitute_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("substitute_phone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("substitute_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("substitute_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sent_at", crisis.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ack_at", crisis.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ack_via", _ack_via(), nullable=True))
        batch_op.add_column(sa.Column("overdue_at", crisis.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("substitute_called_at", crisis.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_callout_entries_substitute_of_id_callout_entries"),
            "callout_entries",
            ["substitute_of_id"],
            ["id"],
        )

    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.alter_column("incident_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("drill_entry_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mail_messages_drill_entry_id_drill_entries"), "drill_entries", ["drill_entry_id"], ["id"]
        )

    op.create_table(
        "ack_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("callout_entry_id", sa.Integer(), nullable=True),
        sa.Column("drill_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["callout_entry_id"], ["callout_entries.id"], name=op.f("fk_ack_tokens_callout_entry_id_callout_entries")
        ),
        sa.ForeignKeyConstraint(
            ["drill_entry_id"], ["drill_entries.id"], name=op.f("fk_ack_tokens_drill_entry_id_drill_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ack_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ack_tokens_token_hash")),
    )
    with op.batch_alter_table("ack_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ack_tokens_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_ack_tokens_callout_entry_id"), ["callout_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ack_tokens_drill_entry_id"), ["drill_entry_id"], unique=False)

    op.create_table(
        "sms_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("callout_entry_id", sa.Integer(), nullable=True),
        sa.Column("drill_entry_id", sa.Integer(), nullable=True),
        sa.Column("to_number", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", _sms_state(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["callout_entry_id"],
            ["callout_entries.id"],
            name=op.f("fk_sms_messages_callout_entry_id_callout_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["drill_entry_id"], ["drill_entries.id"], name=op.f("fk_sms_messages_drill_entry_id_drill_entries")
        ),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_sms_messages_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_messages_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_messages_callout_entry_id"), ["callout_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_messages_drill_entry_id"), ["drill_entry_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sms_messages")
    op.drop_table("ack_tokens")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mail_messages_drill_entry_id_drill_entries"), type_="foreignkey")
        batch_op.drop_column("drill_entry_id")
        batch_op.alter_column("incident_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("callout_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_callout_entries_substitute_of_id_callout_entries"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("ck_callout_entries_ackvia"), type_="check")
        for col in (
            "substitute_called_at",
            "overdue_at",
            "ack_via",
            "ack_at",
            "sent_at",
            "substitute_of_id",
            "substitute_email",
            "substitute_phone",
            "substitute_name",
        ):
            batch_op.drop_column(col)
    op.drop_table("drill_entries")
    op.drop_table("drills")
