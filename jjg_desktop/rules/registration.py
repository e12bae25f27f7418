"""What an out-of-province enterprise's registration (入吉信息登记) must hold to be accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from jjg_desktop.rules.contact import contact_problem
from jjg_desktop.rules.credit_code import normalize, validate

STATUSES = ("正常", "异常名录", "清出")
PROVINCES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省",
    "150000": "内蒙古自治区", "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省",
    "310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省",
    "350000": "福建省", "360000": "江西省", "370000": "山东省", "410000": "河南省",
    "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省",
    "530000": "云南省", "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省",
    "630000": "青海省", "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区",
}
_PROVINCE_BY_NAME = {name: code for code, name in PROVINCES.items()}
_PROVINCE_BY_SHORT = {name.removesuffix("省").removesuffix("市")[:2]: code
                      for code, name in PROVINCES.items()}
_SPLIT = re.compile(r"[；;、\n]+")


@dataclass(slots=True)
class RegistrationInput:
    """One enterprise's registration as typed or as read from a sheet row."""

    credit_code: str
    name: str
    home_province: str
    division_code: str
    registered_on: date | None
    registration_no: str = ""
    qualifications: list[str] = field(default_factory=list)
    safety_licence_no: str = ""
    safety_licence_expiry: date | None = None
    office_address: str = ""
    person_in_charge: str = ""
    phone: str = ""
    commitments: list[str] = field(default_factory=list)
    legal_representative: str = ""


def province_code(name_or_code: str) -> str | None:
    """'江苏省', '江苏' or '320000' → '320000'."""
    value = name_or_code.strip()
    if value in PROVINCES:
        return value
    return _PROVINCE_BY_NAME.get(value) or _PROVINCE_BY_SHORT.get(value[:2])


def split_list(value: str) -> list[str]:
    """A cell holding several entries separated by '；', '、' or new lines."""
    return [part.strip() for part in _SPLIT.split(value) if part.strip()]


def registration_problems(reg: RegistrationInput, *, today: date) -> list[str]:
    """Everything wrong with a registration, each in Chinese; empty when it may be saved."""
    problems: list[str] = []
    check = validate(normalize(reg.credit_code))
    if not check.ok:
        problems.append(check.message)
    if not reg.name.strip():
        problems.append("企业名称不能为空")
    elif len(reg.name) > 200:
        problems.append("企业名称不能超过200个字")
    code = province_code(reg.home_province)
    if code is None:
        problems.append(f"注册地省份“{reg.home_province}”无法识别，请填写省份全称，如“江苏省”")
    elif code == "220000":
        problems.append("注册地为吉林省的企业不需要办理入吉信息登记")
    if reg.registered_on is None:
        problems.append("登记日期不能为空")
    elif reg.registered_on > today:
        problems.append(f"登记日期 {reg.registered_on.isoformat()} 晚于今天")
    if not reg.office_address.strip():
        problems.append("在吉固定办公场所地址不能为空")
    if not reg.person_in_charge.strip():
        problems.append("在吉负责人不能为空")
    if not reg.phone.strip():
        problems.append("联系电话不能为空")
    for fld, value in (("address", reg.office_address), ("contact_person", reg.person_in_charge),
                       ("contact_phone", reg.phone)):
        problem = contact_problem(fld, value.strip())
        if problem:
            problems.append(problem)
    return problems
