"""Read models for the work lists: inspections, abnormal-list cases, the sync outbox, the
dashboard counts and the division picker.

Same shape as `queries`: a list is read as ids a page at a time, filtered and sorted in SQL,
then as rows for the ids on screen; everything comes back as plain frozen dataclasses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from jjg_desktop.rules.china_time import utc_start_of, year_bounds_utc
from jjg_desktop.rules.divisions import PROVINCE_CODE
from jjg_desktop.rules.inspection import FINDING_LABELS, spoken_inspection_number
from jjg_desktop.store.read.raw import Reader, column, rows, value
from jjg_desktop.store.read.search import enterprise_match_sql, parse_query, project_match_sql
from jjg_desktop.store.rulebook import abnormal_list_workflow, escalation_due
from jjg_desktop.store.sql import SortOrder, in_list, page


def _local_date(value: str | None) -> date | None:
    """The local calendar day of a stored UTC timestamp, or of a stored date."""
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone().date()


def _utc(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- inspections -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InspectionFilter:
    text: str = ""
    """Inspection number prefix, or words of the project's name."""
    status: str | None = None
    year: int | None = None
    """Only inspections whose day falls in this year."""
    division_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InspectionRow:
    id: str
    number: str
    project_id: str
    project: str
    method: str
    status: str
    day: date | None
    """Completed, else started, else planned: the day the inspection is about."""


_INSPECTION_DAY = "coalesce(i.completed_at, i.started_at, i.planned_on)"

INSPECTION_SORT = {
    "registered": "i.rowid",
    "day": _INSPECTION_DAY,
    "number": "i.number",
    "project": "(SELECT name FROM project WHERE id = i.project_id)",
    "method": "i.method",
    "status": "i.status",
}


def _inspection_where(f: InspectionFilter) -> tuple[str, dict[str, object]]:
    where = ["i.deleted_at IS NULL"]
    params: dict[str, object] = {}
    raw = f.text.strip()
    if raw:
        parts = ["SELECT rowid FROM inspection WHERE number >= :num_lo AND number < :num_hi"]
        params |= {"num_lo": raw, "num_hi": raw + "\uffff"}
        spoken = spoken_inspection_number(raw)
        if spoken is not None:
            parts.append("SELECT rowid FROM inspection WHERE number LIKE :spoken")
            params["spoken"] = spoken
        q = parse_query(raw)
        if not q.empty:
            cond, p = project_match_sql(q)
            parts.append("SELECT i2.rowid FROM project p "
                         f"JOIN inspection i2 ON i2.project_id = p.id WHERE {cond}")
            params |= p
        where.append("i.rowid IN (" + " UNION ".join(parts) + ")")
    if f.status:
        where.append("i.status = :status")
        params["status"] = f.status
    if f.year is not None:
        where.append(f"{_INSPECTION_DAY} >= :year_start AND {_INSPECTION_DAY} < :year_end")
        year_start, year_end = year_bounds_utc(f.year)
        params |= {"year_start": year_start, "year_end": year_end}
    if f.division_codes:
        names, p = in_list("d", f.division_codes)
        where.append(f"i.division_code IN ({names})")
        params |= p
    # 不打招呼: a drawn spot check is seen only by its team and the user who drew it until
    # it starts; the viewer is the active user of this machine.
    where.append(
        "(NOT i.sealed OR i.status != 'planned' OR EXISTS (SELECT 1 FROM user_profile u "
        "WHERE u.active AND (u.username IN (SELECT json_extract(t.value, '$.username') "
        "FROM json_each(i.team) t) OR u.username = (SELECT d.drawn_by FROM inspection_draw d "
        "WHERE d.id = i.draw_id))))")
    return " AND ".join(where), params


def inspection_ids(session: Reader, f: InspectionFilter, *, sort: str = "day",
                   order: SortOrder = "desc", limit: int = 200, offset: int = 0) -> list[str]:
    where, params = _inspection_where(f)
    sql = page("SELECT i.id FROM inspection i", where, INSPECTION_SORT[sort], order, "i.rowid")
    return column(session, sql, params | {"limit": limit, "offset": offset})


def inspection_count(session: Reader, f: InspectionFilter) -> int:
    where, params = _inspection_where(f)
    return value(session, f"SELECT count(*) FROM inspection i WHERE {where}", params)


def finding_export_rows(session: Reader, inspection_ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """The findings of these inspections (in their order), as the findings export writes
    them: number, project, item, problem, basis, requirement, unit, deadline, state, notices."""
    if not inspection_ids:
        return []
    names, params = in_list("i", inspection_ids)
    order = {i: n for n, i in enumerate(inspection_ids)}
    found = rows(
        session,
        "SELECT f.inspection_id, i.number, coalesce(p.name, ''), f.item_code, f.problem, "
        "f.legal_basis, f.requirement, coalesce(e.name, f.responsible_role), f.deadline, "
        "f.status, (SELECT group_concat(n.number, '、') FROM rectification_notice n "
        "  WHERE n.deleted_at IS NULL AND EXISTS (SELECT 1 FROM json_each(n.finding_ids) j "
        "  WHERE j.value = f.id)) "
        "FROM finding f JOIN inspection i ON i.id = f.inspection_id "
        "LEFT JOIN project p ON p.id = i.project_id "
        "LEFT JOIN enterprise e ON e.id = f.enterprise_id "
        f"WHERE f.deleted_at IS NULL AND f.inspection_id IN ({names}) "
        "ORDER BY f.created_at, f.item_code", params)
    found.sort(key=lambda r: order[r[0]])
    return [(number, project, item, problem, basis, requirement, unit, deadline,
             FINDING_LABELS.get(status, status), notices or "")
            for _i, number, project, item, problem, basis, requirement, unit, deadline,
            status, notices in found]


def inspection_rows(session: Reader, ids: Sequence[str]) -> list[InspectionRow]:
    """Rows in the order of `ids` (ids no longer present are left out)."""
    if not ids:
        return []
    names, params = in_list("i", ids)
    sql = ("SELECT i.id, i.number, i.project_id, coalesce(p.name, ''), i.method, i.status, "
           "i.completed_at, i.started_at, i.planned_on FROM inspection i "
           f"LEFT JOIN project p ON p.id = i.project_id WHERE i.id IN ({names})")
    found = {r[0]: InspectionRow(*r[:6], day=_local_date(r[6] or r[7] or r[8]))
             for r in rows(session, sql, params)}
    return [found[i] for i in ids if i in found]


def recent_inspections(session: Reader, today: date, limit: int = 8) -> list[InspectionRow]:
    """The latest inspections up to today (later planned ones are not recent)."""
    where, params = _inspection_where(InspectionFilter())
    ids = column(
        session,
        f"SELECT i.id FROM inspection i WHERE {where} AND {_INSPECTION_DAY} < :tomorrow "
        f"ORDER BY {_INSPECTION_DAY} DESC, i.rowid DESC LIMIT :limit",
        params | {"tomorrow": utc_start_of(today + timedelta(days=1)).isoformat(" "),
                  "limit": limit})
    return inspection_rows(session, ids)


# --- abnormal-list cases -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFilter:
    text: str = ""
    """Enterprise name, credit-code prefix, contact person or phone digits."""
    open: bool | None = None
    overdue_on: date | None = None
    """Only open cases whose deadline is before this day."""
    division_codes: tuple[str, ...] = ()
    state: str | None = None
    """Only cases in this state of the workflow."""
    waiting_level: int | None = None
    """Only open cases whose state waits on this division level (1 province, 2 prefecture,
    3 county)."""


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: str
    enterprise_id: str
    enterprise: str
    credit_code: str
    grounds: tuple[str, ...]
    state: str
    state_label: str
    deadline: date | None
    open: bool
    """Not in a state that ends the case (a terminal state of the published workflow)."""
    waiting_level: int | None
    """The division level the case waits on; None once it has ended."""
    listed_on: date | None
    """The day the province decided to list it, while it is still on the list."""
    division: str
    """The county (or other division) handling it."""

    def overdue_on(self, today: date) -> bool:
        state = abnormal_list_workflow().states.get(self.state)
        if state is None:
            return self.open and self.deadline is not None and self.deadline < today
        return state.overdue(self.deadline, today)

    def escalation_due(self, today: date) -> bool:
        """On the list long enough to go to the serious-violation list."""
        return escalation_due(self.listed_on, today)


@dataclass(frozen=True, slots=True)
class CaseDesk:
    """Where a user acts on cases: their division's level (None when their role takes no
    step in the workflow) and the divisions in their scope."""

    level: int | None
    division_codes: tuple[str, ...]


def case_desk(session: Reader, role: str, division_code: str) -> CaseDesk:
    acts = any(role in t.roles for t in abnormal_list_workflow().transitions)
    level = value(session, "SELECT level FROM division WHERE code = :code",
                  {"code": division_code})
    return CaseDesk(level=level if acts else None,
                    division_codes=tuple(subtree_codes(session, division_code)))


CASE_SORT = {
    "registered": "c.rowid",
    "deadline": "coalesce(c.deadline, '9999-12-31')",
    "enterprise": "(SELECT name FROM enterprise WHERE id = c.enterprise_id)",
    "credit_code": "(SELECT credit_code FROM enterprise WHERE id = c.enterprise_id)",
    "state": "c.state",
}


def _closed_states() -> tuple[str, dict[str, object]]:
    states = abnormal_list_workflow().states
    return in_list("closed", [k for k, s in states.items() if s.terminal])


def _party_window_states() -> list[str]:
    """States whose deadline is the party's window (异议期): never overdue."""
    return [k for k, s in abnormal_list_workflow().states.items() if s.deadline_label]


def _waiting_states(level: int) -> list[str]:
    return [k for k, s in abnormal_list_workflow().states.items()
            if not s.terminal and s.waiting_level == level]


def _case_where(f: CaseFilter) -> tuple[str, dict[str, object]]:
    where = ["c.deleted_at IS NULL"]
    params: dict[str, object] = {}
    q = parse_query(f.text)
    if not q.empty:
        cond, p = enterprise_match_sql(q)
        where.append(f"c.enterprise_id IN (SELECT e.id FROM enterprise e WHERE {cond})")
        params |= p
    closed, p = _closed_states()
    if f.open is not None or f.overdue_on is not None:
        params |= p
    if f.open is not None:
        where.append(f"c.state {'NOT IN' if f.open else 'IN'} ({closed})")
    if f.overdue_on is not None:
        windows, p = in_list("window", _party_window_states() or [""])
        where.append(f"c.state NOT IN ({closed}) AND c.state NOT IN ({windows}) "
                     "AND c.deadline < :overdue_on")
        params |= p | {"overdue_on": f.overdue_on.isoformat()}
    if f.state is not None:
        where.append("c.state = :state")
        params["state"] = f.state
    if f.waiting_level is not None:
        waiting = _waiting_states(f.waiting_level)
        if waiting:
            names, p = in_list("w", waiting)
            where.append(f"c.state IN ({names})")
            params |= p
        else:
            where.append("0")
    if f.division_codes:
        names, p = in_list("d", f.division_codes)
        where.append(f"c.division_code IN ({names})")
        params |= p
    return " AND ".join(where), params


def case_ids(session: Reader, f: CaseFilter, *, sort: str = "deadline",
             order: SortOrder = "asc", limit: int = 200, offset: int = 0) -> list[str]:
    where, params = _case_where(f)
    sql = page("SELECT c.id FROM abnormal_case c", where, CASE_SORT[sort], order, "c.rowid")
    return column(session, sql, params | {"limit": limit, "offset": offset})


def case_count(session: Reader, f: CaseFilter) -> int:
    where, params = _case_where(f)
    return value(session, f"SELECT count(*) FROM abnormal_case c WHERE {where}", params)


def case_rows(session: Reader, ids: Sequence[str]) -> list[CaseRow]:
    """Rows in the order of `ids` (ids no longer present are left out)."""
    if not ids:
        return []
    names, params = in_list("i", ids)
    states = abnormal_list_workflow().states
    sql = ("SELECT c.id, c.enterprise_id, coalesce(e.name, ''), coalesce(e.credit_code, ''), "
           "c.grounds, c.state, c.deadline, c.decision_date, coalesce(d.name, '') "
           "FROM abnormal_case c LEFT JOIN enterprise e ON e.id = c.enterprise_id "
           f"LEFT JOIN division d ON d.code = c.division_code WHERE c.id IN ({names})")
    found: dict[str, CaseRow] = {}
    for r in rows(session, sql, params):
        state = states.get(r[5])
        is_open = not (state and state.terminal)
        found[r[0]] = CaseRow(
            id=r[0], enterprise_id=r[1], enterprise=r[2], credit_code=r[3],
            grounds=tuple(json.loads(r[4] or "[]")), state=r[5],
            state_label=state.label if state else r[5],
            deadline=date.fromisoformat(r[6]) if r[6] else None, open=is_open,
            waiting_level=state.waiting_level if state and is_open else None,
            listed_on=date.fromisoformat(r[7]) if r[7] and is_open else None,
            division=r[8])
    return [found[i] for i in ids if i in found]


def nearest_deadlines(session: Reader, limit: int = 8) -> list[CaseRow]:
    """Open cases with an official's deadline, the nearest (or most overdue) first."""
    where, params = _case_where(CaseFilter(open=True))
    windows, p = in_list("window", _party_window_states() or [""])
    ids = column(
        session,
        f"SELECT c.id FROM abnormal_case c WHERE {where} AND c.deadline IS NOT NULL "
        f"AND c.state NOT IN ({windows}) ORDER BY c.deadline, c.rowid LIMIT :limit",
        params | p | {"limit": limit})
    return case_rows(session, ids)


def waiting_cases(session: Reader, desk: CaseDesk, limit: int = 8) -> list[CaseRow]:
    """Open cases in the desk's scope waiting on its level, the nearest deadline first
    (cases without one last)."""
    if desk.level is None:
        return []
    f = CaseFilter(waiting_level=desk.level, division_codes=desk.division_codes)
    return case_rows(session, case_ids(session, f, sort="deadline", order="asc", limit=limit))


# --- dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    enterprises: int
    """Every enterprise on record, as the enterprise list shows under 状态 全部."""
    out_of_province: int
    active_projects: int
    inspections_this_year: int
    open_cases: int
    pending_changes: int


def dashboard_counts(session: Reader, *, year: int) -> DashboardCounts:
    enterprises, out_of_province = rows(
        session, "SELECT count(*), coalesce(sum(home_province_code != :jilin), 0) "
        "FROM enterprise WHERE deleted_at IS NULL", {"jilin": PROVINCE_CODE})[0]
    active_projects = value(
        session, "SELECT count(*) FROM project WHERE deleted_at IS NULL AND status = '在建'")
    return DashboardCounts(
        enterprises=enterprises, out_of_province=out_of_province,
        active_projects=active_projects,
        inspections_this_year=inspection_count(session, InspectionFilter(year=year)),
        open_cases=case_count(session, CaseFilter(open=True)),
        pending_changes=pending_change_count(session))


# --- sync outbox -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    created_at: datetime
    """UTC, as stored."""
    command: str
    entity: str
    entity_id: str
    record: str
    """What the record is called (an enterprise or project name, an inspection number…),
    or '' for kinds of record this list does not name."""
    state: str
    attempts: int
    last_error: str


def outbox_ids(session: Reader, *, limit: int = 200, offset: int = 0) -> list[int]:
    """Newest first."""
    return column(session, "SELECT id FROM outbox ORDER BY id DESC LIMIT :limit OFFSET :offset",
                  {"limit": limit, "offset": offset})


def outbox_count(session: Reader) -> int:
    return value(session, "SELECT count(*) FROM outbox")


def outbox_rows(session: Reader, ids: Sequence[int]) -> list[OutboxRow]:
    if not ids:
        return []
    names, params = in_list("i", ids)
    sql = ("SELECT o.id, o.created_at, o.command, o.entity, o.entity_id, "
           "coalesce(CASE o.entity "
           "WHEN 'enterprise' THEN (SELECT name FROM enterprise WHERE id = o.entity_id) "
           "WHEN 'project' THEN (SELECT name FROM project WHERE id = o.entity_id) "
           "WHEN 'inspection' THEN (SELECT number FROM inspection WHERE id = o.entity_id) "
           "WHEN 'inspection_answer' THEN (SELECT i.number || ' ' || a.item_code "
           "FROM inspection_answer a JOIN inspection i ON i.id = a.inspection_id "
           "WHERE a.id = o.entity_id) "
           "WHEN 'abnormal_case' THEN (SELECT e.name FROM abnormal_case c "
           "JOIN enterprise e ON e.id = c.enterprise_id WHERE c.id = o.entity_id) "
           "WHEN 'verification' THEN (SELECT e.name FROM verification v "
           "JOIN enterprise e ON e.id = v.enterprise_id WHERE v.id = o.entity_id) "
           "WHEN 'enterprise_fact' THEN (SELECT e.name FROM enterprise_fact f "
           "JOIN enterprise e ON e.id = f.enterprise_id WHERE f.id = o.entity_id) END, ''), "
           f"o.state, o.attempts, o.last_error FROM outbox o WHERE o.id IN ({names})")
    found: dict[int, OutboxRow] = {}
    for r in rows(session, sql, params):
        found[r[0]] = OutboxRow(r[0], datetime.fromisoformat(r[1]), *r[2:])
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True)
class SyncSummary:
    client_id: str
    server_url: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    pending: int
    waiting: int = 0
    """Records pulled from the server that could not be written here yet (parked)."""


def sync_summary(session: Reader) -> SyncSummary:
    found = rows(session, "SELECT client_id, server_url, last_success_at, last_attempt_at, "
                 "last_error FROM sync_state WHERE id = 1")
    row = found[0] if found else None
    pending = pending_change_count(session)
    waiting = value(session, "SELECT count(*) FROM sync_parked") or 0
    if row is None:
        return SyncSummary("", "", None, None, "", pending, waiting)
    return SyncSummary(client_id=row[0], server_url=row[1], last_success_at=_utc(row[2]),
                       last_attempt_at=_utc(row[3]), last_error=row[4], pending=pending,
                       waiting=waiting)


# --- divisions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DivisionChoice:
    code: str
    full_name: str
    """'吉林省 延边朝鲜族自治州 珲春市'."""
    level: int


def division_choices(session: Reader) -> list[DivisionChoice]:
    """Every division, each followed by the ones below it (tree order)."""
    children: dict[str | None, list[Any]] = {}
    for row in rows(session, "SELECT code, name, level, parent_code FROM division "
                             "ORDER BY level, code"):
        children.setdefault(row[3], []).append(row)
    out: list[DivisionChoice] = []

    def visit(parent: str | None, prefix: str) -> None:
        for code, name, level, _ in children.get(parent, []):
            full = f"{prefix} {name}" if prefix else name
            out.append(DivisionChoice(code=code, full_name=full, level=level))
            visit(code, full)

    visit(None, "")
    return out


def pending_change_count(session: Reader) -> int:
    return value(session, "SELECT count(*) FROM outbox WHERE state = 'pending'")


def subtree_codes(session: Reader, code: str) -> list[str]:
    """`code` and every division below it: a user's scope."""
    children: dict[str | None, list[str]] = {}
    for c, parent in rows(session, "SELECT code, parent_code FROM division"):
        children.setdefault(parent, []).append(c)
    out, todo = [], [code]
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(children.get(c, []))
    return out
