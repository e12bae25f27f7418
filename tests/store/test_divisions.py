from __future__ import annotations

from sqlalchemy import select

from jjg_desktop.store.divisions import full_name, reference_rows
from jjg_desktop.store.models import Division
from jjg_desktop.store.read.worklists import subtree_codes

PREFECTURES = {"220100": "长春市", "220200": "吉林市", "220300": "四平市", "220400": "辽源市",
               "220500": "通化市", "220600": "白山市", "220700": "松原市", "220800": "白城市",
               "222400": "延边朝鲜族自治州"}


def test_every_division_is_loaded_on_first_start(store):
    with store.db.read() as s:
        rows = {d.code: d for d in s.scalars(select(Division))}
    assert len(rows) == len(reference_rows())
    assert {c: rows[c].name for c in PREFECTURES} == PREFECTURES
    gb_counties = [d for d in rows.values() if d.kind != "zone" and not d.code.endswith("00")]
    assert len(gb_counties) == 60  # the county-level units of Jilin, 梅河口市 among them
    assert sum(1 for d in rows.values() if d.level == 3) == 59
    for d in rows.values():
        if d.code != "220000":
            parent = rows[d.parent_code]
            assert parent.level == d.level - 1, d.name


def test_current_county_list_and_special_units(store):
    with store.db.read() as s:
        assert s.get(Division, "220184").parent_code == "220100"  # 公主岭市 under 长春市
        assert s.get(Division, "220381") is None
        for name in ("长白山管委会", "长春新区", "中韩（长春）国际合作示范区", "梅河口市"):
            unit = s.scalars(select(Division).where(Division.name == name)).one()
            assert unit.parent_code == "220000" and unit.level == 2
        meihekou = s.get(Division, "220581")
        assert meihekou.kind == "pilot" and meihekou.gb_parent_code == "220500"


def test_scope_of_a_prefecture_is_itself_and_its_counties(store):
    with store.db.read() as s:
        scope = set(subtree_codes(s, "222400"))
        assert scope == {"222400", "222401", "222402", "222403", "222404", "222405", "222406",
                         "222424", "222426"}
        assert len(subtree_codes(s, "220000")) == len(reference_rows())
        assert full_name(s, "222404") == "吉林省 延边朝鲜族自治州 珲春市"


def test_reopening_does_not_duplicate_or_change_divisions(paths, store):
    from jjg_desktop.services.startup import open_store

    store.close()
    again = open_store(paths)
    with again.db.read() as s:
        assert len(s.scalars(select(Division)).all()) == len(reference_rows())
    again.close()
