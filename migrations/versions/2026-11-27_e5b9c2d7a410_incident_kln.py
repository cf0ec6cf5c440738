"""incidents.kln_active, kln_since, extraordinary: krisledningsnämnden in function (LEH 2 kap. 3 §)

Revision ID: e5b9c2d7a410
Revises: d3a81f5c2b64
Create Date: 2026-11-27 19:35:00

"""

import sqlalchemy as sa
from alembic import op

import crisis.db

# revision identifiers, used by Alembic.
revision = "e5b9c2d7a410"
down_revision = "d3a81f5c2b64"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kln_active", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("kln_since", crisis.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extraordinary", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("extraordinary")
        batch_op.drop_column("kln_since")
        batch_op.drop_column("kln_active")
