"""工作台: what the first screen shows — the counts, the latest inspections, the nearest
deadlines, the cases waiting on this desk, overdue rectifications, inspections due for a
re-inspection and 检查全覆盖 — read in one call (`read_dashboard`).

Nothing here imports SQLAlchemy: the first paint runs the same reads on a plain `sqlite3`
connection before the ORM is loaded (`jjg_desktop.qt.shell.first_paint`), and the page runs
them on a session afterwards.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from jjg_desktop.rules.china_time import year_bounds_utc
from jjg_desktop.store.read.raw import Reader, rows
from jjg_desktop.store.read.worklists import (
    CaseRow,
    DashboardCounts,
    InspectionRow,
    case_desk,
    dashboard_counts,
    nearest_deadlines,
    recent_inspections,
    subtree_codes,
    waiting_cases,
)
from jjg_desktop.store.sql import in_list

LIST_LENGTH = 12
WAITING_LENGTH = 50


def _division_filter(column: str, division_codes: Collection[str]) -> tuple[str, dict[str,
                                                                                   object]]:
    if not division_codes:
        return "", {}
    names, params = in_list("d", list(division_codes))
    return f" AND {column} IN ({names})", params


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


@dataclass(frozen=True, slots=True)
class OverdueRow:
    finding_id: str
    inspection_id: str
    inspection_number: str
    project_id: str
    project: str
    enterprise_id: str | None
    enterprise: str
    item_code: str
    problem: str
    deadline: date
    days_overdue: int
    status: str
    notice_number: str
    """The notice that set the deadline ('' when none was issued)."""


def overdue_rectifications(session: Reader, today: date,
                           division_codes: Collection[str] = ()) -> list[OverdueRow]:
    """Open findings past their deadline (a 督办函 is due), the longest overdue first."""
    where, params = _division_filter("i.division_code", division_codes)
    found = rows(
        session,
        "SELECT f.id, i.id, i.number, p.id, p.name, f.enterprise_id, coalesce(e.name, ''), "
        "f.item_code, f.problem, f.deadline, f.status, coalesce((SELECT n.number "
        "  FROM rectification_notice n, json_each(n.finding_ids) j "
        "  WHERE n.inspection_id = f.inspection_id AND j.value = f.id "
        "  AND n.deleted_at IS NULL ORDER BY n.issued_on DESC LIMIT 1), '') "
        "FROM finding f JOIN inspection i ON i.id = f.inspection_id "
        "JOIN project p ON p.id = i.project_id "
        "LEFT JOIN enterprise e ON e.id = f.enterprise_id "
        "WHERE f.deleted_at IS NULL AND i.deleted_at IS NULL AND f.status = 'open' "
        f"AND i.status = 'completed' AND f.deadline < :today{where} "
        "ORDER BY f.deadline, i.number, f.item_code",
        params | {"today": today.isoformat()})
    out = []
    for r in found:
        deadline = _d(r[9])
        assert deadline is not None
        out.append(OverdueRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], deadline,
                              (today - deadline).days, r[10], r[11]))
    return out


@dataclass(frozen=True, slots=True)
class DueReinspectionRow:
    inspection_id: str
    inspection_number: str
    project_id: str
    project: str
    open_findings: int
    last_deadline: date
    """When the last rectification period of the record ends."""
    scheduled_id: str | None
    """A re-inspection already planned or under way, if any."""
    scheduled_number: str


def due_reinspections(session: Reader, today: date, division_codes: Collection[str] = (),
                      within_days: int = 7) -> list[DueReinspectionRow]:
    """Completed inspections whose open findings' rectification periods have all ended (or
    end within `within_days`): time to go back and look. Earliest first."""
    where, params = _division_filter("i.division_code", division_codes)
    horizon = date.fromordinal(today.toordinal() + within_days)
    found = rows(
        session,
        "WITH open_by_root AS ("
        "  SELECT coalesce(i.reinspection_of, i.id) AS root, count(*) AS n, "
        "  max(f.deadline) AS last_deadline FROM inspection i "
        "  JOIN finding f ON f.inspection_id = i.id "
        "  WHERE i.deleted_at IS NULL AND i.status = 'completed' AND f.deleted_at IS NULL "
        f"  AND f.status = 'open' AND f.deadline IS NOT NULL{where} "
        "  GROUP BY root HAVING max(f.deadline) <= :horizon) "
        "SELECT o.id, o.number, p.id, p.name, ob.n, ob.last_deadline, "
        "  (SELECT r.id FROM inspection r WHERE r.reinspection_of = o.id "
        "   AND r.deleted_at IS NULL AND r.status != 'completed' LIMIT 1) AS scheduled "
        "FROM open_by_root ob JOIN inspection o ON o.id = ob.root "
        "JOIN project p ON p.id = o.project_id ORDER BY ob.last_deadline, o.number",
        params | {"horizon": horizon.isoformat()})
    names, p = in_list("s", [r[6] for r in found if r[6]] or [""])
    numbers: dict[str, str] = {i: n for i, n in rows(
        session, f"SELECT id, number FROM inspection WHERE id IN ({names})", p)}
    out = []
    for r in found:
        last = _d(r[5])
        assert last is not None
        out.append(DueReinspectionRow(r[0], r[1], r[2], r[3], r[4], last, r[6],
                                      numbers.get(r[6], "") if r[6] else ""))
    return out


@dataclass(frozen=True, slots=True)
class CoverageRow:
    project_id: str
    code: str
    name: str
    division_code: str
    contractor: str
    last_inspected: date | None
    """The last day it was inspected in an earlier year, if ever."""
    planned: bool
    """An inspection is planned this year (sealed spot checks are not shown)."""


@dataclass(frozen=True, slots=True)
class Coverage:
    year: int
    active_projects: int
    inspected: int
    not_inspected: tuple[CoverageRow, ...]

    @property
    def ratio(self) -> float:
        return self.inspected / self.active_projects if self.active_projects else 1.0


def coverage(session: Reader, year: int, division_codes: Collection[str] = ()) -> Coverage:
    """检查全覆盖: active (在建) projects of the divisions, and those no inspection has started
    on this year. (`+i.status` keeps SQLite on the project index: by status it would walk
    every planned inspection for each project.)"""
    where, params = _division_filter("p.division_code", division_codes)
    start, end = year_bounds_utc(year)
    params |= {"start": start, "end": end}
    day = "coalesce(i.started_at, i.completed_at)"
    found = rows(
        session,
        "SELECT p.id, p.code, p.name, p.division_code, "
        "  coalesce((SELECT e.name FROM project_party pp JOIN enterprise e "
        "   ON e.id = pp.enterprise_id WHERE pp.project_id = p.id AND pp.role = '施工单位' "
        "   AND pp.deleted_at IS NULL ORDER BY pp.rowid LIMIT 1), ''), "
        f"  (SELECT max({day}) FROM inspection i WHERE i.project_id = p.id "
        "   AND i.deleted_at IS NULL AND +i.status != 'planned') AS last_day, "
        "  EXISTS (SELECT 1 FROM inspection i WHERE i.project_id = p.id "
        "   AND i.deleted_at IS NULL AND +i.status = 'planned' AND NOT i.sealed "
        "   AND i.planned_on >= :start AND i.planned_on < :end) "
        "FROM project p WHERE p.deleted_at IS NULL AND p.status = '在建'"
        f"{where} ORDER BY p.division_code, p.name", params)
    missing = [CoverageRow(r[0], r[1], r[2], r[3], r[4], _d(r[5]), bool(r[6]))
               for r in found if not r[5] or not params["start"] <= r[5] < params["end"]]
    return Coverage(year=year, active_projects=len(found), inspected=len(found) - len(missing),
                    not_inspected=tuple(missing))


@dataclass(frozen=True, slots=True)
class DashboardSnapshot:
    counts: DashboardCounts
    inspections: list[InspectionRow]
    cases: list[CaseRow]
    waiting: list[CaseRow]
    """Cases waiting on this user's level in their scope, the nearest deadline first."""
    overdue: list[OverdueRow]
    reinspections: list[DueReinspectionRow]
    coverage: Coverage


def read_dashboard(session: Reader, role: str, division_code: str,
                   today: date) -> DashboardSnapshot:
    desk = case_desk(session, role, division_code)
    scope = subtree_codes(session, division_code)
    return DashboardSnapshot(dashboard_counts(session, year=today.year),
                             recent_inspections(session, today, LIST_LENGTH),
                             nearest_deadlines(session, LIST_LENGTH),
                             waiting_cases(session, desk, WAITING_LENGTH),
                             overdue_rectifications(session, today, scope),
                             due_reinspections(session, today, scope),
                             coverage(session, today.year, scope))
