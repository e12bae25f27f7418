"""outbox commands carry their author

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_outbox_author'), ['author'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_author'))
        batch_op.drop_column('author')
