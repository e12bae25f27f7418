"""Answers, progress and teams at their edges, on the shipped checklist parsed afresh."""

from __future__ import annotations

import pytest

import shipped
from jjg_desktop.rules.checklist import Template, parse_template
from jjg_desktop.rules.inspection import (
    MAX_VALUE,
    answer_problem,
    progress,
    team_problems,
)

SHIPPED = shipped.checklist_json()


def _template() -> Template:
    return parse_template(SHIPPED)


@pytest.mark.parametrize(("value", "problem"), [
    ("0", None), ("100", None), ("80.5", None), ("不适用", None),
    ("-0.1", "SM-02 的百分比应在 0 到 100 之间"), ("100.1", "SM-02 的百分比应在 0 到 100 之间"),
    ("nan", "SM-02 应填写数字，当前为“nan”"), ("inf", "SM-02 应填写数字，当前为“inf”"),
    ("-inf", "SM-02 应填写数字，当前为“-inf”"), ("八十", "SM-02 应填写数字，当前为“八十”"),
    ("", "SM-02 应填写数字，当前为“”")])
def test_a_percentage_lies_between_0_and_100(value: str, problem: str | None):
    assert answer_problem(_template().item("SM-02"), value) == problem


def test_a_plain_number_may_be_zero_not_negative():
    item = _template().item("SM-02")
    plain = type(item)(**{**{f: getattr(item, f) for f in item.__dataclass_fields__},
                          "unit": "人"})
    assert answer_problem(plain, "0") is None and answer_problem(plain, "150") is None
    assert answer_problem(plain, "-1") == "SM-02 不能为负数"
    assert answer_problem(plain, "-0.5") == "SM-02 不能为负数"


@pytest.mark.parametrize("code", ["JS-01", "SM-08"])
def test_compliance_and_photo_items_take_the_three_conclusions(code: str):
    item = _template().item(code)
    for value in ("符合", "不符合", "不适用"):
        assert answer_problem(item, value) is None
    assert answer_problem(item, "合格") == f"{code} 的结论应为“符合”“不符合”或“不适用”"


def test_a_text_answer_takes_up_to_its_maximum():
    item = _template().item("XM-03")
    assert answer_problem(item, "字" * MAX_VALUE) is None
    assert answer_problem(item, "字" * (MAX_VALUE + 1)) == (
        f"XM-03 的内容不能超过 {MAX_VALUE} 字，更多情况请写在情况说明中")


def test_progress_counts_answers_findings_and_open_basic_items():
    template = _template()
    total = len(template.items)
    empty = progress(template, {})
    basic = tuple(i.code for i in template.items if i.basic)
    assert (empty.answered, empty.total, empty.findings, empty.basic_unanswered) == (
        0, total, 0, basic)
    assert not empty.complete
    answers = {"JS-01": "不符合", "JS-02": "符合", "JS-03": "", "JS-04": "不适用"}
    some = progress(template, answers)
    assert (some.answered, some.findings) == (3, 1)
    assert some.basic_unanswered == tuple(c for c in basic if c not in ("JS-01", "JS-02", "JS-04"))
    everything = {i.code: "符合" for i in template.items}
    everything["SM-02"] = "85"
    everything["XM-03"] = "不适用"  # a discrepancy written here is itself a finding (勘误)
    done = progress(template, everything)
    assert (done.answered, done.total, done.findings, done.basic_unanswered, done.complete) == (
        total, total, 0, (), True)
    only = progress(template, {"JS-01": "不符合"}, only=["JS-01", "JS-02"])
    assert (only.answered, only.total, only.findings, only.basic_unanswered) == (
        1, 2, 1, tuple(c for c in ("JS-02",) if c in basic))


OFFICIAL = {"name": "王志刚", "kind": "干部", "cert_no": "吉执字0001"}
EXPERT = {"name": "李建国", "kind": "专家", "cert_no": ""}


@pytest.mark.parametrize(("team", "problems"), [
    ([OFFICIAL, EXPERT], []),
    ([OFFICIAL], ["检查组至少需要两名成员"]),
    ([], ["检查组至少需要两名成员"]),
    ([EXPERT, {**EXPERT, "name": "赵敏"}], ["检查组至少需要一名持执法证的干部"]),
    ([{**OFFICIAL, "cert_no": " "}, EXPERT], ["王志刚（干部）未填写执法证号"]),
    ([OFFICIAL, {**EXPERT, "name": " "}], ["检查组第 2 名成员未填写姓名"]),
    ([{"name": "王志刚", "role": "干部", "cert_no": "吉执字0001"}, EXPERT], []),
    ([OFFICIAL, {"name": "孙丽"}], []),
])
def test_a_team_is_two_named_people_led_by_an_official_with_a_certificate(
        team: list[dict[str, str]], problems: list[str]):
    assert team_problems(team) == problems


def test_a_deadline_may_be_today_a_new_deadline_after_a_failed_review_must_be_later():
    from datetime import date

    from jjg_desktop.rules.inspection import MAX_TEXT, finding_problems, review_problem

    today = date(2026, 5, 18)
    assert finding_problems("未设维权告示牌", "施工单位", today, today) == []
    assert finding_problems("未设维权告示牌", "施工单位", date(2026, 5, 17), today) == [
        "整改期限不能早于今天"]
    assert finding_problems("问" * MAX_TEXT, "", None, today) == []
    assert finding_problems("问" * (MAX_TEXT + 1), "路人", None, today) == [
        f"问题描述不能超过 {MAX_TEXT} 字",
        "责任单位应为 建设单位、施工单位、监理单位、分包单位 之一"]
    assert finding_problems(" ", "施工单位", None, today) == ["请填写问题描述"]
    assert review_problem("reopened", "仍未设置", date(2026, 5, 19), today) is None
    assert review_problem("reopened", "仍未设置", today, today) == "新的整改期限应晚于今天"
    assert review_problem("reopened", "仍未设置", None, today) == (
        "未整改到位的问题须确定新的整改期限")
    assert review_problem("reopened", " ", date(2026, 5, 19), today) == "请说明未整改到位的情况"
    assert review_problem("closed", "", None, today) is None
    assert review_problem("差不多", "", None, today) == "复查结果应为“已整改到位”或“未整改到位”"
