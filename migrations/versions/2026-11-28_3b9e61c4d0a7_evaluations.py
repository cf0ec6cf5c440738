"""evaluations: objectives, inject judgements, hot wash, findings; exercise forms

Revision ID: 3b9e61c4d0a7
Revises: 3b9e7d2c41a6
Create Date: 2026-11-28 02:50:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "3b9e61c4d0a7"
down_revision = "3b9e7d2c41a6"
branch_labels = None
depends_on = None

_SUBJECT = "(exercise_id IS NULL) <> (incident_id IS NULL)"


def _subject() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), sa.ForeignKey("exercises.id"), nullable=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("exercises") as batch:
        batch.add_column(
            sa.Column(
                "form",
                sa.Enum(
                    "simulation",
                    "seminar",
                    "kln",
                    name="exerciseform",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="simulation",
            )
        )
    with op.batch_alter_table("exercise_injects") as batch:
        batch.add_column(sa.Column("action_verdict", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("action_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("judged_by", sa.String(length=200), nullable=True))
    op.create_table(
        "evaluation_objectives",
        *_subject(),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("log_refs", sa.JSON(), nullable=False),
        sa.Column("judged_by", sa.String(length=200), nullable=True),
        sa.Column("judged_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exercise_id", "incident_id", "key"),
        sa.CheckConstraint(_SUBJECT, name="ck_evaluation_objectives_subject"),
    )
    op.create_table(
        "hot_wash_entries",
        *_subject(),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("worked", sa.Text(), nullable=False),
        sa.Column("did_not_work", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(_SUBJECT, name="ck_hot_wash_entries_subject"),
    )
    op.create_table(
        "evaluation_findings",
        *_subject(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("based_on_id", sa.Integer(), sa.ForeignKey("evaluation_findings.id"), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("lesson_id", sa.Integer(), sa.ForeignKey("lessons.id"), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(_SUBJECT, name="ck_evaluation_findings_subject"),
    )
    for table in ("evaluation_objectives", "hot_wash_entries", "evaluation_findings"):
        op.create_index(f"ix_{table}_exercise_id", table, ["exercise_id"])
        op.create_index(f"ix_{table}_incident_id", table, ["incident_id"])
    op.create_index("ix_evaluation_findings_lesson_id", "evaluation_findings", ["lesson_id"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_findings_lesson_id", table_name="evaluation_findings")
    for table in ("evaluation_findings", "hot_wash_entries", "evaluation_objectives"):
        op.drop_index(f"ix_{table}_incident_id", table_name=table)
        op.drop_index(f"ix_{table}_exercise_id", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("exercise_injects") as batch:
        batch.drop_column("judged_by")
        batch.drop_column("action_note")
        batch.drop_column("action_verdict")
    with op.batch_alter_table("exercises") as batch:
        batch.drop_column("form")
