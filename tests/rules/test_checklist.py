from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from jjg_desktop.paths import resource
from jjg_desktop.rules.checklist import (
    ANSWER_TYPES,
    PARTIES,
    TemplateError,
    content_hash,
    parse_template,
)

SHIPPED = resource("checklists", "jzsc-zfjcb-2023.v1.json")
SECTIONS = ("建设单位", "施工单位", "实名制与工资支付", "监理单位", "项目信息", "入吉登记")


@pytest.fixture
def data() -> dict[str, Any]:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def refused(data: dict[str, Any], change: Callable[[dict[str, Any]], object]) -> str:
    bad = copy.deepcopy(data)
    change(bad)
    with pytest.raises(TemplateError) as info:
        parse_template(bad)
    return str(info.value)


def test_shipped_template_covers_the_provinces_checklist(data: dict[str, Any]) -> None:
    t = parse_template(data)
    assert t.issuer == "吉林省住房和城乡建设厅"
    assert t.notice == "吉建管〔2023〕8号"
    assert tuple(s.title for s in t.sections) == SECTIONS
    assert len(t.items) >= 30
    codes = [item.code for item in t.items]
    assert len(codes) == len(set(codes))
    for item in t.items:
        assert item.basis and item.finding and item.requirement and item.noncompliance
        assert item.party in PARTIES and item.answer_type in ANSWER_TYPES
        assert item.deadline_days > 0
    assert {item.answer_type for item in t.items} == set(ANSWER_TYPES) - {"key_posts"}
    assert sum(item.basic for item in t.items) >= 10


def test_shipped_template_cites_the_articles_the_domain_names(data: dict[str, Any]) -> None:
    t = parse_template(data)
    bases = {item.code: item.basis for item in t.items}
    assert bases["JS-01"] == "《中华人民共和国建筑法》第七条"
    assert "《中华人民共和国建筑法》第二十四条" in bases["JS-03"]
    assert bases["JS-06"] == "《保障农民工工资支付条例》第二十四条"
    assert bases["JS-07"] == "《保障农民工工资支付条例》第二十九条"
    assert bases["SG-01"] == "《中华人民共和国建筑法》第二十六条"
    assert "第二十八条" in bases["SG-03"] and "建市规〔2019〕1号" in bases["SG-03"]
    assert "第二十九条" in bases["SG-04"]
    cited = " ".join(bases.values())
    for article in ("第二十六条", "第二十八条", "第三十二条", "第三十四条"):
        assert f"《保障农民工工资支付条例》{article}" in cited
    assert "《建筑工人实名制管理办法（试行）》" in bases["SM-01"]


def test_real_name_rule_vetoes_and_deducts_by_attendance(data: dict[str, Any]) -> None:
    rule = parse_template(data).real_name
    assert rule.attendance_threshold == 0.8
    assert rule.veto.item == "SM-01"
    assert "企业年度综合信用评价直接确定为不合格" in rule.veto.consequences
    assert rule.deduction_for(0.85) is None
    assert rule.deduction_for(0.8) is None
    mild, severe = rule.deduction_for(0.75), rule.deduction_for(0.2)
    assert mild is not None and severe is not None
    for subject in ("企业", "项目负责人", "总监理工程师"):
        assert severe.points_for(subject) > mild.points_for(subject) > 0


def test_content_hash_is_of_the_canonical_json(data: dict[str, Any]) -> None:
    reordered = dict(reversed(list(data.items())))
    assert parse_template(reordered).content_hash == parse_template(data).content_hash
    changed = copy.deepcopy(data)
    changed["sections"][0]["items"][0]["deadline_days"] = 30
    assert content_hash(changed) != content_hash(data)


def test_missing_field_is_named_with_its_path(data: dict[str, Any]) -> None:
    message = refused(data, lambda d: d["sections"][1]["items"][2].pop("basis"))
    assert message == "sections[1].items[2].basis：缺少必填字段"
    assert refused(data, lambda d: d.pop("version")) == "version：缺少必填字段"


def test_duplicate_item_code_is_refused(data: dict[str, Any]) -> None:
    def duplicate(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][1]["code"] = "JS-01"

    message = refused(data, duplicate)
    assert "sections[0].items[1].code" in message
    assert "“JS-01”重复" in message and "sections[0].items[0]" in message


def test_unknown_answer_type_is_refused(data: dict[str, Any]) -> None:
    def bad_type(d: dict[str, Any]) -> None:
        d["sections"][2]["items"][0]["answer_type"] = "yesno"

    message = refused(data, bad_type)
    assert message.startswith("sections[2].items[0]（SM-01）.answer_type：未知的回答类型“yesno”")
    assert "compliance、number、text、photo" in message


def test_wrong_types_are_refused(data: dict[str, Any]) -> None:
    def text_deadline(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][0]["deadline_days"] = "15"

    def numeric_basic(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][0]["basic"] = 1

    assert "deadline_days：应为整数，实际是文字" in refused(data, text_deadline)
    assert "basic：应为布尔值（true/false），实际是整数" in refused(data, numeric_basic)
    assert refused(data, lambda d: d.update(sections={})) == "sections：应为列表，实际是对象"


def test_threshold_outside_zero_to_one_is_refused(data: dict[str, Any]) -> None:
    def percent(d: dict[str, Any]) -> None:
        d["rules"]["real_name"]["attendance_threshold"] = 80

    assert refused(data, percent) == (
        "rules.real_name.attendance_threshold：应在 0 到 1 之间，当前为 80")


def test_overlapping_deductions_are_refused(data: dict[str, Any]) -> None:
    def overlap(d: dict[str, Any]) -> None:
        d["rules"]["real_name"]["deductions"][1]["rate_below"] = 0.75

    assert "区间重叠" in refused(data, overlap)


def test_veto_must_name_a_compliance_item_of_the_template(data: dict[str, Any]) -> None:
    def unknown(d: dict[str, Any]) -> None:
        d["rules"]["real_name"]["veto"]["item"] = "SM-99"

    def numeric(d: dict[str, Any]) -> None:
        d["rules"]["real_name"]["veto"]["item"] = "SM-02"

    assert "“SM-99”不在本检查表中" in refused(data, unknown)
    assert "回答类型应为 compliance" in refused(data, numeric)


def test_misspelt_field_and_foreign_item_are_refused(data: dict[str, Any]) -> None:
    def misspelt(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][0]["requirment"] = d["sections"][0]["items"][0]["requirement"]

    def foreign(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][0]["code"] = "SG-99"

    assert "requirment：未知字段" in refused(data, misspelt)
    assert "不属于分节“JS”" in refused(data, foreign)


def test_empty_strings_and_lists_are_refused(data: dict[str, Any]) -> None:
    def blank(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][0]["finding"] = "  "

    def no_conditions(d: dict[str, Any]) -> None:
        d["sections"][0]["items"][0]["noncompliance"] = []

    assert refused(data, blank).endswith("finding：不能为空")
    assert refused(data, no_conditions).endswith("noncompliance：至少需要一条")

