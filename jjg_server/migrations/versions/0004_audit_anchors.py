"""Audit-chain heads the laptops pushed, and the alerts of logs found cut or rewritten.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_anchor",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_audit_anchor")))
    op.create_table(
        "audit_alert",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_alert")))
    op.create_index(op.f("ix_audit_alert_client_id"), "audit_alert", ["client_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_alert_client_id"), table_name="audit_alert")
    op.drop_table("audit_alert")
    op.drop_table("audit_anchor")
