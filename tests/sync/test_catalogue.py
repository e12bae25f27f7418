"""The command catalogue: its table in the protocol document is the code's, and every name it
uses is one the client and the server know."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from jjg_desktop.rules.record_names import COMMAND_NAMES, ENTITY_NAMES
from jjg_desktop.store import synced_rows
from jjg_desktop.sync import catalogue

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("catalogue_table",
                                                  ROOT / "scripts" / "catalogue_table.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_protocol_document_carries_the_catalogue_as_the_code_has_it():
    script = _script()
    text = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    assert script.documented(text) == script.table()


def test_every_command_entity_and_column_of_the_catalogue_exists():
    specs = {e: {s.name for s in synced_rows.column_specs(e)} for e in synced_rows.synced_models()}
    for rule in catalogue.RULES:
        assert rule.command in COMMAND_NAMES, rule.command
        for write in rule.writes:
            assert write.entity in ENTITY_NAMES and write.entity in specs, write.entity
            unknown = (set(write.update) | set(write.fixed)) - specs[write.entity]
            assert unknown == set(), (rule.command, write.entity, unknown)
            assert write.create or write.update or write.delete, (rule.command, write.entity)


def test_a_resent_row_is_judged_as_the_senders_own_commands_never_as_a_workflow_step():
    assert catalogue.resend_writes("inspector", 3, "abnormal_case") == ()
    assert catalogue.resend_writes("county_clerk", 3, "abnormal_case") == ()
    assert catalogue.resend_writes("inspector", 3, "pool_member") == ()
    # a clerk's own commands create pool members and correct or deactivate them
    assert [(w.create, bool(w.update)) for w in catalogue.resend_writes(
        "county_clerk", 3, "pool_member")] == [(True, False), (False, True)]
    assert catalogue.violations("sync.resend", "inspector", 3, "abnormal_case", None,
                                {"state": "listed"}, False) == [
        "sync.resend may not write abnormal_case"]


def test_a_command_changing_a_column_it_does_not_own_is_a_violation():
    before = {"contact_phone": "1", "status": "正常", "name": "甲"}
    after = {"contact_phone": "2", "status": "异常名录", "name": "甲"}
    assert catalogue.violations("enterprise.update_contact", "inspector", 3, "enterprise",
                                before, after, False) == [
        "enterprise.update_contact may not change enterprise (status)"]
    assert catalogue.violations("enterprise.update_contact", "inspector", 3, "enterprise",
                                before, {**after, "status": "正常"}, False) == []
