"""users.oidc_subject: the kommun identity provider's subject an account is linked to (login over OpenID Connect)

Revision ID: f7c1a3e9b2d4
Revises: c4d7e2a9b135
Create Date: 2026-11-27 22:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f7c1a3e9b2d4"
down_revision = "c4d7e2a9b135"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_oidc_subject"), ["oidc_subject"], unique=True)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_oidc_subject"))
        batch_op.drop_column("oidc_subject")
