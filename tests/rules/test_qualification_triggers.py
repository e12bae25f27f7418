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


def _all(s: EnterpriseSituation) -> list[tuple[str, str, str]]:
    return [(t.code, t.label, t.reason) for t in triggers(s, TODAY)]


def test_every_trigger_says_its_label_and_reason_exactly():
    s = _ok(safety_licence_no=" ", office_failed_on=date(2026, 5, 1),
            unreachable_on=date(2026, 5, 2), facts=[
                Fact(CREDIT, year=2025, value="不合格"),
                Fact(ACCIDENT, occurred_on=date(2026, 1, 3), detail="脚手架坍塌"),
                Fact(ACCIDENT, occurred_on=date(2026, 3, 4)),
                Fact(OUTPUT, year=2024, value="0"), Fact(OUTPUT, year=2025, value=""),
                *[Fact(PERSONNEL, occurred_on=date(2026, m, 1)) for m in (1, 2, 3)]])
    assert _all(s) == [
        ("credit", "年度信用综合评价不合格", "2025年度信用综合评价为“不合格”"),
        ("accident", "发生重大质量安全事故", "2026-03-04：重大质量安全事故"),
        ("no_output", "连续2年没有产值", "2024、2025年产值均为0"),
        ("personnel", "主要人员频繁调动", "近365天内主要人员变动3次"),
        ("licence", "未及时办理安全生产许可证", "未登记安全生产许可证"),
        ("office", "没有固定办公场所、联系不上",
         "2026-05-01核查无固定办公场所；2026-05-02核查联系不上")]


def test_the_edges_of_each_window():
    year_ago = date(2025, 5, 18)  # 365 days before TODAY: still inside
    assert _codes(_ok(facts=[Fact(ACCIDENT, occurred_on=year_ago)])) == ["accident"]
    assert _codes(_ok(facts=[Fact(ACCIDENT, occurred_on=date(2025, 5, 17))])) == []
    assert _codes(_ok(facts=[Fact(ACCIDENT, occurred_on=TODAY)])) == ["accident"]
    assert _codes(_ok(facts=[Fact(ACCIDENT, occurred_on=date(2026, 5, 19))])) == []
    assert _codes(_ok(facts=[Fact(ACCIDENT)])) == []
    moves = [Fact(PERSONNEL, occurred_on=d) for d in (year_ago, TODAY, date(2026, 1, 1))]
    assert _codes(_ok(facts=moves)) == ["personnel"]
    assert _codes(_ok(facts=moves[:2])) == []
    late = [*moves[:2], Fact(PERSONNEL, occurred_on=date(2026, 5, 19))]
    assert _codes(_ok(facts=late)) == []
    early = [*moves[1:], Fact(PERSONNEL, occurred_on=date(2025, 5, 17))]
    assert _codes(_ok(facts=early)) == []
    assert _codes(_ok(safety_licence_expiry=TODAY)) == []
    assert _all(_ok(safety_licence_expiry=date(2026, 5, 17))) == [
        ("licence", "未及时办理安全生产许可证", "安全生产许可证已于2026-05-17过期")]
    assert _codes(_ok(safety_licence_expiry=None)) == []


def test_output_counts_only_the_two_years_before_this_one_and_only_when_recorded():
    zero = [Fact(OUTPUT, year=2024, value="0"), Fact(OUTPUT, year=2025, value="0.0")]
    assert _codes(_ok(facts=zero)) == ["no_output"]
    assert _codes(_ok(facts=[zero[0], Fact(OUTPUT, year=2025, value="12.5")])) == []
    assert _codes(_ok(facts=[zero[1], Fact(OUTPUT, year=2023, value="0")])) == []
    assert _codes(_ok(facts=[*zero, Fact(OUTPUT, year=2026, value="9")])) == ["no_output"]
    assert _codes(_ok(facts=[zero[0], Fact(OUTPUT, year=2025, value="未知")])) == []
    assert _codes(_ok(facts=[Fact(CREDIT, year=2024, value="不合格"),
                             Fact(CREDIT, value="合格")])) == ["credit"]


def test_only_construction_enterprises_need_a_safety_licence():
    """《安全生产许可证条例》第二条: 建筑施工企业; a supervision or consulting firm needs none."""
    unlicensed = dict(safety_licence_no="", safety_licence_expiry=None)
    assert _codes(_ok(**unlicensed, qualifications=["工程监理综合资质"])) == []
    assert _codes(_ok(**unlicensed, qualifications=["工程造价咨询企业甲级", "工程设计乙级"])) == []
    assert _codes(_ok(**unlicensed, qualifications=["建筑工程施工总承包贰级"])) == ["licence"]
    both = ["工程监理甲级", "市政公用工程施工总承包三级"]
    assert _codes(_ok(**unlicensed, qualifications=both)) == ["licence"]
    assert _codes(_ok(**unlicensed, qualifications=["施工劳务不分等级"])) == ["licence"]
    assert _codes(_ok(**unlicensed)) == ["licence"]  # type unknown: asked
    expired = dict(safety_licence_expiry=date(2025, 1, 1))
    assert _codes(_ok(**expired, qualifications=["工程监理综合资质"])) == []
    assert _codes(_ok(**expired, qualifications=["建筑工程施工总承包贰级"])) == ["licence"]
