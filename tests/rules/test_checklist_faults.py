"""A checklist template the province publishes is refused with the place and the fault, word
for word; what it accepts is read field by field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

import shipped
from jjg_desktop.rules.checklist import TemplateError, parse_template

SHIPPED = shipped.checklist_json()
FIRST = "sections[0].items[0]（JS-01）"


def item(d: dict[str, Any], n: int = 0) -> dict[str, Any]:
    return d["sections"][0]["items"][n]


def rn(d: dict[str, Any]) -> dict[str, Any]:
    return d["rules"]["real_name"]


FAULTS: list[tuple[str, Callable[[dict[str, Any]], object], str | None]] = [
    ("code", lambda d: item(d).update(code="JS01"),
     "sections[0].items[0].code：检查项编号应形如“JS-01”，当前为“JS01”"),
    ("section", lambda d: item(d).update(code="SG-99"),
     "sections[0].items[0].code：检查项“SG-99”不属于分节“JS”"),
    ("duplicate", lambda d: item(d, 1).update(code="JS-01"),
     "sections[0].items[1].code：检查项编号“JS-01”重复（已用于 sections[0].items[0]）"),
    ("unit", lambda d: item(d).update(unit="%"),
     f"{FIRST}：只有数值类检查项（number）可以设置单位 unit"),
    ("party", lambda d: item(d).update(party="路人"),
     f"{FIRST}.party：未知的责任主体“路人”，应为 建设单位、施工单位、监理单位、项目 之一"),
    ("deadline 0", lambda d: item(d).update(deadline_days=0),
     f"{FIRST}.deadline_days：应在 1 到 365 之间，当前为 0"),
    ("deadline 366", lambda d: item(d).update(deadline_days=366),
     f"{FIRST}.deadline_days：应在 1 到 365 之间，当前为 366"),
    ("deadline 365", lambda d: item(d).update(deadline_days=365), None),
    ("deadline 1", lambda d: item(d).update(deadline_days=1), None),
    ("text", lambda d: item(d).update(text=" "), f"{FIRST}.text：不能为空"),
    ("basic", lambda d: item(d).update(basic="是"),
     f"{FIRST}.basic：应为布尔值（true/false），实际是文字"),
    ("noncompliance", lambda d: item(d).update(noncompliance=[]),
     f"{FIRST}.noncompliance：至少需要一条"),
    ("noncompliance blank", lambda d: item(d).update(noncompliance=["ok", " "]),
     f"{FIRST}.noncompliance[1]：应为非空文字"),
    ("attendance type", lambda d: rn(d).update(attendance_item="SM-01"),
     "rules.real_name.attendance_item：检查项“SM-01”的回答类型应为 number 或 key_posts，"
     "实际是 compliance"),
    ("attendance missing", lambda d: rn(d).update(attendance_item="ZZ-99"),
     "rules.real_name.attendance_item：检查项“ZZ-99”不在本检查表中"),
    ("veto type", lambda d: rn(d)["veto"].update(item="SM-02"),
     "rules.real_name.veto.item：检查项“SM-02”的回答类型应为 compliance，实际是 number"),
    ("threshold high", lambda d: rn(d).update(attendance_threshold=1.2),
     "rules.real_name.attendance_threshold：应在 0 到 1 之间，当前为 1.2"),
    ("threshold low", lambda d: rn(d).update(attendance_threshold=-0.1),
     "rules.real_name.attendance_threshold：应在 0 到 1 之间，当前为 -0.1"),
    ("threshold 1", lambda d: rn(d).update(attendance_threshold=1), None),
    ("rate order", lambda d: rn(d)["deductions"][0].update(rate_from=0.8),
     "rules.real_name.deductions[0]：rate_from（0.8）应小于 rate_below（0.8）"),
    ("rate above", lambda d: rn(d)["deductions"][0].update(rate_below=0.9),
     "rules.real_name.deductions[0]：rate_below（0.9）不能高于打卡率标准（0.8）"),
    ("points", lambda d: rn(d)["deductions"][0]["points"].update({"企业": -1}),
     "rules.real_name.deductions[0].points.企业：扣分不能为负数，当前为 -1"),
    ("points zero", lambda d: rn(d)["deductions"][0]["points"].update({"企业": 0}), None),
    ("overlap", lambda d: rn(d)["deductions"][1].update(rate_below=0.75),
     "rules.real_name.deductions：“打卡率不低于50%但低于70%”与“打卡率不低于70%但低于80%”"
     "的打卡率区间重叠"),
    ("consequences", lambda d: rn(d)["veto"].update(consequences=[]),
     "rules.real_name.veto.consequences：至少需要一条"),
]


@pytest.mark.parametrize(("name", "change", "fault"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_of_a_template_is_named_where_it_is(name: str, change, fault: str | None):
    data = copy.deepcopy(SHIPPED)
    change(data)
    if fault is None:
        assert parse_template(data).code == SHIPPED["code"]
        return
    with pytest.raises(TemplateError) as raised:
        parse_template(data)
    assert str(raised.value) == fault


def test_an_item_and_the_real_name_rule_are_read_field_by_field():
    template = parse_template(copy.deepcopy(SHIPPED))
    raw = SHIPPED["sections"][0]["items"][0]
    first = template.item("JS-01")
    assert (first.code, first.section, first.text, first.basis, first.party, first.answer_type,
            first.basic, list(first.noncompliance), first.finding, first.requirement,
            first.deadline_days, first.unit) == (
        raw["code"], "JS", raw["text"], raw["basis"], raw["party"], raw["answer_type"],
        raw["basic"], raw["noncompliance"], raw["finding"], raw["requirement"],
        raw["deadline_days"], "")
    assert template.item("SM-02").unit == "%"
    rule = template.real_name
    assert (rule.attendance_item, rule.attendance_threshold, rule.veto.item) == (
        "SM-02", 0.8, "SM-01")
    assert rule.veto.condition == "在建房屋市政工程项目未开通实名制管理"
    assert list(rule.veto.consequences) == ["企业年度综合信用评价直接确定为不合格",
                                           "项目不得参加评先评优"]
    assert [(d.circumstance, d.rate_from, d.rate_below, d.points) for d in rule.deductions] == [
        ("打卡率不低于70%但低于80%", 0.7, 0.8,
         (("企业", 1.0), ("项目负责人", 1.0), ("总监理工程师", 0.5))),
        ("打卡率不低于50%但低于70%", 0.5, 0.7,
         (("企业", 2.0), ("项目负责人", 2.0), ("总监理工程师", 1.0))),
        ("打卡率低于50%", 0.0, 0.5,
         (("企业", 3.0), ("项目负责人", 3.0), ("总监理工程师", 2.0)))]
