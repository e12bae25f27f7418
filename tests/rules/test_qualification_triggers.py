from __future__ import annotations

from datetime import date

from jjg_desktop.rules.qualification import (
    ACCIDENT,
    CREDIT,
    OUTPUT,
    PERSONNEL,
    EnterpriseSituation,
    Fact,
    triggers,
)

TODAY = date(2026, 5, 18)


def _codes(s: EnterpriseSituation) -> list[str]:
    return [t.code for t in triggers(s, TODAY)]


def _ok(**over) -> EnterpriseSituation:
    values = dict(safety_licence_no="（苏）JZ安许证字〔2021〕000123",
                  safety_licence_expiry=date(2027, 1, 1))
    values.update(over)
    return EnterpriseSituation(**values)


def test_an_enterprise_with_nothing_recorded_against_it_is_not_flagged():
    assert _codes(_ok(facts=[Fact(CREDIT, year=2025, value="A")])) == []


def test_latest_credit_grade_decides():
    failing = _ok(facts=[Fact(CREDIT, year=2024, value="A"), Fact(CREDIT, year=2025,
                                                                  value="不合格")])
    recovered = _ok(facts=[Fact(CREDIT, year=2024, value="不合格"),
                           Fact(CREDIT, year=2025, value="B")])
    assert _codes(failing) == ["credit"] and _codes(recovered) == []
    assert triggers(failing, TODAY)[0].reason == "2025年度信用综合评价为“不合格”"


def test_accident_within_a_year_triggers_an_older_one_does_not():
    recent = _ok(facts=[Fact(ACCIDENT, occurred_on=date(2025, 9, 3), detail="塔吊倒塌")])
    old = _ok(facts=[Fact(ACCIDENT, occurred_on=date(2024, 9, 3))])
    assert _codes(recent) == ["accident"] and "塔吊倒塌" in triggers(recent, TODAY)[0].reason
    assert _codes(old) == []


def test_two_years_of_zero_output_trigger_but_unknown_years_do_not():
    zero = _ok(facts=[Fact(OUTPUT, year=2024, value="0"), Fact(OUTPUT, year=2025, value="0")])
    one_unknown = _ok(facts=[Fact(OUTPUT, year=2025, value="0")])
    some_output = _ok(facts=[Fact(OUTPUT, year=2024, value="0"),
                             Fact(OUTPUT, year=2025, value="120.5")])
    assert _codes(zero) == ["no_output"]
    assert _codes(one_unknown) == [] and _codes(some_output) == []


def test_frequent_personnel_moves():
    moves = [Fact(PERSONNEL, occurred_on=date(2026, m, 1), detail="项目负责人更换")
             for m in (1, 3, 5)]
    assert _codes(_ok(facts=moves)) == ["personnel"]
    assert _codes(_ok(facts=moves[:2])) == []


def test_missing_or_expired_licence():
    assert triggers(_ok(safety_licence_no=" "), TODAY)[0].reason == "未登记安全生产许可证"
    expired = triggers(_ok(safety_licence_expiry=date(2026, 5, 17)), TODAY)
    assert [t.code for t in expired] == ["licence"] and "2026-05-17" in expired[0].reason
    assert _codes(_ok(safety_licence_expiry=date(2026, 5, 18))) == []


def test_failed_office_or_reachability_check():
    found = triggers(_ok(unreachable_on=date(2026, 4, 2)), TODAY)
    assert [t.code for t in found] == ["office"] and "联系不上" in found[0].reason
