from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from jjg_desktop.rules.draw import EXPERT, OFFICIAL, DrawParams
from jjg_desktop.services import draws
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.models import Enterprise, Inspection, InspectionDraw
from jjg_desktop.store.read.draws import draw_detail
from tests_support import add_enterprise, add_project


@pytest.fixture
def county(ctx, store, clock):
    contractors = [add_enterprise(store, clock.now, name=f"珲春第{i}建筑公司") for i in range(6)]
    projects = [add_project(store, clock.now, name=f"珲春市第{i}中学教学楼",
                            parties={"施工单位": contractors[i]}) for i in range(6)]
    add_project(store, clock.now, name="已竣工项目", parties={}, status="竣工")
    officials = [draws.add_pool_member(ctx, kind=OFFICIAL, name=f"干部{i}",
                                       enforcement_cert_no=f"2224042300{i:04d}")
                 for i in range(3)]
    experts = [draws.add_pool_member(ctx, kind=EXPERT, name=f"专家{i}", specialty="建筑工程")
               for i in range(4)]
    with store.db.read() as s:
        code0 = s.get(Enterprise, contractors[0]).credit_code
    draws.add_employment(ctx, experts[0], credit_code=code0, enterprise_name="珲春第0建筑公司",
                         start=date(2020, 3, 1), end=None)
    return {"projects": projects, "officials": officials, "experts": experts}


def test_a_draw_plans_sealed_inspections_for_drawn_projects_and_teams(ctx, store, county):
    draw_id = draws.make_draw(ctx, DrawParams(projects=3), seed="2026-05-18 第1次")
    with store.db.read() as s:
        record = s.get(InspectionDraw, draw_id)
        planned = s.scalars(select(Inspection).where(Inspection.draw_id == draw_id)
                            .order_by(Inspection.number)).all()
    assert len(planned) == 3 and all(i.sealed and i.status == "planned" for i in planned)
    assert {i.project_id for i in planned} <= set(county["projects"])
    assert [i.number for i in planned] == [f"珲春住建市检〔2026〕{n:03d}号" for n in (1, 2, 3)]
    for insp in planned:
        assert sorted(m["kind"] for m in insp.team) == sorted([OFFICIAL, EXPERT])
        assert all(m["cert_no"] for m in insp.team if m["kind"] == OFFICIAL)
    assert len(record.candidates["projects"]) == 6  # the finished project is not a candidate
    assert draws.verify_draw(ctx, draw_id) == []


def test_an_expert_who_worked_for_the_contractor_steps_aside(ctx, store, county):
    conflicted, target = county["experts"][0], county["projects"][0]
    stepped_aside = 0
    for seed in map(str, range(80)):
        draw_id = draws.make_draw(ctx, DrawParams(projects=3), seed=seed)
        with store.db.read() as s:
            result = s.get(InspectionDraw, draw_id).result
        team = next((t for t in result if t["project_id"] == target), None)
        if team is not None:
            assert conflicted not in team["members"]
            if conflicted in team["excluded"]:
                stepped_aside += 1
                with store.db.read() as s:
                    view = draw_detail(s, draw_id)
                assert view is not None
                [reason] = [e.reason for t in view.teams for e in t.excluded
                            if t.project_id == target]
                assert "曾任职于本项目参建单位（珲春第0建筑公司，2020-03-01 至 今）" in reason
                assert "91" not in reason  # the employer by name, never its credit code
    assert stepped_aside > 0  # the draw did reach the expert for that project and passed over


def test_verify_detects_a_candidate_list_changed_after_the_draw(ctx, store, county):
    draw_id = draws.make_draw(ctx, DrawParams(projects=2), seed="s")
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("UPDATE inspection_draw SET candidates = json_remove(candidates, "
                     "'$.projects[0]') WHERE id = ?", (draw_id,))
    assert any("名单被改动" in p for p in draws.verify_draw(ctx, draw_id))


def test_a_second_draw_continues_the_numbering(ctx, store, county):
    draws.make_draw(ctx, DrawParams(projects=1), seed="a")
    second = draws.make_draw(ctx, DrawParams(projects=1), seed="b")
    with store.db.read() as s:
        numbers = [i.number for i in s.scalars(select(Inspection).where(
            Inspection.draw_id == second))]
    assert numbers == ["珲春住建市检〔2026〕002号"]


def test_not_enough_people_is_refused_and_nothing_is_planned(ctx, store, county):
    with pytest.raises(InvalidInput, match="可抽取的干部不足"):
        draws.make_draw(ctx, DrawParams(projects=4), seed="s")
    with store.db.read() as s:
        assert s.scalars(select(Inspection)).first() is None
    with pytest.raises(InvalidInput, match="干部应填写执法证号"):
        draws.add_pool_member(ctx, kind=OFFICIAL, name="无证")


def test_a_redraw_needs_a_reason_and_keeps_it_on_the_record(ctx, store, county):
    first = draws.make_draw(ctx, DrawParams(projects=1), seed="a")
    with pytest.raises(InvalidInput, match="重新抽取须说明原因"):
        draws.make_draw(ctx, DrawParams(projects=1), seed="b", redraw_of=first, reason=" ")
    again = draws.make_draw(ctx, DrawParams(projects=1), seed="b", redraw_of=first,
                            reason="抽中项目已停工")
    with store.db.read() as s:
        record = s.get(InspectionDraw, again)
        view = draw_detail(s, again)
    assert record.params["redraw_of"] == first
    assert view is not None and view.redraw_reason == "抽中项目已停工"
    assert draws.verify_draw(ctx, again) == []  # the reason is not a parameter of the draw
