"""The abnormal-list workflow as published data: the shipped file parsed exactly, every fault
of a definition named, and each refusal of a step with its own words and edges."""

from __future__ import annotations

import copy
from datetime import date

import pytest

import shipped
from jjg_desktop.rules.workdays import WorkCalendar
from jjg_desktop.rules.workflow import (
    ActorRef,
    CaseState,
    Deadline,
    Submission,
    TransitionRefused,
    WorkflowError,
    available,
    check,
    due_date,
    parse_workflow,
)

SHIPPED = shipped.workflow_json()
TODAY = date(2026, 5, 18)
PROVINCE = ActorRef("province_admin", 1, True)
PREFECTURE = ActorRef("prefecture_reviewer", 2, True)
COUNTY = ActorRef("county_clerk", 3, True)


def wf():
    """Parsed afresh in each test, so every planted bug in the parser meets the tests."""
    return parse_workflow(SHIPPED)


def test_the_shipped_definition_is_read_field_by_field():
    WF = wf()
    assert (WF.code, WF.version) == (SHIPPED["code"], SHIPPED["version"])
    assert WF.title == SHIPPED["title"]
    assert WF.grounds == ("信息登记不实", "虚假承诺", "没有固定办公场所", "联系不上")
    assert dict(WF.periods) == SHIPPED["periods"]
    listing = WF.transition("list")
    assert listing is not None
    assert (listing.sources, listing.target, listing.roles, listing.levels, listing.requires,
            listing.deadline, listing.within_days_of_listing,
            listing.sets_enterprise_status) == (
        ("heard",), "listed", ("province_admin",), (1,), ("decision_no", "decision_date"),
        Deadline(30, False), None, "异常名录")
    objection = WF.transition("object")
    assert objection is not None
    assert (objection.levels, objection.within_days_of_listing, objection.deadline) == (
        (2, 3), 30, Deadline(5, True))
    assert WF.transition("propose").sources == (None,)  # type: ignore[union-attr]
    assert WF.transition("nothing") is None
    assert [t.action for t in WF.transitions] == [t["action"] for t in SHIPPED["transitions"]]
    terminal = {k for k, s in WF.states.items() if s.terminal}
    assert terminal == {"not_listed", "removed", "cleared"}
    assert WF.label(None) == "（新案件）" and WF.label("listed") == WF.states["listed"].label


def test_each_decision_document_is_the_provinces_data():
    WF = wf()
    assert set(WF.documents) == {"listed", "removed", "cleared", "notified",
                                 "clearing_notified"}
    assert WF.documents["notified"].announces == "listed"
    assert WF.documents["clearing_notified"].announces == "cleared"
    for state, doc in WF.documents.items():
        shipped = SHIPPED["documents"][state]
        assert (doc.title, list(doc.basis), doc.decision) == (
            shipped["title"], shipped["basis"], shipped["decision"])
        # a decision tells the remedies; a notice (not yet a decision) the right to be heard
        if doc.announces:
            assert "陈述和申辩" in doc.conditions and not doc.remedies
        else:
            assert doc.remedies and "行政复议" in doc.remedies


def _broken(change) -> dict:
    data = copy.deepcopy(SHIPPED)
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("states"), "流程定义缺少或错误的字段：'states'"),
    (lambda d: d["transitions"][0].pop("to"), "流程定义缺少或错误的字段：'to'"),
    (lambda d: d["transitions"].append(dict(d["transitions"][1])), "流程中的动作重复：return"),
    (lambda d: d["transitions"][1].update({"to": "limbo"}),
     "动作 return 引用了未定义的状态 limbo"),
    (lambda d: d["transitions"][1].update({"from": ["limbo"]}),
     "动作 return 引用了未定义的状态 limbo"),
    (lambda d: d["transitions"][1].update({"requires": ["comment", "bribe"]}),
     "动作 return 要求未知的内容：bribe"),
    (lambda d: d["transitions"][1].update({"levels": [4]}), "动作 return 的层级应为 1、2 或 3"),
    (lambda d: d["transitions"][1].update({"levels": [0]}), "动作 return 的层级应为 1、2 或 3"),
    (lambda d: d.update({"transitions": d["transitions"][1:]}),
     "流程缺少立案动作（from 含 null）"),
    (lambda d: d["documents"].update({"limbo": d["documents"]["listed"]}),
     "文书“入吉企业列入异常名录决定书”对应的状态“limbo”不在流程中"),
    (lambda d: d["documents"]["listed"].update({"basis": []}),
     "文书的依据（basis）应为至少一条条文"),
    (lambda d: d["documents"]["listed"].update({"conditions": "自{公示}起"}),
     "文书“入吉企业列入异常名录决定书”的条件中有无法填写的占位：'公示'"),
    (lambda d: d["documents"]["cleared"].pop("decision"), "流程定义缺少或错误的字段：'decision'"),
])
def test_a_broken_definition_is_refused_naming_its_fault(change, message: str):
    with pytest.raises(WorkflowError) as raised:
        parse_workflow(_broken(change))
    assert str(raised.value) == message


def _sub(action: str, version: int, **over) -> Submission:
    return Submission(action=action, base_version=version, today=TODAY, **over)


def _refused(case: CaseState, actor: ActorRef, sub: Submission) -> str:
    with pytest.raises(TransitionRefused) as raised:
        check(wf(), case, actor, sub)
    return str(raised.value)


def test_each_refusal_says_why():
    WF = wf()
    proposed = CaseState("proposed", 1)
    assert _refused(proposed, PREFECTURE, _sub("fly", 1)) == "流程中没有“fly”这一步"
    assert _refused(proposed, PREFECTURE, _sub("agree", 0, comment="同意")) == (
        "该案件已在别处被处理（当前第 1 版，您的操作基于第 0 版），请查看最新进展后重新决定")
    listing = _sub("list", 1, decision_no="1", decision_date=TODAY)
    assert _refused(proposed, PROVINCE, listing) == (
        f"案件当前为“{WF.states['proposed'].label}”，不能“{WF.transition('list').label}”")  # type: ignore[union-attr]
    assert _refused(proposed, COUNTY, _sub("agree", 1, comment="同意")) == "“同意列入”应由市州办理"
    outside = ActorRef("prefecture_reviewer", 2, False)
    assert _refused(proposed, outside, _sub("agree", 1, comment="同意")) == (
        "该案件不在您的管辖范围内")
    assert _refused(proposed, PREFECTURE, _sub("agree", 1, comment="  ")) == (
        "“同意列入”需要填写：意见说明")
    assert _refused(CaseState(None, 0), COUNTY, _sub("propose", 0, grounds=("乱收费",),
                                                     evidence=({"id": "v1"},))) == (
        "不是规定的列入事由：乱收费")
    assert _refused(CaseState(None, 0), COUNTY, _sub("propose", 0)) == (
        "“拟列入”需要填写：列入事由、证据")


def test_a_decision_may_be_dated_today_not_tomorrow():
    WF = wf()
    reviewed = CaseState("heard", 2)
    listing = _sub("list", 2, decision_no="吉建管〔2026〕1号", decision_date=TODAY)
    assert check(WF, reviewed, PROVINCE, listing).target == "listed"
    tomorrow = _sub("list", 2, decision_no="吉建管〔2026〕1号", decision_date=date(2026, 5, 19))
    assert _refused(reviewed, PROVINCE, tomorrow) == "决定日期不能晚于今天"


def test_an_objection_is_taken_up_to_the_thirtieth_day_after_listing():
    WF = wf()
    listed_on = date(2026, 4, 18)
    objection = _sub("object", 3, comment="企业申辩", evidence=({"id": "v2"},))
    last_day = CaseState("listed", 3, listed_on)
    assert check(WF, last_day, COUNTY, objection).target == "objection_received"
    late = CaseState("listed", 3, date(2026, 4, 17))
    assert _refused(late, COUNTY, objection) == (
        "已超过列入后 30 日的期限（列入日期 2026-04-17）")


def test_the_steps_an_actor_may_take_now():
    WF = wf()
    assert [t.action for t in available(WF, CaseState("proposed", 1), PREFECTURE)] == [
        "return", "agree"]
    assert [t.action for t in available(WF, CaseState("proposed", 1), COUNTY)] == ["withdraw"]
    assert available(WF, CaseState("proposed", 1), ActorRef("prefecture_reviewer", 2, False)) == []
    assert available(WF, CaseState("proposed", 1), ActorRef("prefecture_reviewer", 3, True)) == []
    assert [t.action for t in available(WF, CaseState("listed", 3), PROVINCE)] == [
        "notify_clearing"]
    assert [t.action for t in available(WF, CaseState("notified", 3), PROVINCE)] == [
        "hear_listing", "lapse_listing"]


def test_the_next_step_is_due_in_calendar_or_working_days():
    WF = wf()
    calendar = WorkCalendar(frozenset({date(2026, 5, 19)}), frozenset({date(2026, 5, 23)}),
                            frozenset({2026}))
    listing, proposing, withdrawing = (WF.transition(a) for a in ("list", "propose", "withdraw"))
    assert due_date(listing, TODAY, calendar) == date(2026, 6, 17)  # type: ignore[arg-type]
    # Mon 18 May; Tue 19 a holiday; Sat 23 a make-up working day: the 10th is Mon 1 June
    assert due_date(proposing, TODAY, calendar) == date(2026, 6, 1)  # type: ignore[arg-type]
    assert due_date(withdrawing, TODAY, calendar) is None  # type: ignore[arg-type]
