"""Commands remembered per (client, user, id); which records refer to each file, and who
uploaded it whole (who may be told it exists and fetch it); registration numbers held like
document numbers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applied_command") as batch:
        batch.drop_constraint("uq_applied_command_client_command", type_="unique")
        batch.create_unique_constraint("uq_applied_command_client_user_command",
                                       ["client_id", "username", "command_id"])
    op.create_table(
        "file_ref",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "entity", "record_id", name=op.f("pk_file_ref")))
    op.create_table(
        "file_uploader",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "username", name=op.f("pk_file_uploader")))
    bind = op.get_bind()
    found = bind.execute(sa.text(
        "SELECT entity, id, data FROM record WHERE entity IN ('attachment', 'signature')"))
    refs = []
    for entity, record_id, data in found:
        data = json.loads(data) if isinstance(data, str) else data
        sha = data.get("sha256") if isinstance(data, dict) else None
        if isinstance(sha, str):
            refs.append({"sha256": sha, "entity": entity, "record_id": record_id})
    if refs:
        bind.execute(sa.text("INSERT INTO file_ref (sha256, entity, record_id) "
                             "VALUES (:sha256, :entity, :record_id)"), refs)
    numbers = {}
    for record_id, data in bind.execute(sa.text(
            "SELECT id, data FROM record WHERE entity = 'jilin_registration' ORDER BY id")):
        data = json.loads(data) if isinstance(data, str) else data
        number = data.get("registration_no") if isinstance(data, dict) else None
        if isinstance(number, str) and number:
            numbers.setdefault(number, record_id)
    open_cases, decisions = {}, {}
    for record_id, data in bind.execute(sa.text(
            "SELECT id, data FROM record WHERE entity = 'abnormal_case' AND NOT deleted "
            "ORDER BY id")):
        data = json.loads(data) if isinstance(data, str) else data
        if not isinstance(data, dict):
            continue
        if data.get("state") not in ("not_listed", "removed", "cleared") and isinstance(
                data.get("enterprise_id"), str):
            open_cases.setdefault(data["enterprise_id"], record_id)
        if isinstance(data.get("decision_no"), str) and data["decision_no"]:
            decisions.setdefault(data["decision_no"], record_id)
    if decisions:  # decision numbers already given
        bind.execute(sa.text("INSERT INTO record_number (entity, number, record_id) "
                             "VALUES ('abnormal_case.decision', :number, :record_id)"),
                     [{"number": n, "record_id": r} for n, r in decisions.items()])
    if open_cases:  # one open case per enterprise (the shipped workflow's open states)
        bind.execute(sa.text("INSERT INTO record_number (entity, number, record_id) "
                             "VALUES ('abnormal_case.open', :number, :record_id)"),
                     [{"number": e, "record_id": r} for e, r in open_cases.items()])
    if numbers:
        bind.execute(sa.text("INSERT INTO record_number (entity, number, record_id) "
                             "VALUES ('jilin_registration', :number, :record_id)"),
                     [{"number": n, "record_id": r} for n, r in numbers.items()])


def downgrade() -> None:
    op.drop_table("file_uploader")
    op.drop_table("file_ref")
    with op.batch_alter_table("applied_command") as batch:
        batch.drop_constraint("uq_applied_command_client_user_command", type_="unique")
        batch.create_unique_constraint("uq_applied_command_client_command",
                                       ["client_id", "command_id"])
