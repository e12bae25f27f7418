"""The key posts' monthly sheet of version 3 (吉建规〔2023〕11号): one rate per person from the
days entered, who is short, whom the deduction table charges, and every malformed sheet
refused with the row and the reason."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from jjg_desktop.paths import resource
from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules import key_posts
from jjg_desktop.rules.checklist import Template, TemplateError, parse_template

ON = date(2026, 12, 7)


def v3_json() -> dict[str, Any]:
    return json.loads(resource("checklists", "jzsc-zfjcb-2023.v3.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def template() -> Template:
    return parse_template(v3_json())


def sheet(*people: tuple[str, str, int, int], month: str = "2026-11") -> str:
    return key_posts.encode(month, list(people))


FULL = (("项目负责人", "张建国", 22, 20), ("专职安全员", "李明", 22, 18),
        ("总监理工程师", "王立新", 22, 19), ("安全监理工程师", "赵晓", 22, 22))


def test_version_three_asks_each_key_post_by_person(template):
    item = template.item("SM-02")
    assert item.answer_type == "key_posts"
    assert [(p.post, p.party) for p in item.posts] == [
        ("项目负责人", "施工单位"), ("专职安全员", "施工单位"),
        ("总监理工程师", "监理单位"), ("安全监理工程师", "监理单位")]
    rule = template.real_name
    assert rule.attendance_item == "SM-02" and rule.attendance_threshold == 0.8
    assert rule.subjects_for("项目负责人") == ("企业", "项目负责人")
    assert rule.subjects_for("总监理工程师") == ("企业", "总监理工程师")
    assert rule.subjects_for("专职安全员") == ("企业",)


def test_each_person_has_a_rate_and_the_short_are_named(template):
    item = template.item("SM-02")
    value = sheet(("项目负责人", "张建国", 22, 18), ("专职安全员", "李明", 22, 14),
                  ("总监理工程师", "王立新", 21, 17), ("安全监理工程师", "赵晓", 22, 22))
    assert rules.answer_problem(item, value, ON) is None
    parsed = key_posts.parse(item, value)
    assert [round(p.rate, 4) for p in parsed.people] == [0.8182, 0.6364, 0.8095, 1.0]
    assert [p.name for p in parsed.short(0.8)] == ["李明"]
    assert rules.is_finding(template, item, value)
    # one person at 80 % exactly meets "80%以上" (以上 includes the number)
    exact = sheet(("项目负责人", "张建国", 20, 16))
    assert not rules.is_finding(template, item, exact)
    problem = rules.finding_problem(item, value, "", template.real_name)
    assert problem == ("关键岗位人员月度在岗率低于80%：2026年11月 专职安全员李明 "
                       "在岗14天/应在岗22天（63.6%）")
    with_remark = rules.finding_problem(item, value, "请假未报备", template.real_name)
    assert with_remark.endswith("（63.6%）；请假未报备")


def test_deductions_charge_the_person_by_post_and_each_enterprise_once(template):
    item, rule = template.item("SM-02"), template.real_name
    value = sheet(("项目负责人", "张建国", 22, 15), ("专职安全员", "李明", 22, 10),
                  ("总监理工程师", "王立新", 22, 17), ("安全监理工程师", "赵晓", 22, 20))
    charges = key_posts.charges(rule, item, key_posts.parse(item, value))
    got = [(c.subject, c.party, c.name, c.points) for c in charges]
    # 张建国 15/22 = 68.2 % (50–70 %), 李明 10/22 = 45.5 % (< 50 %), 王立新 77.3 % (70–80 %)
    rows = {row.circumstance: row for row in rule.deductions}
    below_half = next(r for r in rows.values() if r.rate_from == 0)
    mid = next(r for r in rows.values() if r.rate_from == 0.5)
    low = next(r for r in rows.values() if r.rate_from == 0.7)
    assert sorted(got) == sorted([
        ("企业", "施工单位", "李明", below_half.points_for("企业")),  # the contractor's worst
        ("企业", "监理单位", "王立新", low.points_for("企业")),
        ("项目负责人", "施工单位", "张建国", mid.points_for("项目负责人")),
        ("总监理工程师", "监理单位", "王立新", low.points_for("总监理工程师")),
    ])
    outcome = rules.real_name_outcome(template, {"SM-01": "符合", "SM-02": value})
    assert outcome.attendance_percent == 45.5
    assert [p.name for p in outcome.short] == ["张建国", "李明", "王立新"]
    assert outcome.summary.startswith(
        "已开通实名制管理，2026年11月关键岗位人员月度在岗率低于80%的 3 人")
    assert f"施工单位扣{below_half.points_for('企业'):g}分" in outcome.summary
    assert f"项目负责人张建国扣{mid.points_for('项目负责人'):g}分" in outcome.summary
    record = outcome.as_record()
    assert record["month"] == "2026-11"
    assert [p["name"] for p in record["people"]] == ["张建国", "李明", "王立新", "赵晓"]
    assert {(c["subject"], c["name"]) for c in record["charges"]} == {
        ("企业", "李明"), ("企业", "王立新"), ("项目负责人", "张建国"), ("总监理工程师", "王立新")}


def test_a_finding_goes_to_the_party_holding_the_short_posts(template):
    item, rule = template.item("SM-02"), template.real_name
    supervisors = sheet(("项目负责人", "张建国", 22, 22), ("总监理工程师", "王立新", 22, 10))
    both = sheet(("专职安全员", "李明", 22, 10), ("总监理工程师", "王立新", 22, 10))
    assert rules.responsible_role(item, supervisors, rule) == "监理单位"
    assert rules.responsible_role(item, both, rule) == "施工单位"
    assert rules.responsible_role(item, "不适用", rule) == "施工单位"


def test_all_met_and_not_yet_entered_read_plainly(template):
    met = rules.real_name_outcome(template, {"SM-01": "符合", "SM-02": sheet(*FULL)})
    assert met.summary == ("已开通实名制管理，2026年11月关键岗位人员 4 人月度在岗率均达到80%"
                           "（最低：专职安全员李明 在岗18天/应在岗22天（81.8%））")
    assert met.charges == () and met.short == ()
    assert rules.real_name_outcome(template, {"SM-01": "符合"}).summary == (
        "已开通实名制管理，关键岗位人员在岗情况尚未填写")
    vetoed = rules.real_name_outcome(template, {"SM-01": "不符合", "SM-02": sheet(*FULL)})
    assert vetoed.veto is not None and vetoed.sheet is None
    assert "SM-02" not in {i.code for i in rules.required_items(template, {"SM-01": "不符合"})}


@pytest.mark.parametrize(("value", "message"), [
    ("72.5", "SM-02 的在岗情况格式不正确，请重新填写"),
    ("{broken", "SM-02 的在岗情况无法读取，请重新填写"),
    (json.dumps({"month": "2026-11", "people": []}), "SM-02 至少填写一名关键岗位人员"),
    (json.dumps({"month": "2026-13", "people": []}), "SM-02 请选择统计月份"),
    (sheet(*FULL, month="2027-01"), "统计月份不能晚于检查当月（2026年12月）"),
    (sheet(("项目经理", "张建国", 22, 20)),
     "第 1 行：岗位应为 项目负责人、专职安全员、总监理工程师、安全监理工程师 之一"),
    (sheet(("项目负责人", "  ", 22, 20)), "第 1 行：请填写项目负责人的姓名"),
    (sheet(("项目负责人", "张建国", 31, 20)),
     "第 1 行（项目负责人张建国）：应在岗天数应为 1 到 30 之间的整数"),
    (sheet(("项目负责人", "张建国", 22, 23)),
     "第 1 行（项目负责人张建国）：在岗天数应为 0 到 22（应在岗天数）之间的整数"),
    (sheet(("项目负责人", "张建国", 0, 0)),
     "第 1 行（项目负责人张建国）：应在岗天数应为 1 到 30 之间的整数"),
    (sheet(("专职安全员", "李明", 22, 20), ("专职安全员", "李明", 22, 19)),
     "第 2 行：专职安全员李明 重复填写"),
    (json.dumps({"month": "2026-11", "people": [
        {"post": "项目负责人", "name": "张建国", "due": 22.5, "on_duty": 20}]}, ensure_ascii=False),
     "第 1 行（项目负责人张建国）：应在岗天数应为 1 到 30 之间的整数"),
    (json.dumps({"month": "2026-11", "people": [
        {"post": "项目负责人", "name": "张建国", "due": True, "on_duty": 1}]}, ensure_ascii=False),
     "第 1 行（项目负责人张建国）：应在岗天数应为 1 到 30 之间的整数"),
    (json.dumps({"month": "2026-11", "people": [["项目负责人", "张建国", 22, 20]]}),
     "第 1 行格式不正确，请重新填写"),
])
def test_a_malformed_sheet_is_refused_with_its_row(template, value, message):
    item = template.item("SM-02")
    assert rules.answer_problem(item, value, ON) == message
    assert not rules.is_finding(template, item, value)


def test_template_faults_of_the_key_posts_item_are_named():
    def refused(change) -> str:
        bad = copy.deepcopy(v3_json())
        change(bad)
        with pytest.raises(TemplateError) as info:
            parse_template(bad)
        return str(info.value)

    def sm02(d: dict[str, Any]) -> dict[str, Any]:
        return next(i for s in d["sections"] for i in s["items"] if i["code"] == "SM-02")

    assert refused(lambda d: sm02(d).pop("posts")).endswith("关键岗位在岗类检查项须列出岗位")
    assert "扣分对象“处长”" in refused(
        lambda d: d["rules"]["real_name"]["charged"].update({"专职安全员": ["处长"]}))
    assert "charged.安全监理工程师：缺少必填字段" in refused(
        lambda d: d["rules"]["real_name"]["charged"].pop("安全监理工程师"))
    assert "岗位“项目负责人”重复" in refused(
        lambda d: sm02(d)["posts"].append({"post": "项目负责人", "party": "施工单位"}))
    assert "只有关键岗位在岗类检查项（key_posts）可以设置岗位 posts" in refused(
        lambda d: d["sections"][0]["items"][0].update({"posts": []}))
