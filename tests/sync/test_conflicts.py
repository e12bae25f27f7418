"""A refused command is shown beside the server's version and re-decided by the user."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from inspection_support import site, started
from jjg_desktop.rules import key_posts
from jjg_desktop.services import enterprises, inspections
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store import synced_rows
from jjg_desktop.store.models import Enterprise, OutboxCommand, SyncConflict
from jjg_desktop.sync.conflicts import keep_mine, open_conflict_count, open_conflicts, take_theirs
from tests_support import add_enterprise


def _refused(ctx: ServiceContext, ent_id: str, *, server_phone: str) -> int:
    """The user's contact edit, refused because another client changed the record (v5)."""
    enterprises.update_contact(ctx, ent_id, contact_phone="13904331234")
    with ctx.db.write() as s:
        command = s.scalars(select(OutboxCommand)).one()
        command.state = "rejected"
        ent = s.get(Enterprise, ent_id)
        assert ent is not None
        theirs = {**synced_rows.snapshot(ent), "contact_phone": server_phone,
                  "contact_person": "王建国"}
        conflict = SyncConflict(
            command_id=command.id, command=command.command, entity="enterprise",
            entity_id=ent_id, reason="该记录已在服务器上被修改（服务器第 5 版，您基于第 4 版）",
            mine=command.rows, theirs={"entity": "enterprise", "id": ent_id, "version": 5,
                                       "deleted": False, "data": theirs},
            decided_by="", detected_at=datetime(2026, 5, 18, 2, 0))
        s.add(conflict)
        s.flush()
        return conflict.id


def test_the_conflict_shows_my_edit_beside_the_servers_version(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=4)
    _refused(ctx, ent_id, server_phone="0433-7512345")
    [view] = open_conflicts(ctx.store)
    assert view.title == "企业“珲春市鑫源建筑工程有限公司”"
    assert view.mine["contact_phone"] == "13904331234"
    assert view.theirs is not None and view.theirs["contact_phone"] == "0433-7512345"
    assert "服务器第 5 版" in view.reason and view.can_keep_mine
    assert open_conflict_count(ctx.store) == 1


def test_keeping_mine_sends_it_again_on_the_servers_version(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=4)
    conflict_id = _refused(ctx, ent_id, server_phone="0433-7512345")
    keep_mine(ctx, conflict_id)
    with ctx.db.read() as s:
        resent = s.scalars(select(OutboxCommand).where(OutboxCommand.state == "pending")).one()
        ent = s.get(Enterprise, ent_id)
    assert resent.command == "enterprise.update_contact" and resent.base_version == 5
    assert [(r["entity"], r["base_version"]) for r in resent.rows] == [("enterprise", 5)]
    assert resent.rows[0]["data"]["contact_phone"] == "13904331234"
    assert ent is not None and ent.contact_phone == "13904331234" and ent.server_version == 5
    assert open_conflicts(ctx.store) == []


def test_taking_theirs_puts_the_servers_version_in_place_and_sends_nothing(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=4)
    conflict_id = _refused(ctx, ent_id, server_phone="0433-7512345")
    take_theirs(ctx, conflict_id)
    with ctx.db.read() as s:
        pending = list(s.scalars(select(OutboxCommand).where(OutboxCommand.state == "pending")))
        ent = s.get(Enterprise, ent_id)
    assert pending == []
    assert ent is not None and (ent.contact_phone, ent.contact_person, ent.server_version) == (
        "0433-7512345", "王建国", 5)
    assert open_conflict_count(ctx.store) == 0
    with pytest.raises(InvalidInput, match="已处理"):
        keep_mine(ctx, conflict_id)


def test_a_case_decision_cannot_simply_be_sent_again(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=4)
    conflict_id = _refused(ctx, ent_id, server_phone="0433-7512345")
    with ctx.db.write() as s:
        conflict = s.get(SyncConflict, conflict_id)
        assert conflict is not None
        conflict.command = "case.transition"
    [view] = open_conflicts(ctx.store)
    assert not view.can_keep_mine and "重新作出" in view.why_not
    with pytest.raises(InvalidInput, match="重新作出"):
        keep_mine(ctx, conflict_id)


def test_two_key_posts_sheets_in_conflict_read_as_people_and_days(ctx, clock):
    """Two laptops wrote different sheets for one record's SM-02: the conflict shows each
    side's people, days and rates, never the stored JSON."""
    clock.now = datetime(2026, 12, 7, 1, 0)
    project = site(ctx.store, clock.now).project_id
    inspection_id = started(ctx, project, planned_on=date(2026, 12, 7))
    mine = key_posts.encode("2026-11", [("项目负责人", "张立新", 22, 15)])
    theirs_value = key_posts.encode("2026-11", [("项目负责人", "张立新", 22, 20),
                                                ("总监理工程师", "李明", 21, 19)])
    inspections.answer(ctx, inspection_id, "SM-02", mine)
    with ctx.db.write() as s:
        command = s.scalars(select(OutboxCommand).where(
            OutboxCommand.command == "inspection.answer")).one()
        command.state = "rejected"
        theirs = {**command.rows[0]["data"], "value": theirs_value}
        s.add(SyncConflict(
            command_id=command.id, command=command.command, entity="inspection_answer",
            entity_id=command.entity_id, reason="该记录已在服务器上被修改",
            mine=command.rows, theirs={"entity": "inspection_answer",
                                       "id": command.entity_id, "version": 2,
                                       "deleted": False, "data": theirs},
            decided_by="", detected_at=clock.now))
    [view] = open_conflicts(ctx.store)
    [answer] = [f for f in view.fields if f.label == "结论"]
    assert answer.mine == "2026年11月：项目负责人张立新 在岗15天/应在岗22天（68.2%）"
    assert answer.theirs == ("2026年11月：项目负责人张立新 在岗20天/应在岗22天（90.9%）；"
                             "总监理工程师李明 在岗19天/应在岗21天（90.5%）")
    assert answer.differs
    assert not any("{" in f.mine or "{" in f.theirs for f in view.fields)
