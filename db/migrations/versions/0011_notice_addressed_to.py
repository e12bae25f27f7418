"""a notice names whom it is addressed to (a 行政处罚建议书: the punishing authority)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rectification_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressed_to', sa.String(length=120), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('rectification_notice', schema=None) as batch_op:
        batch_op.drop_column('addressed_to')
