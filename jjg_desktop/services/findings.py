"""Findings the inspector writes up by hand or edits, and their review on a re-inspection."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules.checklist import Item, Template
from jjg_desktop.services.context import Change, ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.services.inspection_base import (
    finding_json,
    item_finding,
    item_of,
    load_editable,
    party_enterprise,
)
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import Finding, FindingReview, Inspection
from jjg_desktop.store.read.inspections import template_for

_UNSET: Any = object()


def add_finding(ctx: ServiceContext, inspection_id: str, *, problem: str,
                legal_basis: str = "", requirement: str = "",
                responsible_role: str = "施工单位", deadline: date | None = None,
                item_code: str = "") -> str:
    """A finding no answer made (seen on site beyond the checklist); an item code fills in
    its legal basis, requirement and usual deadline. Returns its id."""
    with change(ctx) as ch:
        insp = load_editable(ch.session, inspection_id)
        item: Item | None = None
        if item_code:
            item = item_of(template_for(ch.session, insp.template_id), item_code)
            existing = item_finding(ch.session, insp.id, item_code)
            if existing is not None and existing.status != rules.FINDING_WITHDRAWN:
                raise InvalidInput(f"检查项 {item_code} 已有问题记录，请直接修改该问题")
            legal_basis = legal_basis or item.basis
            requirement = requirement or item.requirement
            deadline = deadline or rules.finding_deadline(ch.today, item)
        problems = rules.finding_problems(problem, responsible_role, deadline, ch.today)
        if problems:
            raise InvalidInput("；".join(problems))
        f = Finding(id=new_id(), inspection_id=insp.id, item_code=item_code,
                    problem=problem.strip(), legal_basis=legal_basis.strip(),
                    requirement=requirement.strip(), responsible_role=responsible_role,
                    enterprise_id=party_enterprise(ch.session, insp.project_id,
                                                   responsible_role),
                    deadline=deadline, status=rules.FINDING_OPEN, closed_by=None,
                    review_note="", created_at=ch.now, updated_at=ch.now)
        ch.session.add(f)
        data = finding_json(f) | {"manual": True}
        ch.record(action="finding.create", entity="finding", entity_id=f.id, data=data)
        return f.id


def edit_finding(ctx: ServiceContext, finding_id: str, *, problem: str = _UNSET,
                 legal_basis: str = _UNSET, requirement: str = _UNSET,
                 responsible_role: str = _UNSET, deadline: date | None = _UNSET) -> None:
    """Change what the inspector may change of a finding while the record is open."""
    with change(ctx) as ch:
        f = _finding(ch, finding_id)
        load_editable(ch.session, f.inspection_id)
        if f.status not in rules.OPEN_FINDINGS:
            raise InvalidInput("该问题已撤销，不能修改")
        wanted = {"problem": problem, "legal_basis": legal_basis, "requirement": requirement,
                  "responsible_role": responsible_role, "deadline": deadline}
        changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in wanted.items()
                   if v is not _UNSET and getattr(f, k) != v}
        if not changes:
            return
        merged = {k: changes.get(k, getattr(f, k)) for k in rules.FINDING_FIELDS}
        problems = rules.finding_problems(merged["problem"], merged["responsible_role"],
                                          changes.get("deadline"), ch.today)
        if problems:
            raise InvalidInput("；".join(problems))
        for key, value in changes.items():
            setattr(f, key, value)
        if "responsible_role" in changes:
            insp = ch.session.get(Inspection, f.inspection_id)
            assert insp is not None
            f.enterprise_id = party_enterprise(ch.session, insp.project_id, f.responsible_role)
            changes["enterprise_id"] = f.enterprise_id
        f.updated_at = ch.now
        data = {"id": f.id} | {k: v.isoformat() if isinstance(v, date) else v
                               for k, v in changes.items()}
        ch.record(action="finding.edit", entity="finding", entity_id=f.id, data=data,
                  base_version=f.server_version)


def withdraw_finding(ctx: ServiceContext, finding_id: str) -> None:
    """Take back a finding written in error while the record is open."""
    with change(ctx) as ch:
        f = _finding(ch, finding_id)
        load_editable(ch.session, f.inspection_id)
        if f.status == rules.FINDING_WITHDRAWN:
            return
        f.status, f.updated_at = rules.FINDING_WITHDRAWN, ch.now
        ch.record(action="finding.withdraw", entity="finding", entity_id=f.id,
                  data={"id": f.id, "status": f.status, "reason": "inspector"},
                  base_version=f.server_version)


def review_finding(ctx: ServiceContext, reinspection_id: str, finding_id: str, *,
                   outcome: str, note: str = "", new_deadline: date | None = None) -> None:
    """On a re-inspection: the finding was rectified (closed) or not (reopened, with what is
    still wrong and a new deadline). Applied to the finding when the re-inspection is
    completed."""
    with change(ctx) as ch:
        load_editable(ch.session, reinspection_id)
        review = ch.session.scalar(select(FindingReview).where(
            FindingReview.inspection_id == reinspection_id,
            FindingReview.finding_id == finding_id, FindingReview.deleted_at.is_(None)))
        if review is None:
            raise NotFound("该问题不在本次复查范围内")
        problem = rules.review_problem(outcome, note, new_deadline, ch.today)
        if problem:
            raise InvalidInput(problem)
        _set_review(ch, review, outcome, note.strip(),
                    new_deadline if outcome == rules.REVIEW_REOPENED else None)


def sync_review(ch: Change, insp: Inspection, template: Template, item: Item,
                value: str, remark: str) -> str | None:
    """On a re-inspection, answering the item of a finding under review is its outcome:
    still non-compliant re-opens it (a new deadline as the item allows), otherwise closes it.
    Returns the outcome, or None when the item is not under review."""
    reviews = ch.session.scalars(
        select(FindingReview).join(Finding, Finding.id == FindingReview.finding_id).where(
            FindingReview.inspection_id == insp.id, FindingReview.deleted_at.is_(None),
            Finding.item_code == item.code)).all()
    if not reviews:
        return None
    if value in ("", rules.NOT_APPLICABLE):
        outcome = rules.REVIEW_PENDING
    elif rules.is_finding(template, item, value):
        outcome = rules.REVIEW_REOPENED
    else:
        outcome = rules.REVIEW_CLOSED
    for review in reviews:
        deadline = None
        if outcome == rules.REVIEW_REOPENED:
            deadline = review.new_deadline or rules.finding_deadline(ch.today, item)
        _set_review(ch, review, outcome, remark.strip() or review.note, deadline)
    return outcome


def _set_review(ch: Change, review: FindingReview, outcome: str, note: str,
                new_deadline: date | None) -> None:
    if (review.outcome, review.note, review.new_deadline) == (outcome, note, new_deadline):
        return
    review.outcome, review.note, review.new_deadline = outcome, note, new_deadline
    review.reviewed_at = review.updated_at = ch.now
    data = {"id": review.id, "inspection_id": review.inspection_id,
            "finding_id": review.finding_id, "outcome": outcome, "note": note,
            "new_deadline": new_deadline.isoformat() if new_deadline else None}
    ch.record(action="finding.review", entity="finding_review", entity_id=review.id,
              data=data, base_version=review.server_version)


def apply_reviews(ch: Change, insp: Inspection) -> list[dict[str, Any]]:
    """When a re-inspection is completed, its outcomes become the findings' state."""
    applied = []
    for review in ch.session.scalars(select(FindingReview).where(
            FindingReview.inspection_id == insp.id, FindingReview.deleted_at.is_(None))):
        f = ch.session.get(Finding, review.finding_id)
        assert f is not None
        if review.outcome == rules.REVIEW_CLOSED:
            f.status, f.closed_by = rules.FINDING_CLOSED, insp.id
            action = "finding.close"
        else:
            f.status, f.closed_by = rules.FINDING_OPEN, None
            f.deadline = review.new_deadline or f.deadline
            action = "finding.reopen"
        f.updated_at = ch.now
        f.review_note = review.note or ("" if review.outcome == rules.REVIEW_CLOSED
                                        else rules.NOT_RECTIFIED_NOTE)
        data = {"id": f.id, "status": f.status, "closed_by": f.closed_by,
                "reviewed_by": insp.id, "review_note": f.review_note,
                "deadline": f.deadline.isoformat() if f.deadline else None}
        ch.record(action=action, entity="finding", entity_id=f.id, data=data,
                  base_version=f.server_version)
        applied.append(data)
    return applied


def _finding(ch: Change, finding_id: str) -> Finding:
    f = ch.session.get(Finding, finding_id)
    if f is None or f.deleted_at is not None:
        raise NotFound("找不到该问题")
    return f
