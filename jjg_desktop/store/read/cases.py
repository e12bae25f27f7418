"""Read models of one abnormal-list case: its particulars and timeline, what its evidence
items are, the evidence an enterprise's case can cite, and when a listed case is due to go to
the serious-violation list. (The case list itself is `worklists.case_ids`/`case_rows`.)"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from jjg_desktop.rules.decisions import document_for, served_notice
from jjg_desktop.rules.verification import CHECK_BY_KEY, FAILED
from jjg_desktop.rules.workflow import Workflow
from jjg_desktop.store.rulebook import abnormal_list_workflow


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
    legal_representative: str
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
        "SELECT c.id, e.id, e.name, e.credit_code, e.home_province, e.address, "
        "e.legal_representative, c.division_code, "
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
        home_province=row[4], address=row[5], legal_representative=row[6] or "",
        division_code=row[7], division=row[8], prefecture=row[9], state=row[10],
        version=row[11], grounds=json.loads(row[12] or "[]"),
        evidence=json.loads(row[13] or "[]"),
        deadline=date.fromisoformat(row[14]) if row[14] else None, decision_no=row[15],
        decision_date=date.fromisoformat(row[16]) if row[16] else None, timeline=timeline)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def listed_on(detail: CaseDetail) -> date | None:
    """The day of the listing decision while the case is still on the list."""
    state = abnormal_list_workflow().states.get(detail.state)
    return None if state is None or state.terminal else detail.decision_date


# --- evidence ----------------------------------------------------------------------------

VERIFICATION, FINDING, ATTACHMENT, NOTE = "verification", "finding", "attachment", "note"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """One cited piece of evidence as a reader sees it."""

    kind: str
    """verification, finding, attachment, note, or a kind this client does not know."""
    ref_id: str
    text: str
    on_record: bool
    """The record it points to is on this machine (a verification can then be printed)."""


def describe_evidence(session: Session,
                      items: Sequence[Mapping[str, str]]) -> list[EvidenceView]:
    """The items in order; several items citing checks of one verification become one."""
    out: list[EvidenceView] = []
    checks: dict[str, list[str]] = {}
    for item in items:
        kind, ref = str(item.get("kind", "")), str(item.get("id", ""))
        if kind == VERIFICATION:
            if ref in checks:
                checks[ref].append(str(item.get("check", "")))
                continue
            checks[ref] = [str(item.get("check", ""))]
        out.append(EvidenceView(kind, ref, "", False))
    return [_describe(session, e, items, checks.get(e.ref_id, [])) for e in out]


def _describe(session: Session, e: EvidenceView, items: Sequence[Mapping[str, str]],
              checks: list[str]) -> EvidenceView:
    given = next((str(i.get("summary") or i.get("text") or "") for i in items
                  if i.get("id") == e.ref_id and i.get("kind") == e.kind), "")
    found: str | None = None
    if e.kind == VERIFICATION:
        found = _verification_text(session, e.ref_id, [c for c in checks if c])
    elif e.kind == FINDING:
        found = _finding_text(session, e.ref_id)
    elif e.kind == ATTACHMENT:
        found = _attachment_text(session, e.ref_id)
    return EvidenceView(e.kind, e.ref_id, found or given or e.ref_id, found is not None)


def _verification_text(session: Session, ref: str, cited: list[str]) -> str | None:
    row = session.execute(text(
        "SELECT verified_on, method, checks FROM verification "
        "WHERE id = :id AND deleted_at IS NULL"), {"id": ref}).first()
    if row is None:
        return None
    results = json.loads(row[2] or "{}")
    keys = cited or [k for k, r in results.items() if r.get("outcome") == FAILED]
    failed = [CHECK_BY_KEY[k].label + "不通过" for k in keys if k in CHECK_BY_KEY]
    return f"{row[0]} {row[1]}：{'、'.join(failed) or '各项核查通过'}"


def _finding_text(session: Session, ref: str) -> str | None:
    row = session.execute(text(
        "SELECT f.problem, coalesce(i.number, ''), f.status FROM finding f "
        "LEFT JOIN inspection i ON i.id = f.inspection_id "
        "WHERE f.id = :id AND f.deleted_at IS NULL"), {"id": ref}).first()
    if row is None:
        return None
    problem, number, status = row
    closed = "（已整改）" if status != "open" else ""
    return f"{number}：{problem}{closed}" if number else f"{problem}{closed}"


def _attachment_text(session: Session, ref: str) -> str | None:
    row = session.execute(text(
        "SELECT caption, original_name, purpose FROM attachment "
        "WHERE id = :id AND deleted_at IS NULL"), {"id": ref}).first()
    if row is None:
        return None
    caption, name, purpose = row
    check = CHECK_BY_KEY.get(purpose)
    return caption or name or (f"{check.label}照片" if check else purpose)


@dataclass(frozen=True, slots=True)
class EvidenceChoice:
    """Evidence a step on the enterprise's case may cite: the item stored with the step and
    how it reads."""

    item: dict[str, str]
    text: str
    adverse: bool = True
    """It shows something wrong (a failed check, an open finding), not a clean record."""


def evidence_choices(session: Session, enterprise_id: str) -> list[EvidenceChoice]:
    """The enterprise's verifications (newest first), then its open inspection findings."""
    out = []
    for vid, on, method, checks in session.execute(text(
            "SELECT id, verified_on, method, checks FROM verification "
            "WHERE enterprise_id = :e AND deleted_at IS NULL "
            "ORDER BY verified_on DESC, created_at DESC"), {"e": enterprise_id}):
        results = json.loads(checks or "{}")
        failed = [c.label for k, c in CHECK_BY_KEY.items()
                  if results.get(k, {}).get("outcome") == FAILED]
        summary = f"{on} {method}：{'、'.join(failed) + '不通过' if failed else '各项核查通过'}"
        out.append(EvidenceChoice({"kind": VERIFICATION, "id": vid, "summary": summary},
                                  summary, adverse=bool(failed)))
    for fid, problem, number, deadline in session.execute(text(
            "SELECT f.id, f.problem, coalesce(i.number, ''), f.deadline FROM finding f "
            "LEFT JOIN inspection i ON i.id = f.inspection_id "
            "WHERE f.enterprise_id = :e AND f.status = 'open' AND f.deleted_at IS NULL "
            "ORDER BY f.deadline, f.created_at"), {"e": enterprise_id}):
        due = f"（整改期限 {deadline}）" if deadline else ""
        shown = f"{number}：{problem}{due}" if number else f"{problem}{due}"
        out.append(EvidenceChoice({"kind": FINDING, "id": fid, "summary": problem}, shown))
    return out


# --- the page of one case ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the case page shows: the case, its enterprise's current status, its evidence and
    each step's evidence (in timeline order)."""

    detail: CaseDetail
    enterprise_status: str
    evidence: list[EvidenceView]
    step_evidence: list[list[EvidenceView]]
    listed_on: date | None


def case_view(session: Session, case_id: str) -> CaseView | None:
    detail = case_detail(session, case_id)
    if detail is None:
        return None
    status = session.execute(text("SELECT status FROM enterprise WHERE id = :id"),
                             {"id": detail.enterprise_id}).scalar() or ""
    return CaseView(detail=detail, enterprise_status=status,
                    evidence=describe_evidence(session, detail.evidence),
                    step_evidence=[describe_evidence(session, t.evidence)
                                   for t in detail.timeline],
                    listed_on=listed_on(detail))


def document_reference(detail: CaseDetail, workflow: Workflow) -> tuple[str, date | None]:
    """The 文号 and date of the document the case's state calls for: a notice's are those of
    the notice served (recorded with its step), a decision's those of the case's decision;
    ('', None) when there is none to print."""
    doc = document_for(workflow, detail.state)
    if doc is None:
        return "", None
    if doc.announces:
        return served_notice(e for t in detail.timeline for e in t.evidence)
    return detail.decision_no, detail.decision_date
