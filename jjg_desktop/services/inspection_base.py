"""What the inspection services share: loading a record, the editing rule, the team entries,
and the finding an answer makes or withdraws."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules.checklist import Item, Template
from jjg_desktop.services.context import Change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.base import natural_id, new_id
from jjg_desktop.store.models import Finding, Inspection, InspectionAnswer, ProjectParty


@dataclass(frozen=True, slots=True)
class TeamEntry:
    """A member of an inspection team as the planner names them."""

    name: str
    kind: str = rules.OFFICIAL
    cert_no: str = ""
    username: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name.strip(), "kind": self.kind, "cert_no": self.cert_no.strip(),
                "username": self.username.strip()}


def team_json(team: Sequence[TeamEntry]) -> list[dict[str, str]]:
    entries = [m.as_json() for m in team]
    problems = rules.team_problems(entries)
    if problems:
        raise InvalidInput("；".join(problems))
    return entries


def load(session: Session, inspection_id: str) -> Inspection:
    insp = session.get(Inspection, inspection_id)
    if insp is None or insp.deleted_at is not None:
        raise NotFound("找不到该检查记录")
    return insp


def load_editable(session: Session, inspection_id: str) -> Inspection:
    """The record, refused once completed (locked) or before it has started."""
    insp = load(session, inspection_id)
    problem = rules.editing_problem(insp.status)
    if problem:
        raise InvalidInput(problem)
    return insp


def item_of(template: Template, item_code: str) -> Item:
    try:
        return template.item(item_code)
    except KeyError:
        raise InvalidInput(f"检查表中没有检查项“{item_code}”") from None


def answer_row(ch: Change, inspection_id: str, item_code: str) -> InspectionAnswer:
    """The stored answer of an item, made (empty) when there is none yet."""
    row = ch.session.scalar(select(InspectionAnswer).where(
        InspectionAnswer.inspection_id == inspection_id, InspectionAnswer.item_code == item_code,
        InspectionAnswer.deleted_at.is_(None)))
    if row is None:
        row = InspectionAnswer(id=natural_id("inspection_answer", inspection_id, item_code),
                               inspection_id=inspection_id, item_code=item_code,
                               value="", remark="", answered_at=ch.now, created_at=ch.now,
                               updated_at=ch.now)
        ch.session.add(row)
    return row


def party_enterprise(session: Session, project_id: str, role: str) -> str | None:
    return session.scalar(select(ProjectParty.enterprise_id).where(
        ProjectParty.project_id == project_id, ProjectParty.role == role,
        ProjectParty.deleted_at.is_(None)).order_by(ProjectParty.created_at).limit(1))


def finding_json(f: Finding) -> dict[str, Any]:
    return {"id": f.id, "inspection_id": f.inspection_id, "item_code": f.item_code,
            "problem": f.problem, "legal_basis": f.legal_basis, "requirement": f.requirement,
            "responsible_role": f.responsible_role, "enterprise_id": f.enterprise_id,
            "deadline": f.deadline.isoformat() if f.deadline else None, "status": f.status}


def item_finding(session: Session, inspection_id: str, item_code: str) -> Finding | None:
    return session.scalar(select(Finding).where(
        Finding.inspection_id == inspection_id, Finding.item_code == item_code,
        Finding.deleted_at.is_(None)).order_by(Finding.created_at).limit(1))


def sync_finding(ch: Change, insp: Inspection, template: Template, item: Item,
                 before: tuple[str, str], after: tuple[str, str],
                 reviewed: bool = False) -> tuple[str, str | None]:
    """Make, restore, rewrite or withdraw the finding of an item whose answer went from
    `before` to `after` (value, remark); returns (what changed, finding id).

    The problem text follows the remark until the inspector edits it; a finding withdrawn
    and made again keeps the inspector's edits. On a re-inspection the items under review
    make no new findings: their outcome is the review."""
    def finds(answer: tuple[str, str]) -> bool:
        return bool(answer[0]) and rules.is_finding(template, item, answer[0]) and not reviewed

    was, now = finds(before), finds(after)
    if not was and not now:
        return "", None
    f = item_finding(ch.session, insp.id, item.code)
    if not now:
        if f is None or f.status not in rules.OPEN_FINDINGS:
            return "", f.id if f else None
        f.status, f.updated_at = rules.FINDING_WITHDRAWN, ch.now
        ch.record(action="finding.withdraw", entity="finding", entity_id=f.id,
                  data={"id": f.id, "status": f.status, "reason": "answer"},
                  base_version=f.server_version)
        return "withdrawn", f.id
    rule = template.real_name
    problem = rules.finding_problem(item, *after, rule=rule)
    role = rules.responsible_role(item, after[0], rule)
    if f is None:
        f = Finding(id=new_id(), inspection_id=insp.id, item_code=item.code, problem=problem,
                    legal_basis=item.basis, requirement=item.requirement,
                    responsible_role=role,
                    enterprise_id=party_enterprise(ch.session, insp.project_id, role),
                    deadline=rules.finding_deadline(ch.today, item),
                    status=rules.FINDING_OPEN, closed_by=None, review_note="",
                    created_at=ch.now, updated_at=ch.now)
        ch.session.add(f)
        data = finding_json(f)
        ch.record(action="finding.create", entity="finding", entity_id=f.id, data=data)
        return "created", f.id
    if f.status == rules.FINDING_WITHDRAWN:
        f.status, f.updated_at = rules.FINDING_OPEN, ch.now
        ch.record(action="finding.restore", entity="finding", entity_id=f.id,
                  data={"id": f.id, "status": f.status, "problem": f.problem},
                  base_version=f.server_version)
        return "restored", f.id
    revised: dict[str, str | None] = {}
    if f.problem != problem and f.problem == rules.finding_problem(item, *before, rule=rule):
        revised["problem"] = problem
    if f.responsible_role != role and \
            f.responsible_role == rules.responsible_role(item, before[0], rule):
        revised["responsible_role"] = role
        revised["enterprise_id"] = party_enterprise(ch.session, insp.project_id, role)
    if revised:
        for key, value in revised.items():
            setattr(f, key, value)
        f.updated_at = ch.now
        ch.record(action="finding.edit", entity="finding", entity_id=f.id,
                  data={"id": f.id} | revised, base_version=f.server_version)
        return "revised", f.id
    return "", f.id
