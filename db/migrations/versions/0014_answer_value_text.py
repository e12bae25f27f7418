"""an answer may hold a key posts' monthly sheet (several people), longer than 200 characters

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspection_answer', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('inspection_answer', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=False)
