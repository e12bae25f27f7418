"""What a registration (入吉信息登记) and a contact must hold, each refusal exactly as the
clerk reads it."""

from __future__ import annotations

from datetime import date

import pytest

from jjg_desktop.rules.contact import LIMITS, contact_problem, phone_hint
from jjg_desktop.rules.registration import (
    PROVINCES,
    RegistrationInput,
    province_code,
    registration_problems,
    split_list,
)

TODAY = date(2026, 5, 18)


def _reg(**over: object) -> RegistrationInput:
    values: dict[str, object] = dict(
        credit_code="91110108MA005BCA25", name="北京某建设工程有限公司", home_province="北京市",
        division_code="222404", registered_on=TODAY, office_address="珲春市河南街道靖和街56号",
        person_in_charge="周明", phone="13904331234")
    values.update(over)
    return RegistrationInput(**values)  # type: ignore[arg-type]


def test_a_complete_registration_has_no_problems():
    assert registration_problems(_reg(), today=TODAY) == []
    assert registration_problems(_reg(name="名" * 200, registered_on=TODAY), today=TODAY) == []


@pytest.mark.parametrize(("over", "problem"), [
    ({"credit_code": "91110108MA005BCA26"}, "第18位校验码应为“5”，当前为“6”"),
    ({"name": "  "}, "企业名称不能为空"),
    ({"name": "名" * 201}, "企业名称不能超过200个字"),
    ({"home_province": "火星"}, "注册地省份“火星”无法识别，请填写省份全称，如“江苏省”"),
    ({"home_province": "吉林省"}, "注册地为吉林省的企业不需要办理入吉信息登记"),
    ({"registered_on": None}, "登记日期不能为空"),
    ({"registered_on": date(2026, 5, 19)}, "登记日期 2026-05-19 晚于今天"),
    ({"office_address": " "}, "在吉固定办公场所地址不能为空"),
    ({"person_in_charge": ""}, "在吉负责人不能为空"),
    ({"phone": ""}, "联系电话不能为空"),
    ({"phone": "电话0433"}, "联系电话只能包含数字、“-”、括号和分隔符"),
    ({"office_address": "址" * 201}, "办公地址不能超过200个字，当前201个字"),
    ({"person_in_charge": "人" * 65}, "联系人不能超过64个字，当前65个字"),
])
def test_each_problem_is_said_alone(over: dict[str, object], problem: str):
    assert registration_problems(_reg(**over), today=TODAY) == [problem]


def test_every_problem_is_said_at_once():
    problems = registration_problems(_reg(name="", home_province="", registered_on=None,
                                          office_address="", person_in_charge="", phone=""),
                                     today=TODAY)
    assert problems == ["企业名称不能为空", "注册地省份“”无法识别，请填写省份全称，如“江苏省”",
                        "登记日期不能为空", "在吉固定办公场所地址不能为空", "在吉负责人不能为空",
                        "联系电话不能为空"]


@pytest.mark.parametrize(("typed", "code"), [
    ("江苏省", "320000"), ("江苏", "320000"), ("320000", "320000"), (" 上海市 ", "310000"),
    ("上海", "310000"), ("内蒙古自治区", "150000"), ("内蒙古", "150000"),
    ("广西壮族自治区", "450000"), ("新疆", "650000"), ("黑龙江省", "230000"),
    ("火星", None), ("", None), ("999999", None)])
def test_provinces_are_known_by_name_short_name_or_code(typed: str, code: str | None):
    assert province_code(typed) == code


def test_every_province_but_jilin_may_register():
    assert len(PROVINCES) == 31 and PROVINCES["220000"] == "吉林省"
    for code, name in PROVINCES.items():
        problems = registration_problems(_reg(home_province=name), today=TODAY)
        jilin = ["注册地为吉林省的企业不需要办理入吉信息登记"]
        assert problems == (jilin if code == "220000" else [])


def test_a_cell_with_several_entries_is_split_on_the_usual_separators():
    assert split_list("建筑工程施工总承包贰级；市政公用工程施工总承包叁级、 钢结构\n  ;防水") == [
        "建筑工程施工总承包贰级", "市政公用工程施工总承包叁级", "钢结构", "防水"]
    assert split_list("  ") == []


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_each_contact_field_takes_exactly_its_length(field: str):
    assert contact_problem(field, "1" * LIMITS[field]) is None
    label = {"address": "办公地址", "contact_person": "联系人", "contact_phone": "联系电话"}[field]
    assert contact_problem(field, "1" * (LIMITS[field] + 1)) == (
        f"{label}不能超过{LIMITS[field]}个字，当前{LIMITS[field] + 1}个字")


def test_a_phone_may_hold_digits_dashes_brackets_and_separators_only():
    for ok in ("0433-1234567", "(0433)1234567", "（0433）1234567", "13904331234、13904335678",
               "+86 139 0433 1234", "0433-1234567转8001", "13904331234/0433-1234567", ""):
        assert contact_problem("contact_phone", ok) is None, ok
    for bad in ("abc", "0433-123456#", "一三九"):
        assert contact_problem("contact_phone", bad) == "联系电话只能包含数字、“-”、括号和分隔符"
    assert contact_problem("address", "abc#") is None


@pytest.mark.parametrize(("typed", "hint"), [
    ("13904331234", None), ("0433-1234567", None), ("04331234567", None), ("010-12345678", None),
    ("+8613904331234", None), ("（0433）1234567", None),
    ("13904331234、0433-1234567", None), ("13904331234, 13904335678", None),
    ("1390433123", "“1390433123”不像完整的手机号（11位）或座机号（区号-号码）"),
    ("12904331234", "“12904331234”不像完整的手机号（11位）或座机号（区号-号码）"),
    ("1234567", "“1234567”不像完整的手机号（11位）或座机号（区号-号码）"),
    ("0433-123456", "“0433-123456”不像完整的手机号（11位）或座机号（区号-号码）"),
    ("13904331234/139", "“139”不像完整的手机号（11位）或座机号（区号-号码）"),
    ("", None)])
def test_a_number_that_does_not_look_complete_gets_a_gentle_hint(typed: str, hint: str | None):
    assert phone_hint(typed) == hint
