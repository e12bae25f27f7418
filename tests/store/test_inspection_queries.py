"""The 工作台 lists of inspections: overdue rectifications, due re-inspections, coverage of
the year; and the detail read model's view of a record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from inspection_support import TEAM, completed, detail, photo_file, sign_all, site
from jjg_desktop.rules.draw import EXPERT, OFFICIAL, DrawParams
from jjg_desktop.services import draws, inspections, notices
from jjg_desktop.store.read.dashboard import coverage, due_reinspections, overdue_rectifications
from jjg_desktop.store.read.inspections import (
    template_for,
)
from tests_support import add_project

TODAY = date(2026, 5, 18)


@pytest.fixture
def photo(tmp_path):
    return photo_file(tmp_path / "p.jpg")


def test_overdue_rectifications_are_open_findings_past_their_deadline(ctx, store, clock, photo):
    project = site(store, clock.now).project_id
    inspection_id = completed(ctx, project, photo, {"SM-07": ("不符合", "告示牌不全"),
                                                    "JS-06": ("不符合", "未提供支付担保")})
    issued = notices.issue_notices(ctx, inspection_id)
    assert len(issued) == 2  # the contractor's and the client's
    with store.db.read() as s:
        assert overdue_rectifications(s, TODAY + timedelta(days=7)) == []
        (row,) = overdue_rectifications(s, TODAY + timedelta(days=10))
        assert (row.item_code, row.days_overdue) == ("SM-07", 3)
        assert row.project == "珲春市第一中学综合教学楼新建工程"
        assert row.enterprise == "吉林省鑫源建筑工程有限公司"
        assert row.notice_number in ("珲春住建市整〔2026〕1号", "珲春住建市整〔2026〕2号")
        later = overdue_rectifications(s, TODAY + timedelta(days=40))
        assert [r.item_code for r in later] == ["SM-07", "JS-06"]  # longest overdue first
        assert overdue_rectifications(s, TODAY + timedelta(days=40), ["220102"]) == []
        assert {r.notice_number for r in later} == {
            "珲春住建市整〔2026〕1号", "珲春住建市整〔2026〕2号"}  # each finding its unit's


def test_findings_of_an_open_record_are_not_yet_overdue(ctx, store, clock):
    project = site(store, clock.now).project_id
    inspection_id = inspections.plan(ctx, project, method="日常", planned_on=TODAY, team=TEAM)
    inspections.start(ctx, inspection_id, place="现场")
    inspections.answer(ctx, inspection_id, "SM-07", "不符合")
    with store.db.read() as s:
        assert overdue_rectifications(s, TODAY + timedelta(days=30)) == []


def test_a_reinspection_is_due_when_the_rectification_periods_end(ctx, store, clock, photo):
    project = site(store, clock.now).project_id
    original = completed(ctx, project, photo, {"SM-07": ("不符合", "告示牌不全"),
                                               "SG-08": ("不符合", "社保在外单位")})
    last = TODAY + timedelta(days=15)  # SG-08 allows 15 days, SM-07 seven
    with store.db.read() as s:
        assert due_reinspections(s, last - timedelta(days=8)) == []
        (due,) = due_reinspections(s, last - timedelta(days=7))
    assert (due.inspection_id, due.open_findings, due.last_deadline) == (original, 2, last)
    assert due.scheduled_id is None

    clock.now += timedelta(days=16)
    re_id = inspections.reinspect(ctx, original, planned_on=last + timedelta(days=2))
    with store.db.read() as s:
        (due,) = due_reinspections(s, last + timedelta(days=1))
    assert (due.scheduled_id, due.scheduled_number) == (re_id, "珲春住建市检〔2026〕002号")

    inspections.start(ctx, re_id, place="现场")
    inspections.answer(ctx, re_id, "SM-07", "符合", "已整改")
    inspections.answer(ctx, re_id, "SG-08", "符合", "已转入")
    sign_all(ctx, re_id)
    inspections.complete(ctx, re_id, "均已整改。")
    with store.db.read() as s:
        assert due_reinspections(s, last + timedelta(days=60)) == []
        assert overdue_rectifications(s, last + timedelta(days=60)) == []


def test_coverage_lists_active_projects_not_inspected_this_year(ctx, store, clock, photo):
    inspected = site(store, clock.now).project_id
    completed(ctx, inspected, photo)
    planned = add_project(store, clock.now, name="珲春市污水处理厂提标改造工程", parties={})
    inspections.plan(ctx, planned, method="专项", planned_on=TODAY + timedelta(days=10),
                     team=TEAM)
    untouched = add_project(store, clock.now, name="珲春市滨河路道路改造工程", parties={})
    add_project(store, clock.now, name="已竣工的住宅楼", parties={}, status="竣工")
    add_project(store, clock.now, name="长春某工程", parties={}, division_code="220102")

    with store.db.read() as s:
        c = coverage(s, 2026, ["222404"])
        assert (c.active_projects, c.inspected) == (3, 1)
        assert {(r.project_id, r.planned) for r in c.not_inspected} == {
            (untouched, False), (planned, True)}
        assert coverage(s, 2027, ["222404"]).inspected == 0
        last_year = next(r for r in coverage(s, 2027, ["222404"]).not_inspected
                         if r.project_id == inspected)
        assert last_year.last_inspected == TODAY
        assert coverage(s, 2026).active_projects == 4  # every division


def test_coverage_does_not_reveal_a_sealed_spot_check(ctx, store, clock):
    project = site(store, clock.now).project_id
    draws.add_pool_member(ctx, kind=OFFICIAL, name="朴成哲", enforcement_cert_no="22240400017")
    draws.add_pool_member(ctx, kind=EXPERT, name="金哲")
    draws.make_draw(ctx, DrawParams(projects=1), seed="x")
    with store.db.read() as s:
        (row,) = coverage(s, 2026, ["222404"]).not_inspected
    assert row.project_id == project and row.planned is False


def test_the_template_is_parsed_once_per_version(ctx, store, clock):
    project = site(store, clock.now).project_id
    inspection_id = inspections.plan(ctx, project, method="日常", planned_on=TODAY, team=TEAM)
    template_id = detail(store, inspection_id).template_id
    with store.db.read() as s:
        first, again = template_for(s, template_id), template_for(s, template_id)
    assert first is again and len(first.items) == 40


def test_the_detail_has_the_particulars_the_form_and_the_record_need(ctx, store, clock, photo):
    project = site(store, clock.now).project_id
    inspection_id = completed(ctx, project, photo, {"SM-07": ("不符合", "告示牌不全")})
    d = detail(store, inspection_id)
    assert [(p.role, p.name) for p in d.parties] == [
        ("建设单位", "珲春市城市建设投资集团有限公司"), ("施工单位", "吉林省鑫源建筑工程有限公司"),
        ("监理单位", "延边正信工程监理有限公司")]
    assert {(p.role, p.name, p.cert_no) for p in d.people} == {
        ("项目负责人", "张立新", "吉222151612345"), ("总监理工程师", "李明", "22006789")}
    assert [(m.name, m.kind, m.cert_no) for m in d.team] == [
        ("刘晓燕", "干部", "22240400001"), ("金哲", "专家", "")]
    assert [s.title for s in d.sections][:2] == ["建设单位", "施工单位"]
    board = next(i for i in d.items if i.code == "SM-07")
    assert board.finding and board.basis and not board.amended
    assert len(next(i for i in d.items if i.code == "SM-08").photos) == 1
    assert d.progress.complete and d.progress.findings == 1
    assert len(d.signatures) == 3 and d.division_name == "珲春市"
