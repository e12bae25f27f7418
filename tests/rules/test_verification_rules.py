from __future__ import annotations

from datetime import date

from jjg_desktop.rules.verification import (
    BY_PHONE,
    ON_SITE,
    CallAttempt,
    CheckResult,
    failed_grounds,
    is_due,
    verification_problems,
)

TODAY = date(2026, 5, 18)


def _problems(method=ON_SITE, verifiers=("张三", "李四"), checks=None, on=TODAY):
    checks = checks if checks is not None else {"office_present": CheckResult("通过")}
    return verification_problems(method=method, verifiers=list(verifiers), checks=checks,
                                 verified_on=on, today=TODAY)


def test_a_complete_visit_has_no_problems():
    assert _problems() == []


def test_on_site_needs_two_people_and_a_failed_check_needs_an_explanation():
    assert "实地核查应由至少两名人员进行" in _problems(verifiers=["张三"])
    failed = {"office_present": CheckResult("不通过")}
    assert "固定办公场所判定为不通过，请写明情况" in _problems(checks=failed)


def test_a_phone_check_needs_its_call_log_and_an_unanswered_call_to_say_unreachable():
    no_log = {"reachable": CheckResult("不通过", note="无人接听")}
    assert "电话核查请记录拨打时间和号码" in _problems(method=BY_PHONE, verifiers=["张三"],
                                                       checks=no_log)
    answered = {"reachable": CheckResult("不通过", note="x", calls=[
        CallAttempt("2026-05-18 09:00", "13904331234", answered=True)])}
    assert "判定联系不上时，通话记录中应有未接通的呼叫" in _problems(
        method=BY_PHONE, verifiers=["张三"], checks=answered)


def test_nothing_concluded_or_a_future_date_is_refused():
    assert "至少需要对一项内容作出核查结论" in _problems(checks={})
    assert any("晚于今天" in p for p in _problems(on=date(2026, 5, 19)))


def test_failed_checks_map_to_the_abnormal_list_grounds_in_order():
    checks = {"reachable": CheckResult("不通过"), "registration_true": CheckResult("不通过"),
              "office_present": CheckResult("通过")}
    assert failed_grounds(checks) == ["信息登记不实", "联系不上"]


def test_due_when_never_verified_or_the_period_has_passed():
    assert is_due(None, TODAY, 365)
    assert is_due(date(2025, 5, 18), TODAY, 365)
    assert not is_due(date(2025, 5, 19), TODAY, 365)
