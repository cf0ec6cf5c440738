"""KLASSA level on log entries, the read audit of confidential entries, Länsstyrelsen's lägesrapport fields,
the report rhythm at fixed clock times

Revision ID: a7c2e4f61b90
Revises: f7c1a3e9b2d4
Create Date: 2026-11-27 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db
from crisis.reports.models import FROZEN_COLUMNS, LST_OTHER_FIELDS, LST_TEXT_FIELDS
from crisis.reports.models import guard_statements as report_guard

# revision identifiers, used by Alembic.
revision = "a7c2e4f61b90"
down_revision = "f7c1a3e9b2d4"
branch_labels = None
depends_on = None

NEW_REPORT_COLUMNS = LST_TEXT_FIELDS + LST_OTHER_FIELDS
OLD_FROZEN = tuple(c for c in FROZEN_COLUMNS if c not in NEW_REPORT_COLUMNS)


def _reguard(frozen):
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS reports_frozen")
    for stmt in report_guard(bind.dialect.name, frozen):
        op.execute(stmt)


def upgrade():
    op.add_column("log_entries", sa.Column("confidentiality", sa.String(length=2), nullable=True))
    op.add_column("incidents", sa.Column("report_times", sa.String(length=100), nullable=True))
    op.create_table(
        "confidential_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("read_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_confidential_reads_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_confidential_reads_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidential_reads")),
        sa.UniqueConstraint(
            "user_id", "incident_id", "number", "day", name=op.f("uq_confidential_reads_user_id_incident_id_number_day")
        ),
    )
    op.create_index("ix_confidential_reads_read_at", "confidential_reads", ["read_at"], unique=False)
    for name, length in (("kontaktperson", 200), ("kontakt_telefon", 50)):
        op.add_column("reports", sa.Column(name, sa.String(length=length), server_default="", nullable=False))
    for name in ("omfattning", "sarbara_grupper", "samverkan", "trygghetspunkter", "osakerheter"):
        op.add_column("reports", sa.Column(name, sa.Text(), server_default="", nullable=False))
    op.add_column("reports", sa.Column("period_fran", crisis.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("reports", sa.Column("period_till", crisis.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("reports", sa.Column("krisledning_aktiverad", sa.Boolean(), nullable=True))
    op.add_column("reports", sa.Column("kln_aktiverad", sa.Boolean(), nullable=True))
    op.add_column("reports", sa.Column("vma_begard", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("reports", sa.Column("vma_begard_at", crisis.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("reports", sa.Column("klassning", sa.String(length=2), server_default="K1", nullable=False))
    op.add_column("reports", sa.Column("osl_grund", sa.String(length=200), nullable=True))
    # The approved-report guard covers the new columns too.
    _reguard(FROZEN_COLUMNS)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS reports_frozen")
    else:
        op.execute("DROP TRIGGER IF EXISTS reports_frozen ON reports")
    for name in reversed(NEW_REPORT_COLUMNS):
        op.drop_column("reports", name)
    _reguard(OLD_FROZEN)
    op.drop_index("ix_confidential_reads_read_at", table_name="confidential_reads")
    op.drop_table("confidential_reads")
    op.drop_column("incidents", "report_times")
    op.drop_column("log_entries", "confidentiality")
