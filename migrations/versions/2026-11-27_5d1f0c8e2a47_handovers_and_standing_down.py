"""handovers (överlämning) table; incident status standing_down (avveckling)

Revision ID: 5d1f0c8e2a47
Revises: c3d1e8a5f2b7
Create Date: 2026-11-27 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "5d1f0c8e2a47"
down_revision = "c3d1e8a5f2b7"
branch_labels = None
depends_on = None

CHECK = "ck_incidents_incidentstatus"


def _status_check(values):
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("generated_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_at", crisis.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", crisis.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["users.id"], name=op.f("fk_handovers_acknowledged_by_id_users")
        ),
        sa.ForeignKeyConstraint(["from_user_id"], ["users.id"], name=op.f("fk_handovers_from_user_id_users")),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_handovers_incident_id_incidents")),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"], name=op.f("fk_handovers_position_id_positions")),
        sa.ForeignKeyConstraint(["to_user_id"], ["users.id"], name=op.f("fk_handovers_to_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handovers_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handovers_position_id"), ["position_id"], unique=False)
    # The status column is VARCHAR + CHECK: the check gains standing_down.
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CHECK), type_="check")
        batch_op.create_check_constraint("incidentstatus", _status_check(("active", "standing_down", "closed")))


def downgrade():
    # An incident in avveckling goes back to active (the decision stays in the log).
    op.execute("UPDATE incidents SET status = 'active' WHERE status = 'standing_down'")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CHECK), type_="check")
        batch_op.create_check_constraint("incidentstatus", _status_check(("active", "closed")))
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handovers_position_id"))
        batch_op.drop_index(batch_op.f("ix_handovers_incident_id"))
    op.drop_table("handovers")
