"""Read models of abnormal-list cases: the list by state and deadline, and one case's timeline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from jjg_desktop.rules.workflow import Workflow


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: str
    enterprise: str
    credit_code: str
    grounds: list[str]
    state: str
    state_label: str
    deadline: date | None
    overdue: bool
    waiting_level: int | None
    division: str


def case_rows(session: Session, wf: Workflow, division_codes: Sequence[str], today: date, *,
              state: str | None = None, open_only: bool = False) -> list[CaseRow]:
    """Cases in the divisions, the nearest deadline first (cases without one last)."""
    names = [f"d{i}" for i in range(len(division_codes))]
    params: dict[str, object] = dict(zip(names, division_codes, strict=True))
    where = [f"c.division_code IN ({', '.join(':' + n for n in names)})", "c.deleted_at IS NULL"]
    if state:
        where.append("c.state = :state")
        params["state"] = state
    if open_only:
        terminal = [k for k, s in wf.states.items() if s.terminal]
        tnames = [f"t{i}" for i in range(len(terminal))]
        where.append(f"c.state NOT IN ({', '.join(':' + n for n in tnames)})")
        params |= dict(zip(tnames, terminal, strict=True))
    rows = session.execute(text(
        "SELECT c.id, e.name, e.credit_code, c.grounds, c.state, c.deadline, coalesce(d.name, '') "
        "FROM abnormal_case c JOIN enterprise e ON e.id = c.enterprise_id "
        "LEFT JOIN division d ON d.code = c.division_code "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY c.deadline IS NULL, c.deadline, c.updated_at DESC"), params).all()
    out = []
    for cid, name, code, grounds, st, deadline, division in rows:
        state_def = wf.states.get(st)
        due = date.fromisoformat(deadline) if deadline else None
        terminal = bool(state_def and state_def.terminal)
        out.append(CaseRow(
            id=cid, enterprise=name, credit_code=code, grounds=json.loads(grounds or "[]"),
            state=st, state_label=state_def.label if state_def else st, deadline=due,
            overdue=bool(due and due < today and not terminal),
            waiting_level=None if terminal or state_def is None else state_def.waiting_level,
            division=division))
    return out


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    action: str
    from_state: str | None
    to_state: str
    actor: str
    actor_role: str
    actor_division: str
    at: datetime
    server_at: datetime | None
    comment: str
    evidence: list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class CaseDetail:
    id: str
    enterprise_id: str
    enterprise: str
    credit_code: str
    home_province: str
    address: str
    division_code: str
    division: str
    prefecture: str
    state: str
    version: int
    grounds: list[str]
    evidence: list[dict[str, str]]
    deadline: date | None
    decision_no: str
    decision_date: date | None
    timeline: list[TimelineEntry]


def case_detail(session: Session, case_id: str) -> CaseDetail | None:
    row = session.execute(text(
        "SELECT c.id, e.id, e.name, e.credit_code, e.home_province, e.address, c.division_code, "
        "coalesce(d.name, ''), coalesce(p.name, ''), c.state, c.version, c.grounds, c.evidence, "
        "c.deadline, c.decision_no, c.decision_date FROM abnormal_case c "
        "JOIN enterprise e ON e.id = c.enterprise_id "
        "LEFT JOIN division d ON d.code = c.division_code "
        "LEFT JOIN division p ON p.code = d.parent_code "
        "WHERE c.id = :id AND c.deleted_at IS NULL"), {"id": case_id}).first()
    if row is None:
        return None
    timeline = [TimelineEntry(
        action=r[0], from_state=r[1], to_state=r[2], actor=r[3], actor_role=r[4],
        actor_division=r[5], at=_dt(r[6]), server_at=_dt(r[7]) if r[7] else None,
        comment=r[8], evidence=json.loads(r[9] or "[]")) for r in session.execute(text(
            "SELECT t.action, t.from_state, t.to_state, "
            "coalesce(nullif(t.actor_name, ''), u.display_name, t.actor), "
            "t.actor_role, coalesce(dv.name, t.actor_division), t.at, t.server_at, t.comment, "
            "t.evidence FROM case_transition t "
            "LEFT JOIN user_profile u ON u.username = t.actor "
            "LEFT JOIN division dv ON dv.code = t.actor_division "
            "WHERE t.case_id = :id AND t.deleted_at IS NULL ORDER BY t.case_version, t.at"),
            {"id": case_id})]
    return CaseDetail(
        id=row[0], enterprise_id=row[1], enterprise=row[2], credit_code=row[3],
        home_province=row[4], address=row[5], division_code=row[6], division=row[7],
        prefecture=row[8], state=row[9], version=row[10], grounds=json.loads(row[11] or "[]"),
        evidence=json.loads(row[12] or "[]"),
        deadline=date.fromisoformat(row[13]) if row[13] else None, decision_no=row[14],
        decision_date=date.fromisoformat(row[15]) if row[15] else None, timeline=timeline)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)
