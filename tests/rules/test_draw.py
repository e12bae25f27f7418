from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jjg_desktop.rules.draw import (
    EXPERT,
    OFFICIAL,
    DrawError,
    DrawParams,
    Employment,
    PoolMember,
    ProjectCandidate,
    draw,
    verify,
)

ON = date(2026, 5, 18)
PROJECTS = [ProjectCandidate(f"p{i:02d}", (f"C{i:02d}", f"S{i % 3}")) for i in range(20)]
POOL = [PoolMember(f"o{i}", f"干部{i}", OFFICIAL) for i in range(6)] + [
    PoolMember(f"e{i}", f"专家{i}", EXPERT,
               (Employment(f"C{i:02d}", date(2018, 1, 1), date(2025, 6, 30)),))
    for i in range(10)]
PARAMS = DrawParams(projects=4)


def test_the_same_seed_and_lists_give_the_same_draw_and_another_seed_another():
    first = draw(PROJECTS, POOL, PARAMS, "20260518-0930", ON)
    assert draw(list(reversed(PROJECTS)), list(reversed(POOL)), PARAMS, "20260518-0930",
                ON) == first  # the order the lists were read in does not matter
    assert draw(PROJECTS, POOL, PARAMS, "20260518-0931", ON).teams != first.teams


def test_each_team_has_officials_and_experts_and_nobody_twice():
    result = draw(PROJECTS, POOL, DrawParams(projects=5, experts_per_team=2), "s", ON)
    everyone = [m for t in result.teams for m in t.members]
    assert len(everyone) == len(set(everyone)) == 15
    for team in result.teams:
        kinds = sorted(m[0] for m in team.members)
        assert kinds == ["e", "e", "o"]


def test_a_member_who_worked_for_a_party_steps_aside():
    target = [ProjectCandidate("p03", ("C03",))]
    pool = [PoolMember("o1", "干部", OFFICIAL),
            PoolMember("e3", "在施工单位工作过", EXPERT,
                       (Employment("C03", date(2019, 1, 1), date(2024, 12, 31)),)),
            PoolMember("e4", "无关", EXPERT)]
    for seed in map(str, range(20)):
        team = draw(target, pool, DrawParams(projects=1), seed, ON).teams[0]
        assert "e3" not in team.members and team.members == ("o1", "e4")
    old = [replace(pool[1], history=(Employment("C03", date(2010, 1, 1), date(2020, 1, 1)),)),
           pool[0]]
    assert draw(target, old, DrawParams(projects=1), "x", ON).teams[0].members == ("o1", "e3")


def test_verification_recomputes_and_detects_a_changed_list():
    recorded = draw(PROJECTS, POOL, PARAMS, "seed-42", ON)
    assert verify(PROJECTS, POOL, PARAMS, ON, recorded) == []
    problems = verify(PROJECTS[:-1], POOL, PARAMS, ON, recorded)
    assert any("名单被改动" in p for p in problems)
    forged = replace(recorded, teams=tuple(reversed(recorded.teams)))
    assert any("结果与记录不一致" in p for p in verify(PROJECTS, POOL, PARAMS, ON, forged))


def test_impossible_draws_say_why():
    with pytest.raises(DrawError, match="不足 30 个"):
        draw(PROJECTS, POOL, DrawParams(projects=30), "s", ON)
    with pytest.raises(DrawError, match="可抽取的干部不足"):
        draw(PROJECTS, POOL, DrawParams(projects=7), "s", ON)
    with pytest.raises(DrawError, match="干部和专家"):
        draw(PROJECTS, POOL, DrawParams(projects=1, experts_per_team=0), "s", ON)


@settings(max_examples=40)
@given(st.text(min_size=1, max_size=12))
def test_any_seed_draws_the_asked_number_of_distinct_projects(seed):
    result = draw(PROJECTS, POOL, PARAMS, seed, ON)
    assert len({t.project_id for t in result.teams}) == 4


def test_selection_is_not_biased_towards_the_start_of_the_list():
    counts = dict.fromkeys((p.id for p in PROJECTS), 0)
    for n in range(500):
        for team in draw(PROJECTS, POOL, PARAMS, f"s{n}", ON).teams:
            counts[team.project_id] += 1
    expected = 500 * 4 / 20
    assert all(abs(c - expected) < expected * 0.45 for c in counts.values()), counts
