"""Vectors that come from outside the code under test: real credit codes published by the
enterprises themselves, draws every future version must reproduce exactly, and the holiday
calendar's own edges."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from jjg_desktop.rules import draw as draws
from jjg_desktop.rules.credit_code import (
    ALPHABET,
    check_character,
    is_valid,
    normalize,
    org_check_character,
    validate,
)
from jjg_desktop.rules.verification import (
    BY_PHONE,
    FAILED,
    ON_SITE,
    PASSED,
    CallAttempt,
    CheckResult,
    verification_problems,
)
from jjg_desktop.rules.workdays import CalendarError, WorkCalendar, parse_calendar

GOLDEN = Path(__file__).parent / "golden"

# Published on the enterprises' own sites and filings. The organisation-code check character
# of the first three differs between the standard's modulus 11 and a wrong modulus 12.
REAL_CODES = {
    "91110108MA005BCA25": "2",  # 17th character: GB 11714 check of MA005BCA
    "91110112MAKCMPQ75F": "5",
    "91110102689248179K": "9",
    "91350100M000100Y43": "4",  # GB 32100-2015's own example
}


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_codes_are_valid_and_their_check_characters_are_the_standards(code: str):
    check = validate(code)
    assert (check.ok, check.message, bool(check)) == (True, "", True)
    assert org_check_character(code[8:16]) == REAL_CODES[code]


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_any_one_character_changed_is_refused_and_says_where(code: str):
    for position in range(18):
        for replacement in ("0", "A", "X", "Y"):
            if code[position] == replacement:
                continue
            changed = code[:position] + replacement + code[position + 1:]
            check = validate(changed)
            if position < 2 and replacement in ALPHABET:
                # the registration authority and entity type only feed the last check character
                assert not check.ok and check.message.startswith("第18位校验码应为")
                continue
            assert (check.ok, bool(check), is_valid(changed)) == (False, False, False), changed
            assert check.message, changed


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_the_standard_leaves_out_are_refused(letter: str):
    code = "91350100M000100Y4" + letter
    check = validate(code)
    assert (check.ok, is_valid(code)) == (False, False)
    assert check.message == (f"第18位字符“{letter}”不允许出现在统一社会信用代码中"
                             "（不使用I、O、S、V、Z）")


def test_full_width_and_lower_case_real_codes_are_the_same_codes():
    assert is_valid("９１１１０１０８ＭＡ００５ＢＣＡ２５")
    assert is_valid("91110112makcmpq75f")
    assert not is_valid("９１１１０１０８ＭＡ００５ＢＣＡ２６")


def _pool(members: list[dict]) -> list[draws.PoolMember]:
    return [draws.PoolMember(m["id"], m["name"], m["kind"], tuple(
        draws.Employment(e["credit_code"], date.fromisoformat(e["start"]),
                         date.fromisoformat(e["end"]) if e["end"] else None)
        for e in m["history"])) for m in members]


CASES = json.loads((GOLDEN / "draws.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_recorded_draws_are_reproduced_exactly(case: dict):
    projects = [draws.ProjectCandidate(p["id"], tuple(p["party_codes"]))
                for p in case["projects"]]
    pool = _pool(case["pool"])
    params = draws.DrawParams(**case["params"])
    on = date.fromisoformat(case["on"])
    result = draws.draw(projects, pool, params, case["seed"], on)
    teams = [{"project_id": t.project_id, "members": list(t.members),
              "excluded": list(t.excluded)} for t in result.teams]
    assert {"method": result.method, "candidates_hash": result.candidates_hash,
            "teams": teams} == case["expected"]
    assert draws.verify(projects, pool, params, on, result) == []


def test_the_look_back_window_edge_of_a_conflict_of_interest():
    project = draws.ProjectCandidate("p1", ("A",))
    on = date(2026, 5, 18)
    since = date(2023, 5, 19)  # three years of 365 days before the draw
    for end, conflicted in ((since, True), (date(2023, 5, 18), False), (None, True)):
        member = draws.PoolMember("e1", "专家", "专家", (draws.Employment("A", date(2010, 1, 1),
                                                                        end),))
        assert draws.has_conflict(member, project, on, 3) is conflicted, end
    later = draws.PoolMember("e2", "专家", "专家", (draws.Employment("A", on, None),))
    starts_after = draws.PoolMember("e3", "专家", "专家",
                                    (draws.Employment("A", date(2026, 5, 19), None),))
    assert draws.has_conflict(later, project, on, 3)
    assert not draws.has_conflict(starts_after, project, on, 3)


def _calendar() -> WorkCalendar:
    """Parsed afresh in each test, so every planted bug in the parser meets the tests."""
    return parse_calendar({"years": {
        "2026": {"holidays": ["2026-10-01", "2026-10-02", "2026-10-05"],
                 "workdays": ["2026-10-10"]}}})


def test_the_calendar_counts_working_days_after_the_start_up_to_the_end():
    CAL = _calendar()
    # Wed 30 Sep; 1, 2 holidays; 3, 4 weekend; 5 holiday; 6 Tue works
    assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 6)) == 1
    assert CAL.workdays_between(date(2026, 9, 30), date(2026, 9, 30)) == 0
    assert CAL.workdays_between(date(2026, 9, 29), date(2026, 9, 30)) == 1
    assert CAL.workdays_between(date(2026, 10, 9), date(2026, 10, 11)) == 1  # Sat 10 works
    assert CAL.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 6)
    assert CAL.add_workdays(date(2026, 9, 30), 0) == date(2026, 9, 30)
    assert CAL.is_workday(date(2026, 10, 10)) and not CAL.is_workday(date(2026, 10, 11))


def test_the_calendar_says_which_years_it_knows():
    CAL = _calendar()
    assert CAL.covers(date(2026, 1, 1)) and CAL.covers(date(2026, 12, 31))
    assert not CAL.covers(date(2027, 1, 1)) and not CAL.covers(date(2025, 12, 31))
    assert not WorkCalendar().covers(date(2026, 6, 1))


@pytest.mark.parametrize(("data", "message"), [
    ({}, "节假日文件缺少 years"),
    ({"years": {}}, "节假日文件缺少 years"),
    ({"years": {"2026": {"holidays": "2026-10-01"}}}, "2026.holidays 应为日期列表"),
    ({"years": {"2026": {"holidays": [1]}}}, "2026.holidays 应为日期列表"),
    ({"years": {"2026": {"workdays": ["十月一日"]}}}, "2026.workdays 中的“十月一日”不是日期"),
    ({"years": {"2026": {"holidays": ["2027-01-01"]}}},
     "2026.holidays 中的 2027-01-01 不在 2026 年"),
    ({"years": {"2026": {"holidays": ["2026-10-10"], "workdays": ["2026-10-10"]}}},
     "2026-10-10 同时被列为放假和调休上班"),
    ({"years": {"2026": "节假日"}}, "2026.holidays 应为日期列表"),
])
def test_every_calendar_error_says_what_is_wrong(data: dict, message: str):
    with pytest.raises(CalendarError) as raised:
        parse_calendar(data)
    assert str(raised.value) == message


@pytest.mark.parametrize(("code", "message"), [
    ("", "统一社会信用代码应为18位，当前为0位"),
    ("91110108MA005BCA2", "统一社会信用代码应为18位，当前为17位"),
    ("91110108MA005BCA255", "统一社会信用代码应为18位，当前为19位"),
    ("91A10108MA005BCA25", "第3至8位应为行政区划代码（数字），第3位是“A”"),
    ("9111B108MA005BCA25", "第3至8位应为行政区划代码（数字），第5位是“B”"),
    ("911101C8MA005BCA25", "第3至8位应为行政区划代码（数字），第7位是“C”"),
    ("91110108MA005BCAX5", "第17位（组织机构代码校验码）应为“2”，当前为“X”"),
])
def test_each_fault_of_a_code_is_said_exactly(code: str, message: str):
    check = validate(code)
    assert (check.ok, bool(check), check.message) == (False, False, message)


def test_check_characters_need_exactly_their_characters():
    with pytest.raises(ValueError):
        check_character("9111010")
    with pytest.raises(ValueError):
        check_character("91110108MA005BCA25")
    with pytest.raises(ValueError):
        org_check_character("MA005BC")
    with pytest.raises(ValueError):
        org_check_character("MA005BCA2")
    assert check_character("91110108MA005BCA2") == "5"
    assert normalize("９１１１０１０８ｍａ００５ｂｃａ２５：") == "91110108MA005BCA25："


def _visit(**over) -> list[str]:
    values = {"method": ON_SITE, "verifiers": ["刘晓燕", "金哲"], "verified_on": date(2026, 5, 18),
              "today": date(2026, 5, 18),
              "checks": {"registration_true": CheckResult(PASSED)}}
    values.update(over)
    return verification_problems(**values)  # type: ignore[arg-type]


CALL = CallAttempt(at="2026-05-18 09:00", number="13904331234", answered=False)


@pytest.mark.parametrize(("over", "problems"), [
    ({}, []),
    ({"method": "走访"}, ["核查方式应为“实地核查”或“电话核查”"]),
    ({"verifiers": [" "]}, ["请填写核查人员"]),
    ({"verifiers": ["刘晓燕"]}, ["实地核查应由至少两名人员进行"]),
    ({"method": BY_PHONE, "verifiers": ["刘晓燕"]}, []),
    ({"verified_on": date(2026, 5, 19)}, ["核查日期 2026-05-19 晚于今天"]),
    ({"checks": {"registration_true": CheckResult(PASSED), "gossip": CheckResult(PASSED),
                 "aura": CheckResult(PASSED)}}, ["未知的核查项：aura、gossip"]),
    ({"checks": {"office_present": CheckResult("大概")}},
     ["固定办公场所的结论应为通过、不通过或未核查"]),
    ({"checks": {"office_present": CheckResult(FAILED, note=" ")}},
     ["固定办公场所判定为不通过，请写明情况"]),
    ({"checks": {}}, ["至少需要对一项内容作出核查结论"]),
    ({"method": BY_PHONE, "checks": {"reachable": CheckResult(PASSED)}},
     ["电话核查请记录拨打时间和号码"]),
    ({"method": BY_PHONE, "checks": {"reachable": CheckResult(PASSED, calls=[CALL])}}, []),
    ({"method": BY_PHONE, "checks": {"reachable": CheckResult(
        FAILED, note="无人接听", calls=[CallAttempt("2026-05-18 09:00", "1", answered=True)])}},
     ["判定联系不上时，通话记录中应有未接通的呼叫"]),
    ({"method": BY_PHONE, "checks": {"reachable": CheckResult(FAILED, note="无人接听",
                                                              calls=[CALL])}}, []),
    ({"checks": {"reachable": CheckResult(FAILED, note="上门无人")}}, []),
])
def test_each_fault_of_a_verification_is_said_alone(over: dict, problems: list[str]):
    assert _visit(**over) == problems
