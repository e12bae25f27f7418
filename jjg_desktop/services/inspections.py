"""Inspections, one function per user action: plan, start, answer (saved as made), photos,
signatures, conclusion, complete (locks), amend a completed record, plan a re-inspection.

Lifecycle: planned → in_progress → completed. A drawn (sealed) spot check is unsealed when
its team starts it. While in progress every answer, remark, photo and signature is its own
small transaction; once completed the record is locked and a change is an amendment kept
beside the original.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules.checklist import Template, TemplateError
from jjg_desktop.rules.china_time import local_date
from jjg_desktop.services import drafts, signatures
from jjg_desktop.services.context import Change, ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.services.findings import apply_reviews, sync_review
from jjg_desktop.services.inspection_base import (
    TeamEntry,
    answer_row,
    item_of,
    load,
    load_editable,
    sync_finding,
    team_json,
)
from jjg_desktop.services.numbering import next_inspection_number
from jjg_desktop.services.photos import prepare_photo
from jjg_desktop.store import attachments
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import (
    Attachment,
    ChecklistTemplate,
    Finding,
    FindingReview,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    Project,
)
from jjg_desktop.store.read.inspections import (
    inspection_detail,
    may_see,
    template_for,
)

log = logging.getLogger(__name__)

SHEET_DRAFT = "key_posts"
"""The draft kind of a key posts' sheet typed but not yet whole (keyed by the record; the
form keeps it, completing the record forgets it)."""

__all__ = ["AnswerSaved", "TeamEntry", "amend", "answer", "attach_photo", "complete", "plan",
           "reinspect", "remove_photo", "save_remark", "set_conclusion", "sign", "start"]


@dataclass(frozen=True, slots=True)
class AnswerSaved:
    """What saving one answer did, for the status bar."""

    answer_id: str
    finding_id: str | None
    finding_change: str
    """'' (none), 'created', 'withdrawn', 'restored' or 'revised'."""
    review_outcome: str | None
    """On a re-inspection: the outcome the answer gave the finding under review."""
    real_name_enabled: bool | None
    """The project's real-name system as the veto item now records it (None: not that item)."""


def template_in_force(session: Session, on: date) -> str:
    """The checklist in force on `on`: the newest published by then (an inspection planned
    before a version was published keeps the one before it). A version this program cannot
    read (published by the province for a newer program) is passed over, and said in the
    log: the inspector keeps working on the one before it until the program is updated."""
    live = select(ChecklistTemplate.id, ChecklistTemplate.code, ChecklistTemplate.version,
                  ChecklistTemplate.published_on).where(ChecklistTemplate.deleted_at.is_(None))
    newest = (ChecklistTemplate.published_on.desc(), ChecklistTemplate.version.desc())
    candidates = [*session.execute(live.where(ChecklistTemplate.published_on <= on)
                                   .order_by(*newest)),
                  # planned before any version was published: the first
                  *session.execute(live.where(ChecklistTemplate.published_on > on).order_by(
                      ChecklistTemplate.published_on, ChecklistTemplate.version))]
    for template_id, code, version, _published in candidates:
        try:
            template_for(session, template_id)
        except TemplateError as exc:
            log.warning("检查表 %s 第 %s 版无法在本机程序中使用，已沿用上一版：%s", code,
                        version, exc)
            continue
        return str(template_id)
    raise InvalidInput("尚未安装检查表模板，无法安排检查")


def plan(ctx: ServiceContext, project_id: str, *, method: str, planned_on: date,
         team: Sequence[TeamEntry], template_id: str | None = None) -> str:
    """A routine, special or announced-free inspection not made by a draw; returns its id."""
    if method not in rules.PLANNABLE_METHODS:
        raise InvalidInput(f"检查方式应为 {'、'.join(rules.PLANNABLE_METHODS)} 之一"
                           "（复查请从原检查记录安排）")
    members = team_json(team)
    with change(ctx) as ch:
        project = ch.session.get(Project, project_id)
        if project is None or project.deleted_at is not None:
            raise NotFound("找不到该项目")
        template_id = template_id or template_in_force(ch.session, planned_on)
        try:
            template_for(ch.session, template_id)
        except LookupError:
            raise NotFound("找不到该检查表模板") from None
        except TemplateError as exc:
            raise InvalidInput(f"该版本检查表无法在本机使用，请升级吉建管（{exc}）") from None
        insp = Inspection(
            id=new_id(), number=next_inspection_number(ch.session, ctx.actor.division_code,
                                                       ch.today.year),
            project_id=project.id, template_id=template_id,
            division_code=project.division_code, method=method, status=rules.PLANNED,
            planned_on=planned_on, place=project.address, team=members, conclusion="",
            sealed=False, created_at=ch.now, updated_at=ch.now)
        ch.session.add(insp)
        _record_plan(ch, insp)
        return insp.id


def _record_plan(ch: Change, insp: Inspection, **extra: object) -> None:
    data = {"id": insp.id, "number": insp.number, "project_id": insp.project_id,
            "template_id": insp.template_id, "division_code": insp.division_code,
            "method": insp.method, "planned_on": insp.planned_on.isoformat()
            if insp.planned_on else None, "team": insp.team,
            "reinspection_of": insp.reinspection_of} | extra
    ch.record(action="inspection.plan", entity="inspection", entity_id=insp.id, data=data)


def start(ctx: ServiceContext, inspection_id: str, *, place: str, method: str | None = None,
          team: Sequence[TeamEntry] | None = None) -> None:
    """The team is on site: the record opens for answers; a sealed spot check is unsealed."""
    with change(ctx) as ch:
        insp = load(ch.session, inspection_id)
        if insp.status != rules.PLANNED:
            raise InvalidInput("该检查已完成，记录已锁定" if insp.status == rules.COMPLETED
                               else "该检查已经开始")
        if insp.sealed and not may_see(ch.session, insp.id, ctx.actor.username):
            raise InvalidInput("该检查为保密抽查任务，只有抽中的检查组成员可以开始检查")
        if not place.strip():
            raise InvalidInput("请填写检查地点")
        method = method or insp.method
        if method not in rules.METHODS:
            raise InvalidInput(f"检查方式应为 {'、'.join(rules.METHODS)} 之一")
        if (method == rules.REINSPECTION) != (insp.reinspection_of is not None):
            raise InvalidInput("复查只能从原检查记录安排，复查记录不能改为其他检查方式")
        if team is not None:
            if insp.draw_id is not None:
                raise InvalidInput("抽取产生的检查组不能更改")
            insp.team = team_json(team)
        else:
            problems = rules.team_problems(insp.team or [])
            if problems:
                raise InvalidInput("；".join(problems))
        insp.status, insp.started_at, insp.sealed = rules.IN_PROGRESS, ch.now, False
        insp.place, insp.method, insp.updated_at = place.strip(), method, ch.now
        ch.record(action="inspection.start", entity="inspection", entity_id=insp.id,
                  data={"id": insp.id, "started_at": ch.now.isoformat(), "place": insp.place,
                        "method": method, "team": insp.team},
                  base_version=insp.server_version)


def answer(ctx: ServiceContext, inspection_id: str, item_code: str, value: str,
           remark: str | None = None) -> AnswerSaved:
    """Save one answer as it is made (remark None keeps the remark); a non-compliance makes
    its finding, a changed answer withdraws it."""
    value = value.strip()
    with change(ctx) as ch:
        insp = load_editable(ch.session, inspection_id)
        template = template_for(ch.session, insp.template_id)
        item = item_of(template, item_code)
        if value:
            problem = rules.answer_problem(item, value, ch.today)
            if problem:
                raise InvalidInput(problem)
            value = rules.canonical_answer(item, value)
        if remark is not None and len(remark) > rules.MAX_TEXT:
            raise InvalidInput(f"情况说明不能超过 {rules.MAX_TEXT} 字")
        return _save(ch, insp, template, item_code, value,
                     remark.strip() if remark is not None else None)


def save_remark(ctx: ServiceContext, inspection_id: str, item_code: str,
                remark: str) -> AnswerSaved:
    """Save the remark of an item as it is typed (the answer stays)."""
    if len(remark) > rules.MAX_TEXT:
        raise InvalidInput(f"情况说明不能超过 {rules.MAX_TEXT} 字")
    with change(ctx) as ch:
        insp = load_editable(ch.session, inspection_id)
        template = template_for(ch.session, insp.template_id)
        item_of(template, item_code)
        return _save(ch, insp, template, item_code, None, remark.strip())


def _save(ch: Change, insp: Inspection, template: Template, item_code: str,
          value: str | None, remark: str | None) -> AnswerSaved:
    item = template.item(item_code)
    row = answer_row(ch, insp.id, item_code)
    before = (row.value, row.remark)
    if value is not None:
        row.value, row.answered_at = value, ch.now
    if remark is not None:
        row.remark = remark
    row.updated_at = ch.now
    after = (row.value, row.remark)
    review = None
    if insp.method == rules.REINSPECTION:
        review = sync_review(ch, insp, template, item, row.value, row.remark)
    change_, finding_id = sync_finding(ch, insp, template, item, before, after,
                                       reviewed=review is not None)
    enabled = _sync_real_name(ch, insp, template, item_code, row.value)
    data = {"id": row.id, "inspection_id": insp.id, "item_code": item_code,
            "value": row.value, "remark": row.remark, "answered_at": row.answered_at.isoformat()}
    if enabled is not None:
        data["project_real_name_enabled"] = enabled
    ch.record(action="inspection.answer", entity="inspection_answer", entity_id=row.id,
              data=data, base_version=row.server_version)
    return AnswerSaved(answer_id=row.id, finding_id=finding_id, finding_change=change_,
                       review_outcome=review, real_name_enabled=enabled)


def _sync_real_name(ch: Change, insp: Inspection, template: Template, item_code: str,
                    value: str) -> bool | None:
    """The veto item records whether the project has its real-name system (seed 六)."""
    if item_code != template.real_name.veto.item:
        return None
    enabled = rules.real_name_enabled(template, {item_code: value})
    if enabled is not None:
        project = ch.session.get(Project, insp.project_id)
        if project is not None and project.real_name_enabled != enabled:
            project.real_name_enabled, project.updated_at = enabled, ch.now
    return enabled


def attach_photo(ctx: ServiceContext, inspection_id: str, path: Path, *, item_code: str = "",
                 caption: str = "") -> str:
    """Keep a photo of an item (or of the inspection when no item is named); refuses a file
    that is not a readable photo, saying why. Returns the attachment id."""
    photo = prepare_photo(path)
    with change(ctx) as ch:
        insp = load_editable(ch.session, inspection_id)
        owner_kind, owner_id, answer_id = "inspection", insp.id, None
        if item_code:
            item_of(template_for(ch.session, insp.template_id), item_code)
            row = answer_row(ch, insp.id, item_code)
            if row.server_version is None and not row.value:
                ch.placeholder(row)
            ch.session.flush()
            owner_kind, owner_id, answer_id = "inspection_answer", row.id, row.id
        blob = attachments.put(ch.session, ctx.store.paths.attachments_dir, photo.data,
                               photo.mime, ch.now)
        att = Attachment(id=new_id(), sha256=blob.sha256, owner_kind=owner_kind,
                         owner_id=owner_id, purpose="photo", caption=caption.strip()[:200],
                         original_name=photo.original_name[:200], taken_at=photo.taken_at,
                         gps_lat=photo.gps_lat, gps_lon=photo.gps_lon, created_at=ch.now,
                         updated_at=ch.now)
        ch.session.add(att)
        data = {"id": att.id, "inspection_id": insp.id, "item_code": item_code,
                "answer_id": answer_id, "owner_kind": owner_kind, "owner_id": owner_id,
                "sha256": blob.sha256, "caption": att.caption,
                "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
                "gps": [photo.gps_lat, photo.gps_lon] if photo.gps_lat is not None else None}
        ch.record(action="inspection.attach_photo", entity="attachment", entity_id=att.id,
                  data=data)
        return att.id


def remove_photo(ctx: ServiceContext, attachment_id: str) -> None:
    """Take a photo off a record that is still open (the file stays in the store)."""
    with change(ctx) as ch:
        att = ch.session.get(Attachment, attachment_id)
        if att is None or att.deleted_at is not None:
            raise NotFound("找不到该照片")
        inspection_id, item_code = att.owner_id, ""
        if att.owner_kind == "inspection_answer":
            row = ch.session.get(InspectionAnswer, att.owner_id)
            inspection_id, item_code = (row.inspection_id, row.item_code) if row else ("", "")
        elif att.owner_kind != "inspection":
            raise InvalidInput("该照片不属于检查记录")
        load_editable(ch.session, inspection_id)
        att.deleted_at = att.updated_at = ch.now
        ch.record(action="inspection.remove_photo", entity="attachment", entity_id=att.id,
                  data={"id": att.id, "inspection_id": inspection_id, "item_code": item_code},
                  base_version=att.server_version)


def sign(ctx: ServiceContext, inspection_id: str, *, signer_role: str, signer_name: str,
         png: bytes) -> str:
    """A signature on the open record: the inspected party's representative or a member of
    the team (by the name on the team)."""
    with ctx.db.read() as session:
        insp = load_editable(session, inspection_id)
        names = [m.get("name", "") for m in insp.team or []]
    if signer_role == rules.INSPECTOR_SIGNER and signer_name.strip() not in names:
        raise InvalidInput(f"{signer_name} 不是本次检查组成员（{'、'.join(names)}）")
    if signer_role not in (rules.INSPECTOR_SIGNER, rules.PARTY_SIGNER):
        raise InvalidInput(f"签名人身份应为“{rules.INSPECTOR_SIGNER}”或“{rules.PARTY_SIGNER}”")
    return signatures.sign(ctx, "inspection", inspection_id, signer_role=signer_role,
                           signer_name=signer_name, png=png)


def set_conclusion(ctx: ServiceContext, inspection_id: str, conclusion: str) -> None:
    """Save the conclusion as it is typed."""
    if len(conclusion) > rules.MAX_TEXT:
        raise InvalidInput(f"检查结论不能超过 {rules.MAX_TEXT} 字")
    with change(ctx) as ch:
        insp = load_editable(ch.session, inspection_id)
        if insp.conclusion == conclusion.strip():
            return
        insp.conclusion, insp.updated_at = conclusion.strip(), ch.now
        ch.record(action="inspection.conclusion", entity="inspection", entity_id=insp.id,
                  data={"id": insp.id, "conclusion": insp.conclusion},
                  base_version=insp.server_version)


def complete(ctx: ServiceContext, inspection_id: str, conclusion: str | None = None) -> None:
    """Close the record: refused, with everything still missing, until it is whole; then
    locked. On a re-inspection its outcomes become the findings' state."""
    if conclusion is not None:
        set_conclusion(ctx, inspection_id, conclusion)
    with change(ctx) as ch:
        insp = load_editable(ch.session, inspection_id)
        detail = inspection_detail(ch.session, insp.id)
        assert detail is not None
        if detail.completion_problems:
            raise InvalidInput("还不能完成检查：" + "；".join(detail.completion_problems))
        insp.status, insp.completed_at, insp.updated_at = rules.COMPLETED, ch.now, ch.now
        data = {"id": insp.id, "completed_at": ch.now.isoformat(),
                "conclusion": insp.conclusion, "real_name": detail.real_name.as_record(),
                "findings": [f.id for f in detail.findings]}
        ch.record(action="inspection.complete", entity="inspection", entity_id=insp.id,
                  data=data, base_version=insp.server_version)
        apply_reviews(ch, insp)
        drafts.forget(ch.session, SHEET_DRAFT, insp.id)  # a sheet left half typed is moot


def amend(ctx: ServiceContext, inspection_id: str, *, target: str, new_value: str,
          reason: str) -> str:
    """Correct a completed record: the amendment, with its reason, is kept beside the
    original, which stays as it was. Target: an item code (its answer), "remark:<code>",
    "conclusion" or "place". Returns the amendment id."""
    new_value = new_value.strip()
    with change(ctx) as ch:
        insp = load(ch.session, inspection_id)
        if insp.status != rules.COMPLETED:
            raise InvalidInput("检查尚未完成，可以直接修改，无需更正")
        template = template_for(ch.session, insp.template_id)
        inspected_on = (local_date(insp.started_at) if insp.started_at is not None
                        else insp.planned_on)
        problem = rules.amend_problem(template, target, new_value, reason, inspected_on)
        if problem:
            raise InvalidInput(problem)
        if target in (i.code for i in template.items):
            new_value = rules.canonical_answer(template.item(target), new_value)
        detail = inspection_detail(ch.session, insp.id)
        assert detail is not None
        items = {i.code: i for i in detail.items}
        code = target.removeprefix(rules.AMEND_REMARK)
        if target in detail.review_items:
            raise InvalidInput("复查结论已用于关闭或重新打开问题，不能更正；如有出入请重新安排复查")
        current = {rules.AMEND_CONCLUSION: detail.conclusion, rules.AMEND_PLACE: detail.place}
        if target in current:
            old = current[target]
        elif target.startswith(rules.AMEND_REMARK):
            old = items[code].remark
        else:
            old = items[code].value
        if old == new_value:
            raise InvalidInput("更正后的内容与原记录相同")
        am = InspectionAmendment(id=new_id(), inspection_id=insp.id, target=target,
                                 old_value=old, new_value=new_value, reason=reason.strip(),
                                 amended_by=ctx.actor.display_name, amended_at=ch.now,
                                 created_at=ch.now, updated_at=ch.now)
        ch.session.add(am)
        ch.record(action="inspection.amend", entity="inspection_amendment", entity_id=am.id,
                  data={"id": am.id, "inspection_id": insp.id, "target": target,
                        "old_value": old, "new_value": new_value, "reason": am.reason,
                        "amended_by": am.amended_by, "amended_at": ch.now.isoformat()})
        if code in items and target not in current:
            item = template.item(code)
            value, remark = items[code].value, items[code].remark
            after = (new_value, remark) if target == code else (value, new_value)
            sync_finding(ch, insp, template, item, (value, remark), after)
            if target == code:
                _sync_real_name(ch, insp, template, code, new_value)
        return am.id


def reinspect(ctx: ServiceContext, inspection_id: str, *, planned_on: date,
              team: Sequence[TeamEntry] | None = None) -> str:
    """Plan a re-inspection (复查) of a completed inspection: it looks again at every finding
    of that record (and of its earlier re-inspections) not yet closed. Returns its id."""
    members = team_json(team) if team is not None else None
    with change(ctx) as ch:
        insp = load(ch.session, inspection_id)
        root = load(ch.session, insp.reinspection_of) if insp.reinspection_of else insp
        if root.status != rules.COMPLETED:
            raise InvalidInput("原检查尚未完成，不能安排复查")
        pending = ch.session.scalar(select(Inspection.number).where(
            Inspection.reinspection_of == root.id, Inspection.deleted_at.is_(None),
            Inspection.status != rules.COMPLETED))
        if pending is not None:
            raise InvalidInput(f"已安排复查 {pending}，请在该记录中进行")
        chain = [root.id, *ch.session.scalars(select(Inspection.id).where(
            Inspection.reinspection_of == root.id, Inspection.deleted_at.is_(None),
            Inspection.status == rules.COMPLETED))]
        findings = ch.session.scalars(select(Finding).where(
            Finding.inspection_id.in_(chain), Finding.deleted_at.is_(None),
            Finding.status.in_(rules.OPEN_FINDINGS)).order_by(
            Finding.created_at, Finding.item_code)).all()
        if not findings:
            raise InvalidInput("该检查没有待整改的问题，无需复查")
        if members is None:
            members = list(root.team or [])
            problems = rules.team_problems(members)
            if problems:
                raise InvalidInput("；".join(problems))
        project = ch.session.get(Project, root.project_id)
        assert project is not None
        re = Inspection(
            id=new_id(), number=next_inspection_number(ch.session, ctx.actor.division_code,
                                                       ch.today.year),
            project_id=root.project_id, template_id=root.template_id,
            division_code=root.division_code, method=rules.REINSPECTION,
            status=rules.PLANNED, planned_on=planned_on, place=root.place or project.address,
            team=members, conclusion="", reinspection_of=root.id, sealed=False,
            created_at=ch.now, updated_at=ch.now)
        ch.session.add(re)
        ch.session.flush()
        for f in findings:
            ch.session.add(FindingReview(
                id=new_id(), inspection_id=re.id, finding_id=f.id,
                outcome=rules.REVIEW_PENDING, note="", previous_deadline=f.deadline,
                new_deadline=None, reviewed_at=None,
                created_at=ch.now, updated_at=ch.now))
        _record_plan(ch, re, findings=[f.id for f in findings])
        return re.id
