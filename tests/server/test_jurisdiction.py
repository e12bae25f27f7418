"""The server's scope is the division table's subtree: the units the province addresses beside
the prefectures (长白山管委会, 长春新区, 中韩（长春）国际合作示范区, 梅河口市) have accounts,
see exactly what lies under them, and are not seen by the prefecture their codes suggest."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from jjg_desktop.rules.divisions import jurisdiction
from jjg_desktop.sync.catalogue import level_of
from jjg_server.accounts import UserError
from server_support import SyncClient, add_user, row

PASSWORD = "Jl-区划-2026!"

SPECIAL_UNITS = {
    # unit: the GB/T 2260 prefecture whose code or territory it shares
    "JL-CBS": None,
    "JL-CCXQ": "220100",
    "JL-ZHSFQ": "220100",
    "220581": "220500",
}


def _user(server: str, engine: Engine, username: str, role: str, division: str) -> SyncClient:
    add_user(engine, username, PASSWORD, role=role, division=division)
    return SyncClient.signed_in(server, username, PASSWORD, client_id=f"pc-{username}")


def _verification(vid: str, division: str) -> dict[str, Any]:
    return row("verification", vid, enterprise_id="e1", division_code=division,
               verified_on="2026-03-01", method="实地核查")


def test_the_table_ranks_the_special_units_beside_the_prefectures():
    table = jurisdiction()
    for code, gb_parent in SPECIAL_UNITS.items():
        assert table.rows[code].parent_code == "220000"
        assert level_of(code) == 2
        assert table.subtree(code) == {code}
        assert code in table.subtree("220000")
        if gb_parent is not None:
            assert code not in table.subtree(gb_parent)
    assert level_of("220000") == 1 and level_of("222400") == 2 and level_of("222404") == 3


@pytest.mark.parametrize("unit", sorted(SPECIAL_UNITS))
def test_a_special_unit_works_its_own_records_and_nobody_elses(
        server: str, engine: Engine, unit: str):
    reviewer = _user(server, engine, "unit01", "prefecture_reviewer", unit)
    neighbour_code = SPECIAL_UNITS[unit] or "220100"
    neighbour = _user(server, engine, "pref01", "prefecture_reviewer", neighbour_code)
    province = _user(server, engine, "prov01", "province_admin", "220000")
    name = jurisdiction().name(unit)

    assert reviewer.do("verification.record", _verification("v-unit", unit)) == "applied"
    assert neighbour.do("verification.record", _verification("v-pref", neighbour_code)) == (
        "applied")
    # neither writes into the other's division
    assert reviewer.do("verification.record", _verification("v-x", neighbour_code)) == (
        f"rejected: 动态核查记录属于{jurisdiction().name(neighbour_code)}，"
        f"不在您的管辖范围（{name}）内")
    assert neighbour.do("verification.record", _verification("v-y", unit)) == (
        f"rejected: 动态核查记录属于{name}，不在您的管辖范围"
        f"（{jurisdiction().name(neighbour_code)}）内")

    assert ("verification", "v-unit") in reviewer.sees()
    assert ("verification", "v-pref") not in reviewer.sees()
    assert ("verification", "v-unit") not in neighbour.sees()
    assert {("verification", "v-unit"), ("verification", "v-pref")} <= province.sees()


def test_every_unit_of_the_table_can_have_accounts_and_nothing_else_can(engine: Engine):
    for code in jurisdiction().rows:
        add_user(engine, f"u{code.replace('-', '').lower()}", PASSWORD, division=code,
                 role="province_admin" if code == "220000" else "county_clerk")
    for bogus in ("229999", "JL-XYZ", "22240", ""):
        with pytest.raises(UserError, match="不在全省区划表中"):
            add_user(engine, "ghost", PASSWORD, division=bogus)
