"""Laptops agree with the server after people disagree: taking the server's side puts its
latest copy in place and takes back what the refused command made; fields two people changed
apart are merged."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_support import PASSWORD, Device, case_decided_twice
from test_sync_loop import _registration

from inspection_support import started
from jjg_desktop.cli.main import main
from jjg_desktop.services import enterprises, registry
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.store.models import (
    AbnormalCase,
    CaseTransition,
    Enterprise,
    Inspection,
    ParkedChange,
    SyncConflict,
)
from jjg_desktop.sync.conflicts import open_conflicts, take_theirs
from jjg_desktop.sync.session import kept_for_others
from jjg_server.store import ChangeLog, Record


def _ctx(d: Device) -> ServiceContext:
    assert d.ctx is not None
    return d.ctx


def _server(live, entity: str, record_id: str) -> Record:
    with Session(live.engine) as s:
        record = s.get(Record, (entity, record_id))
        assert record is not None
        return record


def test_taking_the_servers_side_of_a_case_step_leaves_nothing_of_the_refused_one(
        live, devices):
    case_id, first, second = case_decided_twice(devices, _registration())
    assert first.sync().applied == 1
    assert second.sync().rejected == 1
    [conflict] = open_conflicts(second.store)
    take_theirs(_ctx(second), conflict.id)
    second.sync()
    with second.store.db.read() as s:
        steps = [(t.action, t.deleted_at is None) for t in s.scalars(
            select(CaseTransition).where(CaseTransition.case_id == case_id)
            .order_by(CaseTransition.at))]
        case = s.get(AbnormalCase, case_id)
        assert case is not None
        local = (case.state, case.version, case.server_version)
    assert [a for a, shown in steps if shown] == ["propose", "agree"]
    server = _server(live, "abnormal_case", case_id)
    assert local == (server.data["state"], server.data["version"], server.version)


def test_taking_the_servers_side_never_puts_back_an_older_copy(live, devices):
    clerk, other = devices("hc_clerk"), devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    other.sync()
    enterprises.update_contact(_ctx(other), ent_id, contact_phone="0433-1111111")
    other.sync()
    enterprises.update_contact(_ctx(clerk), ent_id, contact_phone="0433-2222222")
    assert clerk.sync().rejected == 1  # the same field: a conflict
    # the other laptop changes the enterprise again before the clerk decides
    enterprises.update_contact(_ctx(other), ent_id, contact_person="赵敏")
    other.sync()
    clerk.sync()
    [conflict] = open_conflicts(clerk.store)
    take_theirs(_ctx(clerk), conflict.id)
    clerk.sync()
    server = _server(live, "enterprise", ent_id)
    with clerk.store.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        assert ent is not None
        assert (ent.contact_phone, ent.contact_person, ent.server_version) == (
            "0433-1111111", "赵敏", server.version)
        assert s.scalars(select(SyncConflict).where(SyncConflict.resolved_at.is_(None))).all() == []


def test_two_people_changing_different_fields_offline_both_keep_their_change(live, devices):
    clerk, inspector = devices("hc_clerk"), devices("hc_inspector")
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    inspector.sync()
    enterprises.update_contact(_ctx(clerk), ent_id, contact_phone="0433-5555555")
    enterprises.update_contact(_ctx(inspector), ent_id, contact_person="孙丽")
    assert clerk.sync().rejected == 0
    assert inspector.sync().rejected == 0
    clerk.sync()
    for laptop in (clerk, inspector):
        with laptop.store.db.read() as s:
            ent = s.get(Enterprise, ent_id)
            assert ent is not None
            assert (ent.contact_phone, ent.contact_person) == ("0433-5555555", "孙丽")


def _numbers(d: Device, ids: list[str]) -> list[str]:
    with d.store.db.read() as s:
        return [s.get(Inspection, i).number for i in ids]  # type: ignore[union-attr]


def test_a_chain_of_renumberings_untangles_in_one_sync(devices, county_site):
    first, second = devices("hc_inspector"), devices("hc_inspector")
    first.sync()
    second.sync()
    mine = [started(_ctx(first), county_site.project_id) for _ in range(3)]
    theirs = [started(_ctx(second), county_site.project_id)]
    assert _numbers(first, mine[:1]) == _numbers(second, theirs)  # both took 001
    assert second.sync().rejected == 0
    report = first.sync()  # the server renumbers 001→002, 002→003, 003→004 one by one
    assert (report.rejected, report.waiting) == (0, {})
    with first.store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ParkedChange)) == 0
    second.sync()
    for d in (first, second):
        numbers = _numbers(d, [*theirs, *mine])
        assert len(set(numbers)) == 4
        assert [n[-4:-1] for n in numbers] == ["001", "002", "003", "004"]


def test_a_sync_that_leaves_records_waiting_says_why(live, devices, county_site):
    inspector = devices("hc_inspector")
    inspector.sync()
    with inspector.store.db.write() as s:  # a record whose parent never reaches this laptop
        s.add(ParkedChange(entity="inspection_answer", record_id="a-orphan", version=1,
                           deleted=False, data={"id": "a-orphan", "inspection_id": "nowhere",
                                                "item_code": "RJ-01", "value": "是",
                                                "remark": "", "answered_at": None,
                                                "created_at": "2026-04-15T01:00:00",
                                                "updated_at": "2026-04-15T01:00:00",
                                                "deleted_at": None}))
    report = inspector.sync()
    assert report.waiting == {"所属的上级记录尚未下载到本机（可能不在您的查看范围内）": 1}
    assert "1 条服务器记录暂未写入本机" in report.summary()


def test_switching_user_on_one_laptop_keeps_each_persons_work_under_their_own_name(
        live, devices):
    laptop = devices("hc_clerk")
    ent_id = registry.register(_ctx(laptop), _registration())
    laptop.sync()
    clerk = _ctx(laptop)
    for n in range(3):
        enterprises.update_contact(clerk, ent_id, contact_phone=f"0433-000000{n}")
    reviewer = laptop.log_in("yb_reviewer", PASSWORD)
    assert kept_for_others(laptop.store, "yb_reviewer") == {"刘晓燕": 3}
    enterprises.update_contact(reviewer, ent_id, contact_person="崔志刚代")
    report = laptop.sync()
    assert (report.applied, report.rejected, report.others) == (1, 0, {"刘晓燕": 3})
    assert "刘晓燕在本机的 3 项更改保留给其本人登录后同步" in report.summary()
    with Session(live.engine) as s:
        writers = set(s.scalars(select(ChangeLog.username).where(
            ChangeLog.record_id == ent_id)))
    assert writers == {"hc_clerk", "yb_reviewer"}
    assert _server(live, "enterprise", ent_id).data["contact_phone"] == _registration().phone
    laptop.log_in("hc_clerk", PASSWORD)
    report = laptop.sync()
    assert (report.applied, report.rejected, report.others) == (3, 0, {})
    with Session(live.engine) as s:
        phones = [c.data["contact_phone"] for c in s.scalars(
            select(ChangeLog).where(ChangeLog.record_id == ent_id,
                                    ChangeLog.username == "hc_clerk")
            .order_by(ChangeLog.seq))]
    assert phones[-1] == "0433-0000002"
    stored = _server(live, "enterprise", ent_id).data
    assert (stored["contact_phone"], stored["contact_person"]) == ("0433-0000002", "崔志刚代")


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_a_conflict_reads_in_chinese_and_is_decided_from_the_command_line(
        live, devices, capsys):
    clerk, other = devices("hc_clerk"), devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    other.sync()
    enterprises.update_contact(_ctx(other), ent_id, contact_phone="0433-1111111")
    other.sync()
    enterprises.update_contact(_ctx(clerk), ent_id, contact_phone="0433-2222222")
    assert clerk.sync().rejected == 1
    [view] = open_conflicts(clerk.store)
    assert view.command_name == "修改企业联系方式"
    [differs] = [f for f in view.fields if f.differs]
    assert (differs.label, differs.mine, differs.theirs) == (
        "联系电话", "0433-2222222", "0433-1111111")
    assert all(not UUID.search(f"{f.label}{f.mine}{f.theirs}") for f in view.fields)
    folder = ["--data-dir", str(clerk.store.paths.data_dir)]
    assert main([*folder, "conflicts", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"[{view.id}] 修改企业联系方式：企业“{_registration().name}”" in listed
    assert "联系电话：我的 0433-2222222 ｜ 服务器 0433-1111111" in listed
    assert "刘晓燕" in listed and not UUID.search(listed)
    assert main([*folder, "conflicts", "take", str(view.id)]) == 0
    assert open_conflicts(clerk.store) == []
    assert main([*folder, "conflicts", "take", str(view.id)]) == 2
    assert "该冲突已处理过了" in capsys.readouterr().err
