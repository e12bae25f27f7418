from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from jjg_desktop.services.cases import StepInput, actions_for, propose, take_step
from jjg_desktop.services.context import Actor, ServiceContext
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.services.startup import set_profile
from jjg_desktop.store.audit import verify_chain
from jjg_desktop.store.models import AbnormalCase, CaseTransition, Enterprise, OutboxCommand
from tests_support import add_enterprise

EVIDENCE = [{"kind": "verification", "id": "v-1", "check": "reachable"}]


def _ctx(store, clock, username, name, role, division) -> ServiceContext:
    actor = Actor(username=username, display_name=name, role=role, division_code=division)
    return ServiceContext(store=store, actor=actor, clock=clock)


@pytest.fixture
def people(store, clock):
    set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                division_code="222404")
    return {
        "county": _ctx(store, clock, "clerk01", "刘晓燕", "county_clerk", "222404"),
        "other_county": _ctx(store, clock, "clerk09", "王丽", "county_clerk", "222401"),
        "prefecture": _ctx(store, clock, "yb01", "金哲", "prefecture_reviewer", "222400"),
        "other_prefecture": _ctx(store, clock, "cc01", "赵磊", "prefecture_reviewer", "220100"),
        "province": _ctx(store, clock, "st01", "孙伟", "province_admin", "220000"),
    }


def _ent(store, clock) -> str:
    return add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                          home_province="江苏省", home_province_code="320000")


def _version(store, case_id) -> int:
    with store.db.read() as s:
        return s.get(AbnormalCase, case_id).version


def test_a_case_goes_from_proposal_through_listing_to_removal(people, store, clock):
    ent = _ent(store, clock)
    case = propose(people["county"], ent, grounds=["联系不上"],
                   step=StepInput(comment="三次电话均未接通", evidence=EVIDENCE))
    steps = [("prefecture", "return", StepInput(comment="请补充实地核查记录")),
             ("county", "resubmit", StepInput(comment="已补充", evidence=[
                 {"kind": "verification", "id": "v-2", "check": "office_present"}])),
             ("prefecture", "agree", StepInput(comment="事实清楚，同意列入")),
             ("province", "notify_listing", StepInput(decision_no="吉建告〔2026〕3号",
                                                      decision_date=date(2026, 5, 18))),
             ("province", "hear_listing", StepInput(comment="企业陈述已恢复联系，未提交证明")),
             ("province", "list", StepInput(decision_no="吉建管异〔2026〕3号",
                                            decision_date=date(2026, 5, 18))),
             ("county", "apply_rectification", StepInput(comment="企业已恢复办公", evidence=[
                 {"kind": "attachment", "id": "a-1"}])),
             ("prefecture", "verify_rectification", StepInput(comment="经核实已整改",
                                                               evidence=[{"kind": "note",
                                                                          "id": "n-1"}])),
             ("province", "remove", StepInput(decision_no="吉建管异〔2026〕9号",
                                              decision_date=date(2026, 5, 18)))]
    statuses = []
    for who, action, step in steps:
        take_step(people[who], case, action, base_version=_version(store, case), step=step)
        with store.db.read() as s:
            statuses.append(s.get(Enterprise, ent).status)
    assert statuses[3] == statuses[4] == "正常"  # told, heard: not yet listed
    assert statuses[5] == "异常名录" and statuses[-1] == "正常"
    with store.db.read() as s:
        c = s.get(AbnormalCase, case)
        history = s.scalars(select(CaseTransition).where(CaseTransition.case_id == case)
                            .order_by(CaseTransition.case_version)).all()
        commands = s.scalar(select(func.count()).select_from(OutboxCommand).where(
            OutboxCommand.command == "case.transition"))
        assert verify_chain(s).ok
    assert c.state == "removed" and c.version == 10 and c.decision_no == "吉建管异〔2026〕9号"
    assert [h.action for h in history] == ["propose", *[a for _, a, _ in steps]]
    assert [h.actor for h in history[:3]] == ["clerk01", "yb01", "clerk01"]
    assert history[1].comment == "请补充实地核查记录" and commands == 10
    assert len(c.evidence) == 4


def test_a_stale_decision_is_refused_and_says_so(people, store, clock):
    case = propose(people["county"], _ent(store, clock), grounds=["联系不上"],
                   step=StepInput(comment="x", evidence=EVIDENCE))
    seen = _version(store, case)
    take_step(people["prefecture"], case, "agree", base_version=seen,
              step=StepInput(comment="同意"))
    with pytest.raises(InvalidInput, match="已在别处被处理"):
        take_step(people["prefecture"], case, "return", base_version=seen,
                  step=StepInput(comment="退回"))


def test_only_the_right_level_in_the_right_place_may_act(people, store, clock):
    case = propose(people["county"], _ent(store, clock), grounds=["虚假承诺"],
                   step=StepInput(comment="x", evidence=EVIDENCE))
    v = _version(store, case)
    with pytest.raises(InvalidInput, match="不在您的管辖范围"):
        take_step(people["other_prefecture"], case, "agree", base_version=v,
                  step=StepInput(comment="同意"))
    with pytest.raises(InvalidInput, match="应由市州办理"):
        take_step(people["county"], case, "agree", base_version=v, step=StepInput(comment="x"))
    assert [t.action for t in actions_for(people["prefecture"], case)] == ["return", "agree"]
    assert [t.action for t in actions_for(people["county"], case)] == ["withdraw"]
    assert actions_for(people["other_county"], case) == []


def test_one_open_case_per_enterprise_and_a_deadline_on_each_step(people, store, clock):
    ent = _ent(store, clock)
    case = propose(people["county"], ent, grounds=["联系不上"],
                   step=StepInput(comment="x", evidence=EVIDENCE))
    with store.db.read() as s:
        assert s.get(AbnormalCase, case).deadline == date(2026, 6, 1)  # 10 working days
    with pytest.raises(InvalidInput, match="已有办理中的异常名录案件"):
        propose(people["county"], ent, grounds=["虚假承诺"],
                step=StepInput(comment="x", evidence=EVIDENCE))


def test_clearing_out_marks_the_enterprise(people, store, clock):
    ent = _ent(store, clock)
    case = propose(people["county"], ent, grounds=["没有固定办公场所"],
                   step=StepInput(comment="x", evidence=EVIDENCE))
    for who, action, step in [
            ("prefecture", "agree", StepInput(comment="同意")),
            ("province", "notify_listing", StepInput(decision_no="吉建告〔2026〕4号",
                                                     decision_date=date(2026, 5, 18))),
            ("province", "hear_listing", StepInput(comment="企业未提出新的事实")),
            ("province", "list", StepInput(decision_no="吉建管异〔2026〕4号",
                                           decision_date=date(2026, 5, 18)))]:
        take_step(people[who], case, action, base_version=_version(store, case), step=step)
    clock.now = datetime(2026, 9, 1, 9, 0)
    take_step(people["province"], case, "notify_clearing", base_version=_version(store, case),
              step=StepInput(comment="逾期未整改", decision_no="吉建告〔2026〕21号",
                             decision_date=date(2026, 9, 1)))
    with store.db.read() as s:
        told = s.get(AbnormalCase, case)
        assert (told.state, told.decision_no) == ("clearing_notified", "吉建管异〔2026〕4号")
        assert told.deadline == date(2026, 9, 8)  # five working days: 2–4, 7, 8 Sept
        assert s.get(Enterprise, ent).status == "异常名录"
    with pytest.raises(InvalidInput, match="陈述申辩期（至 2026-09-08）尚未届满"):
        take_step(people["province"], case, "lapse_clearing",
                  base_version=_version(store, case), step=StepInput())
    clock.now = datetime(2026, 9, 9, 1, 0)
    take_step(people["province"], case, "lapse_clearing", base_version=_version(store, case),
              step=StepInput())
    clock.now = datetime(2026, 9, 10, 1, 0)
    take_step(people["province"], case, "clear_out", base_version=_version(store, case),
              step=StepInput(comment="逾期未整改", decision_no="吉建管异〔2026〕21号",
                             decision_date=date(2026, 9, 10)))
    with store.db.read() as s:
        assert s.get(Enterprise, ent).status == "清出"
        served = [t.evidence for t in s.scalars(select(CaseTransition).where(
            CaseTransition.case_id == case, CaseTransition.action == "notify_clearing"))]
    title = "入吉企业拟清出吉林省建筑市场告知书"
    assert served == [[{"kind": "notice", "id": "吉建告〔2026〕21号", "date": "2026-09-01",
                        "summary": f"{title} 吉建告〔2026〕21号（2026-09-01）"}]]


def test_early_morning_in_jilin_counts_as_that_day(people, store, clock):
    """At 07:30 Beijing time it is still yesterday in UTC: a decision dated today stands."""
    ent = _ent(store, clock)
    case = propose(people["county"], ent, grounds=["联系不上"],
                   step=StepInput(comment="x", evidence=EVIDENCE))
    take_step(people["prefecture"], case, "agree", base_version=_version(store, case),
              step=StepInput(comment="同意"))
    take_step(people["province"], case, "notify_listing", base_version=_version(store, case),
              step=StepInput(decision_no="吉建告〔2026〕7号", decision_date=date(2026, 5, 10)))
    take_step(people["province"], case, "hear_listing", base_version=_version(store, case),
              step=StepInput(comment="企业陈述：电话已恢复"))
    clock.now = datetime(2026, 5, 17, 23, 30)  # 2026-05-18 07:30 in Jilin
    take_step(people["province"], case, "list", base_version=_version(store, case),
              step=StepInput(decision_no="吉建管异〔2026〕7号", decision_date=date(2026, 5, 18)))
    with store.db.read() as s:
        assert s.get(AbnormalCase, case).state == "listed"


def test_a_notice_number_names_one_notice(people, store, clock):
    """A 告知书's 文号 is served once: the same number on another case's notice is refused,
    naming the enterprise it was served to, and nothing is written."""
    first, second = (propose(people["county"], add_enterprise(
        store, clock.now, name=name, home_province="江苏省", home_province_code="320000"),
        grounds=["联系不上"], step=StepInput(comment="x", evidence=EVIDENCE))
        for name in ("江苏华泰建设工程有限公司", "江苏恒通建设有限公司"))
    for case in (first, second):
        take_step(people["prefecture"], case, "agree", base_version=_version(store, case),
                  step=StepInput(comment="同意"))
    notice = StepInput(decision_no="吉建告〔2026〕8号", decision_date=date(2026, 5, 18))
    take_step(people["province"], first, "notify_listing", base_version=_version(store, first),
              step=notice)
    served = "告知书文号 吉建告〔2026〕8号 已用于“江苏华泰建设工程有限公司”"
    with pytest.raises(InvalidInput, match=served):
        take_step(people["province"], second, "notify_listing",
                  base_version=_version(store, second), step=notice)
    with store.db.read() as s:
        assert s.get(AbnormalCase, second).state == "reviewed"
