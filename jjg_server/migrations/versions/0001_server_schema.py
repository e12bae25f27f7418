"""Server schema: users and tokens, records, the change log with its writers, scope and
audience, decided commands, published workflows.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "server_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_state")))
    op.create_table(
        "user_account",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_user_account")))
    op.create_table(
        "token",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["user_account.username"],
                                name=op.f("fk_token_username_user_account")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_token")))
    op.create_index("ix_token_expires_at", "token", ["expires_at"])
    op.create_table(
        "change_log",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("committed_at", sa.DateTime(), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("audience", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_log")))
    op.create_index("ix_change_log_entity_id", "change_log", ["entity", "id"])
    op.create_table(
        "change_audience",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["change_log.seq"],
                                name=op.f("fk_change_audience_seq_change_log")),
        sa.PrimaryKeyConstraint("seq", "username", name=op.f("pk_change_audience")))
    op.create_table(
        "record",
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("audience", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("parent_entity", sa.String(32), nullable=True),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("entity", "id", name=op.f("pk_record")))
    op.create_index("ix_record_parent", "record", ["parent_entity", "parent_id"])
    op.create_table(
        "applied_command",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("command_id", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["user_account.username"],
                                name=op.f("fk_applied_command_username_user_account")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_applied_command")),
        sa.UniqueConstraint("client_id", "command_id", name="uq_applied_command_client_command"))
    op.create_table(
        "published_workflow",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_workflow")))


def downgrade() -> None:
    for table in ("published_workflow", "applied_command", "record", "change_audience",
                  "change_log", "token", "user_account", "server_state"):
        op.drop_table(table)
