"""Document numbers (inspection records, rectification notices) held by one record each.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_number",
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "number", name=op.f("pk_record_number")))
    op.create_index(op.f("ix_record_number_record_id"), "record_number", ["record_id"])
    # numbers already held
    op.execute(sa.text(
        "INSERT INTO record_number (entity, number, record_id) "
        "SELECT entity, MIN(number), MIN(id) FROM (SELECT entity, id, "
        + ("json_extract(data, '$.number')" if op.get_bind().dialect.name == "sqlite"
           else "data->>'number'")
        + " AS number FROM record WHERE entity IN ('inspection', 'rectification_notice')) n "
        "WHERE number IS NOT NULL GROUP BY entity, number"))


def downgrade() -> None:
    op.drop_index(op.f("ix_record_number_record_id"), table_name="record_number")
    op.drop_table("record_number")
