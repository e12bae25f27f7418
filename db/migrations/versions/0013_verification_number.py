"""a verification record carries its number (珲春住建核查〔2023〕7号)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 15:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=40), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('verification', schema=None) as batch_op:
        batch_op.drop_column('number')
