from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

import shipped
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
from jjg_desktop.store.rulebook import work_calendar

SHIPPED = shipped.workflow_json()
ACTIONS = [t["action"] for t in SHIPPED["transitions"]]
ROLES = ("inspector", "county_clerk", "prefecture_reviewer", "province_admin")
TODAY = date(2026, 5, 18)


def _complete(action: str, version: int = 3) -> Submission:
    return Submission(action=action, base_version=version, today=TODAY, comment="意见",
                      grounds=["联系不上"], evidence=[{"kind": "verification", "id": "v1"}],
                      decision_no="吉建管异〔2026〕3号", decision_date=TODAY)


def _wf():
    """Parsed afresh in each test (no cache), so every planted bug in the rules meets it."""
    return parse_workflow(SHIPPED)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_role_and_level_is_allowed_or_refused_as_the_workflow_says(action: str):
    WF = _wf()
    t = WF.transition(action)
    assert t is not None
    source = t.sources[0]
    lapsed = TODAY - timedelta(days=1) if t.after_deadline else None
    case = CaseState(state=source, version=3, listed_on=TODAY, deadline=lapsed)
    for role, level in itertools.product(ROLES, (1, 2, 3)):
        actor = ActorRef(role=role, level=level, in_scope=True)
        allowed = role in t.roles and level in t.levels
        if allowed:
            assert check(WF, case, actor, _complete(t.action)) is t
            assert t in available(WF, case, actor)
        else:
            with pytest.raises(TransitionRefused, match="应由"):
                check(WF, case, actor, _complete(t.action))
            assert t not in available(WF, case, actor)


def test_the_shipped_life_cycle_runs_from_proposal_to_removal_or_clearing():
    WF = _wf()
    def run(path: list[str], state: str | None = None) -> str | None:
        for action in path:
            t = WF.transition(action)
            assert state in t.sources, action
            state = t.target
        return state

    listed = run(["propose", "return", "resubmit", "agree", "notify_listing", "hear_listing",
                  "list"])
    assert listed == "listed"
    assert run(["apply_rectification", "verify_rectification", "remove"], listed) == "removed"
    assert run(["object", "accept_objection_review", "accept_objection"], listed) == "removed"
    assert run(["object", "refuse_objection"], listed) == "listed"
    assert run(["object", "accept_objection_review", "uphold"], listed) == "listed"
    assert run(["notify_clearing", "lapse_clearing", "clear_out"], listed) == "cleared"
    assert run(["notify_clearing", "hear_clearing", "keep_listed"], listed) == "listed"
    assert WF.states["removed"].terminal and WF.states["cleared"].terminal


def test_no_listing_or_clearing_without_the_prior_notice():
    """行政处罚法 第四十四、四十五条: the party is told first and may state its case."""
    WF = _wf()
    province = ActorRef("province_admin", 1, in_scope=True)
    with pytest.raises(TransitionRefused, match="不能“决定列入”"):
        check(WF, CaseState("reviewed", version=3), province, _complete("list"))
    with pytest.raises(TransitionRefused, match="不能“决定列入”"):
        check(WF, CaseState("notified", version=3), province, _complete("list"))
    with pytest.raises(TransitionRefused, match="不能“清出吉林市场”"):
        check(WF, CaseState("listed", version=3), province, _complete("clear_out"))
    assert WF.transition("notify_listing").notice and WF.transition("notify_clearing").notice
    notified = WF.transition("notify_listing")
    assert notified.deadline.days == 5 and notified.deadline.working
    assert WF.states["notified"].deadline_label == "陈述申辩期"


def test_a_lapse_is_recorded_only_once_the_statement_period_has_passed():
    WF = _wf()
    province = ActorRef("province_admin", 1, in_scope=True)
    waiting = CaseState("notified", version=3, deadline=TODAY)
    with pytest.raises(TransitionRefused, match=f"陈述申辩期（至 {TODAY.isoformat()}）尚未届满"):
        check(WF, waiting, province, _complete("lapse_listing"))
    passed = CaseState("notified", version=3, deadline=TODAY - timedelta(days=1))
    assert check(WF, passed, province, _complete("lapse_listing")).target == "heard"
    # the party's statement may be recorded at any time
    assert check(WF, waiting, province, _complete("hear_listing")).target == "heard"


def test_an_objection_is_accepted_within_five_working_days_and_answered_within_twenty():
    WF = _wf()
    assert WF.transition("object").target == "objection_received"
    assert WF.transition("object").deadline == Deadline(5, True)
    assert WF.transition("accept_objection_review").deadline == Deadline(20, True)
    assert WF.states["objection_received"].waiting_level == 1


def test_out_of_scope_stale_wrong_state_and_missing_fields_are_refused():
    WF = _wf()
    county = ActorRef("county_clerk", 3, in_scope=True)
    prefecture = ActorRef("prefecture_reviewer", 2, in_scope=False)
    case = CaseState("proposed", version=3)
    with pytest.raises(TransitionRefused, match="不在您的管辖范围"):
        check(WF, case, prefecture, _complete("agree"))
    with pytest.raises(TransitionRefused, match="当前第 4 版，您的操作基于第 3 版"):
        check(WF, CaseState("proposed", version=4), ActorRef("prefecture_reviewer", 2, True),
              _complete("agree"))
    with pytest.raises(TransitionRefused, match="案件当前为“拟列入（待市州审核）”，不能“决定列入”"):
        check(WF, case, ActorRef("province_admin", 1, True), _complete("list"))
    bare = Submission(action="propose", base_version=1, today=TODAY)
    with pytest.raises(TransitionRefused, match="需要填写：列入事由、证据"):
        check(WF, CaseState(None, version=1), county, bare)
    odd = Submission(action="propose", base_version=1, today=TODAY, grounds=["经营不善"],
                     evidence=[{"kind": "note", "id": "x"}])
    with pytest.raises(TransitionRefused, match="不是规定的列入事由：经营不善"):
        check(WF, CaseState(None, version=1), county, odd)


def test_objection_only_within_thirty_days_of_listing():
    WF = _wf()
    county = ActorRef("county_clerk", 3, in_scope=True)
    listed = CaseState("listed", version=3, listed_on=date(2026, 4, 18))
    assert check(WF, listed, county, _complete("object")).target == "objection_received"
    late = CaseState("listed", version=3, listed_on=date(2026, 4, 17))
    with pytest.raises(TransitionRefused, match="已超过列入后 30 日的期限"):
        check(WF, late, county, _complete("object"))


def test_working_day_deadlines_skip_holidays_and_count_makeup_days():
    WF = _wf()
    cal = work_calendar()
    agree = WF.transition("agree")  # next step due in 10 working days
    # National Day 2026: 1–7 Oct off, Sat 10 Oct worked: 8, 9, 10, 12–16, 19, 20 Oct.
    assert due_date(agree, date(2026, 9, 30), cal) == date(2026, 10, 20)
    assert cal.is_workday(date(2026, 10, 10)) and not cal.is_workday(date(2026, 10, 5))
    # Spring Festival 2025: 28 Jan – 4 Feb off, Sun 26 Jan and Sat 8 Feb worked.
    assert cal.add_workdays(date(2025, 1, 24), 1) == date(2025, 1, 26)
    assert cal.add_workdays(date(2025, 1, 27), 1) == date(2025, 2, 5)
    assert cal.workdays_between(date(2025, 2, 4), date(2025, 2, 8)) == 4
    listed = WF.transition("list")  # calendar days
    assert due_date(listed, date(2026, 9, 30), cal) == date(2026, 10, 30)


def test_a_broken_workflow_definition_is_refused_with_the_fault():
    good = {"code": "x", "version": "1", "grounds": ["联系不上"],
            "states": {"a": {"label": "甲"}},
            "transitions": [{"action": "start", "label": "开始", "from": [None], "to": "a",
                             "roles": ["county_clerk"], "levels": [3]}]}
    assert parse_workflow(good).transition("start").target == "a"
    bad_state = {**good, "transitions": [{**good["transitions"][0], "to": "zzz"}]}
    with pytest.raises(WorkflowError, match="未定义的状态 zzz"):
        parse_workflow(bad_state)
    with pytest.raises(WorkflowError, match="缺少"):
        parse_workflow({"code": "x"})


def test_the_years_a_deadline_runs_through_without_their_holidays():
    cal = work_calendar()
    assert cal.years == frozenset({2023, 2024, 2025, 2026})
    assert cal.unknown_years(date(2026, 12, 20), date(2026, 12, 31)) == []
    assert cal.unknown_years(date(2026, 12, 20), date(2027, 1, 8)) == [2027]
    assert cal.unknown_years(date(2026, 12, 20), date(2028, 2, 1)) == [2027, 2028]
    # counted through 2027 with weekends only: New Year's Day is taken as a working day
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)
