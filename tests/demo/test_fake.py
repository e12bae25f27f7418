from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jjg_desktop.demo import fake
from jjg_desktop.rules.credit_code import is_valid

REAL_MOBILE_PREFIXES = (
    {str(n) for n in range(130, 140)}
    | {str(n) for n in range(150, 160)} - {"154"}
    | {str(n) for n in range(180, 190)}
    | {"145", "147", "166", "170", "171", "173", "175", "176", "177", "178"}
    | {"191", "193", "195", "196", "197", "198", "199"}
)
DIVISIONS = sorted(fake.JILIN_AREA_CODES) + [p.capital_division for p in fake.HOME_PROVINCES]
AREA_CODES = sorted(
    set(fake.JILIN_AREA_CODES.values()) | {p.area_code for p in fake.HOME_PROVINCES}
)


def is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def records(seed: int) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    return [
        (
            fake.person_name(rng),
            fake.mobile(rng),
            fake.landline(rng, "0431"),
            fake.enterprise_name(rng, "长春"),
            fake.supervision_company_name(rng, "吉林省"),
            fake.credit_code(rng, "220102"),
            fake.address(rng, "长春市", "南关区"),
            fake.project_name(rng, "农安县"),
            fake.qualification(rng),
            fake.supervision_qualification(rng),
            fake.safety_licence_no(rng, "吉", 2021),
            fake.constructor_cert_no(rng, "吉"),
            fake.enforcement_cert_no(rng),
        )
        for _ in range(50)
    ]


def test_same_seed_gives_same_records() -> None:
    assert records(2024) == records(2024)


def test_different_seeds_give_different_records() -> None:
    first, second = records(1), records(2)
    for column in range(len(first[0])):
        assert [r[column] for r in first] != [r[column] for r in second]


def test_global_random_state_is_untouched() -> None:
    before = random.getstate()
    records(5)
    assert random.getstate() == before


@settings(database=None, max_examples=300)
@given(seed=st.integers(min_value=0, max_value=2**64), division=st.sampled_from(DIVISIONS))
def test_credit_code_is_valid_and_embeds_division(seed: int, division: str) -> None:
    code = fake.credit_code(random.Random(seed), division)
    assert is_valid(code), code
    assert code[:2] == "91"
    assert code[2:8] == division


def test_credit_code_valid_for_every_division_many_seeds() -> None:
    rng = random.Random(0)
    codes = [fake.credit_code(rng, division) for division in DIVISIONS for _ in range(200)]
    assert all(is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("division", ["2201", "22010X", "", "2201000"])
def test_credit_code_rejects_bad_division(division: str) -> None:
    with pytest.raises(ValueError):
        fake.credit_code(random.Random(0), division)


def test_mobile_numbers_have_real_prefixes() -> None:
    rng = random.Random(11)
    numbers = [fake.mobile(rng) for _ in range(5000)]
    for number in numbers:
        assert len(number) == 11 and number.isdigit(), number
        assert number[:3] in REAL_MOBILE_PREFIXES, number
    assert len({n[:3] for n in numbers}) > 30


def test_person_names_are_two_or_three_cjk_characters() -> None:
    rng = random.Random(3)
    names = [fake.person_name(rng) for _ in range(2000)]
    for name in names:
        assert 2 <= len(name) <= 3 and is_cjk(name), name
    assert {len(n) for n in names} == {2, 3}
    assert len(set(names)) > 1500


@pytest.mark.parametrize("area_code", AREA_CODES)
def test_landline_starts_with_area_code(area_code: str) -> None:
    rng = random.Random(area_code)
    for _ in range(200):
        number = fake.landline(rng, area_code)
        prefix, local = number.split("-")
        assert prefix == area_code
        assert local.isdigit() and local[0] not in "01", number
        assert len(local) in (7, 8)


def test_landline_local_length_matches_area() -> None:
    rng = random.Random(0)
    assert len(fake.landline(rng, "0431").split("-")[1]) == 8
    assert len(fake.landline(rng, "010").split("-")[1]) == 8
    assert len(fake.landline(rng, "0433").split("-")[1]) == 7
    assert len(fake.landline(rng, "0436").split("-")[1]) == 7


def test_jilin_area_codes() -> None:
    assert fake.JILIN_AREA_CODES == {
        "220100": "0431",
        "220200": "0432",
        "220300": "0434",
        "220400": "0437",
        "220500": "0435",
        "220600": "0439",
        "220700": "0438",
        "220800": "0436",
        "222400": "0433",
    }


def test_home_provinces() -> None:
    provinces = fake.HOME_PROVINCES
    assert len(provinces) >= 15
    assert len({p.code for p in provinces}) == len({p.short for p in provinces}) == len(provinces)
    for p in provinces:
        assert re.fullmatch(r"\d{2}0000", p.code), p
        assert re.fullmatch(p.code[:2] + r"0100", p.capital_division), p
        assert re.fullmatch(r"0\d{2,3}", p.area_code), p
        assert p.code[:2] != "22"
        assert is_cjk(p.name + p.short + p.capital) and len(p.short) == 1
    by_code = {p.code: p for p in provinces}
    assert by_code["130000"] == fake.Province(
        "130000", "河北省", "冀", "石家庄市", "130100", "0311"
    )
    assert by_code["230000"] == fake.Province(
        "230000", "黑龙江省", "黑", "哈尔滨市", "230100", "0451"
    )
    assert by_code["320000"].area_code == "025"
    assert by_code["330000"].capital == "杭州市"


@pytest.mark.parametrize("place", ["长春", "吉林省", "江苏"])
def test_enterprise_names_are_mostly_distinct(place: str) -> None:
    rng = random.Random(place)
    names = [fake.enterprise_name(rng, place) for _ in range(2000)]
    assert len(set(names)) / len(names) >= 0.9
    legal_forms = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
    for name in names:
        assert name.startswith(place) and name.endswith(legal_forms), name
        assert is_cjk(name) and 10 <= len(name) <= 24, name


def test_supervision_company_names() -> None:
    rng = random.Random(8)
    for _ in range(500):
        name = fake.supervision_company_name(rng, "长春")
        assert name.startswith("长春") and name.endswith("公司"), name
        assert "监理" in name or "项目管理" in name, name


def test_address_starts_with_place() -> None:
    rng = random.Random(4)
    for _ in range(500):
        text = fake.address(rng, "延边朝鲜族自治州", "珲春市")
        assert re.fullmatch(r"延边朝鲜族自治州珲春市\w+?\d+号(\d+栋\d单元\d+室|\w+\d+层)?", text), (
            text
        )
    same = fake.address(rng, "北京市", "北京市")
    assert same.startswith("北京市") and not same.startswith("北京市北京市"), same


def test_project_names() -> None:
    rng = random.Random(6)
    names = [fake.project_name(rng, "农安县") for _ in range(2000)]
    for name in names:
        assert name.startswith("农安县") and name.endswith(("工程", "项目")), name
    assert len(set(names)) > 800
    for word in ("住宅楼", "学", "医院", "道路", "桥", "水", "厂房"):
        assert any(word in name for name in names), word


def test_qualifications() -> None:
    rng = random.Random(9)
    contracting = re.compile(
        r"\w+工程(施工总承包(特级|壹级|贰级|叁级)|专业承包(壹级|贰级|叁级))"
        r"|(模板脚手架|预拌混凝土)专业承包不分等级"
    )
    supervision = re.compile(r"\w+工程监理[甲乙丙]级|工程监理综合资质")
    qualifications = [fake.qualification(rng) for _ in range(1000)]
    for q in qualifications:
        assert contracting.fullmatch(q), q
    assert "建筑工程施工总承包贰级" in qualifications
    for _ in range(1000):
        q = fake.supervision_qualification(rng)
        assert supervision.fullmatch(q), q
        assert not q.endswith(("机电安装工程监理丙级", "通信工程监理丙级"))


def test_safety_licence_no() -> None:
    rng = random.Random(10)
    for _ in range(200):
        assert re.fullmatch(
            r"（吉）JZ安许证字〔2021〕\d{6}", fake.safety_licence_no(rng, "吉", 2021)
        )
    assert fake.safety_licence_no(rng, "苏", 2019).startswith("（苏）JZ安许证字〔2019〕")


def test_constructor_cert_no() -> None:
    rng = random.Random(12)
    for _ in range(200):
        assert re.fullmatch(r"吉22[12]\d{9}", fake.constructor_cert_no(rng, "吉"))
    for p in fake.HOME_PROVINCES:
        number = fake.constructor_cert_no(rng, p.short)
        assert number[0] == p.short and number[1:3] == p.code[:2] and len(number) == 13
    with pytest.raises(ValueError):
        fake.constructor_cert_no(rng, "X")


def test_enforcement_cert_no() -> None:
    rng = random.Random(13)
    for _ in range(200):
        number = fake.enforcement_cert_no(rng)
        assert len(number) == 14 and number.isdigit() and number.startswith("22"), number
        assert number[:6] in fake.JILIN_AREA_CODES


def test_imports_nothing_heavy() -> None:
    code = (
        "import sys, jjg_desktop.demo.fake; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')]; "
        "ours = [m for m in sys.modules if m.startswith('jjg_desktop.') and "
        "m not in ('jjg_desktop.demo', 'jjg_desktop.demo.fake', 'jjg_desktop.rules', "
        "'jjg_desktop.rules.credit_code')]; "
        "print(heavy + ours)"
    )
    root = Path(fake.__file__).parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
