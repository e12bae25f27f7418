"""Read models of the work lists: inspections, abnormal-list cases, dashboard, outbox,
divisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from jjg_desktop.services import enterprises
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import AbnormalCase, ChecklistTemplate, Inspection, Project
from jjg_desktop.store.read.worklists import (
    CaseFilter,
    InspectionFilter,
    case_count,
    case_ids,
    case_rows,
    dashboard_counts,
    division_choices,
    inspection_count,
    inspection_ids,
    inspection_rows,
    nearest_deadlines,
    outbox_count,
    outbox_ids,
    outbox_rows,
    recent_inspections,
    sync_summary,
)
from tests_support import add_enterprise

NOW = datetime(2026, 5, 18, 1, 30)
TODAY = date(2026, 5, 18)


def synced(**values: Any) -> dict[str, Any]:
    return {"id": new_id(), "created_at": NOW, "updated_at": NOW, **values}


def add_project(store: Store, name: str, code: str, status: str = "在建") -> str:
    project = Project(**synced(code=code, name=name, division_code="222404", status=status))
    with store.db.write() as s:
        s.add(project)
    return project.id


def add_inspections(store: Store, project_id: str,
                    rows: list[tuple[str, str, date | None, datetime | None]]) -> list[str]:
    """(number, status, planned_on, completed_at) each."""
    with store.db.write() as s:
        template = ChecklistTemplate(**synced(code="JZSC", version=new_id()[:8], title="检查表",
                                              content={}, content_hash="0" * 64))
        s.add(template)
        s.flush()
        made = [Inspection(**synced(number=n, project_id=project_id, template_id=template.id,
                                    division_code="222404", method="unannounced", status=st,
                                    planned_on=planned, completed_at=done))
                for n, st, planned, done in rows]
        s.add_all(made)
    return [i.id for i in made]


def add_case(store: Store, enterprise_id: str, state: str, deadline: date | None,
             grounds: list[str] | None = None) -> str:
    case = AbnormalCase(**synced(enterprise_id=enterprise_id, division_code="222404",
                                 state=state, grounds=grounds or ["联系不上"],
                                 deadline=deadline))
    with store.db.write() as s:
        s.add(case)
    return case.id


@pytest.fixture
def inspections(store: Store) -> dict[str, str]:
    school = add_project(store, "珲春市第一中学教学楼新建工程", "222404202601")
    hospital = add_project(store, "珲春市人民医院门诊楼改造工程", "222404202602")
    ids = add_inspections(store, school, [
        ("HC-2026-001", "completed", date(2026, 3, 1), datetime(2026, 3, 2, 2)),
        ("HC-2026-002", "planned", date(2026, 6, 1), None),
        ("HC-2025-009", "completed", date(2025, 9, 1), datetime(2025, 9, 1, 3)),
    ])
    ids += add_inspections(store, hospital, [
        ("HC-2026-003", "in_progress", date(2026, 5, 10), None),
    ])
    return dict(zip(["jan", "planned", "old", "hospital"], ids, strict=True))


def numbers(store: Store, f: InspectionFilter, **kw: Any) -> list[str]:
    with store.db.read() as s:
        return [r.number for r in inspection_rows(s, inspection_ids(s, f, **kw))]


def test_inspections_newest_day_first(store: Store, inspections: dict[str, str]) -> None:
    assert numbers(store, InspectionFilter()) == [
        "HC-2026-002", "HC-2026-003", "HC-2026-001", "HC-2025-009"]
    with store.db.read() as s:
        row = inspection_rows(s, [inspections["jan"]])[0]
    assert row.project == "珲春市第一中学教学楼新建工程"
    assert row.day == date(2026, 3, 2)
    assert row.status == "completed"


def test_inspection_search_filters_and_paging(store: Store,
                                              inspections: dict[str, str]) -> None:
    assert numbers(store, InspectionFilter(text="HC-2026")) == [
        "HC-2026-002", "HC-2026-003", "HC-2026-001"]
    assert numbers(store, InspectionFilter(text="医院")) == ["HC-2026-003"]
    assert numbers(store, InspectionFilter(text="222404202601")) == [
        "HC-2026-002", "HC-2026-001", "HC-2025-009"]
    assert numbers(store, InspectionFilter(status="completed")) == ["HC-2026-001", "HC-2025-009"]
    assert numbers(store, InspectionFilter(year=2025)) == ["HC-2025-009"]
    assert numbers(store, InspectionFilter(), sort="number", order="asc", limit=2, offset=1) == [
        "HC-2026-001", "HC-2026-002"]
    with store.db.read() as s:
        assert inspection_count(s, InspectionFilter(year=2026)) == 3
        assert inspection_count(s, InspectionFilter(text="不存在的工程")) == 0


def test_recent_inspections_leave_out_later_plans(store: Store,
                                                  inspections: dict[str, str]) -> None:
    with store.db.read() as s:
        recent = recent_inspections(s, TODAY, limit=2)
    assert [r.number for r in recent] == ["HC-2026-003", "HC-2026-001"]


@pytest.fixture
def cases(store: Store) -> dict[str, str]:
    late = add_enterprise(store, NOW, name="天津远祥路桥工程有限责任公司",
                          home_province_code="120000", home_province="天津市")
    soon = add_enterprise(store, NOW, name="济南鼎立建筑工程有限公司",
                          home_province_code="370000", home_province="山东省")
    closed = add_enterprise(store, NOW, name="四川亿通建筑工程有限公司",
                            home_province_code="510000", home_province="四川省")
    return {
        "late": add_case(store, late, "proposed", date(2026, 5, 8), ["信息登记不实", "联系不上"]),
        "soon": add_case(store, soon, "rectifying", date(2026, 6, 3)),
        "undated": add_case(store, soon, "proposed", None),
        "closed": add_case(store, closed, "removed", date(2026, 4, 1)),
    }


def case_names(store: Store, f: CaseFilter, **kw: Any) -> list[tuple[str, str]]:
    with store.db.read() as s:
        return [(r.enterprise, r.state_label) for r in case_rows(s, case_ids(s, f, **kw))]


def test_cases_nearest_deadline_first_undated_last(store: Store, cases: dict[str, str]) -> None:
    assert case_names(store, CaseFilter()) == [
        ("四川亿通建筑工程有限公司", "已移出"),
        ("天津远祥路桥工程有限责任公司", "拟列入（待市州审核）"),
        ("济南鼎立建筑工程有限公司", "整改核实中"),
        ("济南鼎立建筑工程有限公司", "拟列入（待市州审核）")]
    with store.db.read() as s:
        late = case_rows(s, [cases["late"]])[0]
        closed = case_rows(s, [cases["closed"]])[0]
    assert late.grounds == ("信息登记不实", "联系不上")
    assert late.overdue_on(TODAY) and not late.overdue_on(date(2026, 5, 8))
    assert not closed.open and not closed.overdue_on(TODAY)


def test_case_filters(store: Store, cases: dict[str, str]) -> None:
    assert [n for n, _ in case_names(store, CaseFilter(open=True))] == [
        "天津远祥路桥工程有限责任公司", "济南鼎立建筑工程有限公司", "济南鼎立建筑工程有限公司"]
    assert case_names(store, CaseFilter(open=False)) == [("四川亿通建筑工程有限公司", "已移出")]
    assert case_names(store, CaseFilter(overdue_on=TODAY)) == [
        ("天津远祥路桥工程有限责任公司", "拟列入（待市州审核）")]
    assert case_names(store, CaseFilter(text="鼎立")) == [
        ("济南鼎立建筑工程有限公司", "整改核实中"),
        ("济南鼎立建筑工程有限公司", "拟列入（待市州审核）")]
    with store.db.read() as s:
        assert case_count(s, CaseFilter(open=True)) == 3
        assert [r.state for r in nearest_deadlines(s, limit=5)] == ["proposed", "rectifying"]


def test_dashboard_counts(store: Store, inspections: dict[str, str],
                          cases: dict[str, str], ctx: ServiceContext) -> None:
    local = add_enterprise(store, NOW, name="珲春市鑫源建筑工程有限公司")
    add_project(store, "珲春市老旧小区改造工程", "222404202603", status="竣工")
    enterprises.update_contact(ctx, local, contact_phone="13943312345")
    with store.db.read() as s:
        counts = dashboard_counts(s, year=2026)
    assert (counts.enterprises, counts.out_of_province) == (4, 3)
    assert counts.active_projects == 2
    assert counts.inspections_this_year == 3
    assert counts.open_cases == 3
    assert counts.pending_changes == 1


def test_outbox_newest_first_with_record_names(store: Store, ctx: ServiceContext) -> None:
    first = add_enterprise(store, NOW, name="珲春市鑫源建筑工程有限公司")
    second = add_enterprise(store, NOW, name="延吉宏达建设有限公司")
    enterprises.update_contact(ctx, first, contact_phone="13943312345")
    enterprises.update_contact(ctx, second, contact_person="王建国")
    with store.db.read() as s:
        assert outbox_count(s) == 2
        rows = outbox_rows(s, outbox_ids(s))
        assert outbox_ids(s, limit=1, offset=1) == [rows[1].id]
    assert [(r.record, r.command, r.state) for r in rows] == [
        ("延吉宏达建设有限公司", "enterprise.update_contact", "pending"),
        ("珲春市鑫源建筑工程有限公司", "enterprise.update_contact", "pending")]
    assert rows[0].created_at == ctx.clock()


def test_sync_summary_of_a_new_client(store: Store) -> None:
    with store.db.read() as s:
        summary = sync_summary(s)
    assert len(summary.client_id) == 36
    assert summary.server_url == ""
    assert summary.last_success_at is None
    assert summary.pending == 0


def test_division_choices_in_tree_order_with_full_names(store: Store) -> None:
    with store.db.read() as s:
        choices = division_choices(s)
    names = [c.full_name for c in choices]
    assert names[0] == "吉林省"
    assert "吉林省 延边朝鲜族自治州 珲春市" in names
    assert names.index("吉林省 延边朝鲜族自治州") < names.index("吉林省 延边朝鲜族自治州 珲春市")
    assert names.index("吉林省 延边朝鲜族自治州 珲春市") < names.index(
        "吉林省 延边朝鲜族自治州 龙井市")
    assert "吉林省 长白山管委会" in names
    assert len(choices) == len({c.code for c in choices})
