"""incidents.last_log_hash: the chain head kept on the row every log write locks

Revision ID: b7e2c4a91f03
Revises: b7e2c41d9a05
Create Date: 2026-11-27 15:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2c4a91f03"
down_revision = "b7e2c41d9a05"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_log_hash", sa.String(length=64), server_default=GENESIS, nullable=False))
    # Existing incidents: the hash of their last entry.
    op.execute(
        "UPDATE incidents SET last_log_hash = (SELECT log_entries.hash FROM log_entries "
        "WHERE log_entries.incident_id = incidents.id AND log_entries.number = incidents.last_log_number) "
        "WHERE last_log_number > 0"
    )


def downgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("last_log_hash")
