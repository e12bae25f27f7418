"""Read models of abnormal-list cases: one case's page, what its evidence items are, the
evidence a step may cite, the escalation after years on the list, and the cases waiting on a
user's level."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jjg_desktop.rules.verification import FAILED, PASSED, CallAttempt, CheckResult
from jjg_desktop.services.cases import StepInput, propose, take_step
from jjg_desktop.services.context import Actor, ServiceContext, Store
from jjg_desktop.services.verifications import record_verification
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import AbnormalCase, Finding, Inspection
from jjg_desktop.store.read.cases import (
    case_view,
    describe_evidence,
    evidence_choices,
)
from jjg_desktop.store.read.worklists import (
    CaseFilter,
    case_desk,
    case_ids,
    case_rows,
    waiting_cases,
)
from jjg_desktop.store.rulebook import escalation_due
from tests_support import (
    add_enterprise,
    add_project,
    notify_and_hear,
    shipped_template_id,
    signed_verification,
)

NOW = datetime(2026, 5, 18, 1, 30)


def _as(ctx: ServiceContext, username: str, name: str, role: str,
        division: str) -> ServiceContext:
    return ServiceContext(ctx.store, Actor(username, name, role, division), ctx.clock)


def _version(store: Store, case_id: str) -> int:
    with store.db.read() as s:
        return s.get(AbnormalCase, case_id).version


def _phone_check(ctx: ServiceContext, ent: str, on: date, reachable: str) -> str:
    call = CallAttempt(f"{on} 09:00", "13943312345", answered=reachable == PASSED)
    return record_verification(ctx, ent, verified_on=on, method="电话核查", verifiers=["刘晓燕"],
                               checks={"reachable": CheckResult(reachable, "三次无人接听",
                                                                [call])},
                               signatures=signed_verification(["刘晓燕"], "电话核查"))


def _finding(store: Store, ent: str, problem: str, *, status: str = "open") -> str:
    template = shipped_template_id()
    project = add_project(store, NOW, name="珲春市第一中学教学楼新建工程", parties={})
    with store.db.write() as s:
        inspection = Inspection(id=new_id(), number=f"珲建检〔2026〕{new_id()[:4]}号",
                                project_id=project, template_id=template, division_code="222404",
                                method="routine", status="completed", created_at=NOW,
                                updated_at=NOW)
        s.add(inspection)
        s.flush()
        finding = Finding(id=new_id(), inspection_id=inspection.id, item_code="3.1",
                          problem=problem, enterprise_id=ent, deadline=date(2026, 6, 1),
                          status=status, created_at=NOW, updated_at=NOW)
        s.add(finding)
    return finding.id


def test_evidence_choices_are_the_verifications_then_the_open_findings(ctx, store):
    ent = add_enterprise(store, NOW, name="江苏华泰建设工程有限公司")
    old = _phone_check(ctx, ent, date(2026, 3, 2), PASSED)
    new = _phone_check(ctx, ent, date(2026, 5, 11), FAILED)
    finding = _finding(store, ent, "项目负责人未到岗")
    _finding(store, ent, "已整改的问题", status="closed")
    with store.db.read() as s:
        choices = evidence_choices(s, ent)
    assert [c.item["id"] for c in choices] == [new, old, finding]
    assert choices[0].text == "2026-05-11 电话核查：能够取得联系不通过"
    assert choices[1].text == "2026-03-02 电话核查：各项核查通过"
    assert choices[2].text.endswith("：项目负责人未到岗（整改期限 2026-06-01）")
    assert choices[2].item == {"kind": "finding", "id": finding, "summary": "项目负责人未到岗"}


def test_evidence_items_read_as_what_they_point_to(ctx, store):
    ent = add_enterprise(store, NOW)
    v = _phone_check(ctx, ent, date(2026, 5, 11), FAILED)
    finding = _finding(store, ent, "未设立在吉办公场所", status="closed")
    items = [{"kind": "verification", "id": v, "check": "reachable"},
             {"kind": "verification", "id": v, "check": "office_present"},
             {"kind": "finding", "id": finding},
             {"kind": "verification", "id": "elsewhere", "summary": "2023-01-05 实地核查"},
             {"kind": "note", "id": "n1", "summary": "企业提交的整改报告"}]
    with store.db.read() as s:
        views = describe_evidence(s, items)
    assert [(e.kind, e.text, e.on_record) for e in views] == [
        ("verification", "2026-05-11 电话核查：能够取得联系不通过、固定办公场所不通过", True),
        ("finding", views[1].text, True),
        ("verification", "2023-01-05 实地核查", False),
        ("note", "企业提交的整改报告", False)]
    assert views[1].text.endswith("：未设立在吉办公场所（已整改）")


@pytest.mark.parametrize(("listed", "today", "due"), [
    (date(2023, 5, 12), date(2026, 5, 11), False),
    (date(2023, 5, 12), date(2026, 5, 12), True),
    (date(2024, 2, 29), date(2027, 2, 28), False),
    (date(2024, 2, 29), date(2027, 3, 1), True),
    (None, date(2030, 1, 1), False),
])
def test_three_years_on_the_list_is_due_for_escalation(listed, today, due):
    assert escalation_due(listed, today) is due


def test_the_case_view_follows_the_case(ctx, store):
    ent = add_enterprise(store, NOW, name="江苏华泰建设工程有限公司")
    v = _phone_check(ctx, ent, date(2026, 5, 11), FAILED)
    case = propose(ctx, ent, grounds=["联系不上"], step=StepInput(
        comment="三次电话均未接通", evidence=[{"kind": "verification", "id": v}]))
    take_step(_as(ctx, "yb01", "金哲", "prefecture_reviewer", "222400"), case, "agree",
              base_version=_version(store, case), step=StepInput(comment="同意"))
    notify_and_hear(_as(ctx, "st01", "孙伟", "province_admin", "220000"), case)
    take_step(_as(ctx, "st01", "孙伟", "province_admin", "220000"), case, "list",
              base_version=_version(store, case),
              step=StepInput(decision_no="吉建管异〔2026〕3号", decision_date=date(2026, 5, 18)))
    with store.db.read() as s:
        view = case_view(s, case)
        row = case_rows(s, [case])[0]
    assert view is not None
    assert view.enterprise_status == "异常名录" and view.listed_on == date(2026, 5, 18)
    assert [e.text for e in view.evidence] == ["2026-05-11 电话核查：能够取得联系不通过"]
    assert [len(e) for e in view.step_evidence] == [1, 0, 1, 0, 0]  # the notice served
    assert [e.text for e in view.step_evidence[2]] == [
        "入吉企业拟列入异常名录告知书 吉建告〔2026〕1号（2026-05-18）"]
    assert [t.actor for t in view.detail.timeline] == ["刘晓燕", "金哲", "孙伟", "孙伟", "孙伟"]
    # listed: the case waits on the enterprise (an objection or an application), no level
    assert row.listed_on == date(2026, 5, 18) and row.waiting_level is None
    assert not row.overdue_on(date(2026, 7, 1))  # the objection period passes, never overdue
    assert row.division == "珲春市"
    assert row.escalation_due(date(2029, 5, 18)) and not row.escalation_due(date(2029, 5, 17))


def _case(store: Store, name: str, state: str, division: str, deadline: date | None) -> str:
    ent = add_enterprise(store, NOW, name=name, division_code=division)
    case = AbnormalCase(id=new_id(), enterprise_id=ent, division_code=division, state=state,
                        grounds=["联系不上"], deadline=deadline, created_at=NOW, updated_at=NOW)
    with store.db.write() as s:
        s.add(case)
    return case.id


def test_cases_waiting_on_a_level_in_its_scope(store):
    hunchun = _case(store, "珲春甲公司", "returned", "222404", date(2026, 6, 1))
    late = _case(store, "珲春乙公司", "listed", "222404", date(2026, 5, 1))
    _case(store, "珲春丙公司", "proposed", "222404", date(2026, 5, 2))
    _case(store, "珲春丁公司", "removed", "222404", None)
    _case(store, "延吉戊公司", "returned", "222401", date(2026, 5, 3))
    reviewed = _case(store, "延吉己公司", "proposed", "222401", None)
    with store.db.read() as s:
        county = case_desk(s, "county_clerk", "222404")
        prefecture = case_desk(s, "prefecture_reviewer", "222400")
        inspector = case_desk(s, "inspector", "222404")
        assert county.level == 3 and county.division_codes == ("222404",)
        assert prefecture.level == 2 and "222401" in prefecture.division_codes
        assert inspector.level is None
        assert [r.id for r in waiting_cases(s, county)] == [hunchun]
        assert late not in case_ids(s, CaseFilter(overdue_on=date(2026, 5, 10)))
        assert [r.enterprise for r in waiting_cases(s, prefecture)] == ["珲春丙公司", "延吉己公司"]
        assert waiting_cases(s, inspector) == []
        assert case_ids(s, CaseFilter(state="proposed", division_codes=("222401",))) == [
            reviewed]
        assert case_ids(s, CaseFilter(waiting_level=1)) == []
