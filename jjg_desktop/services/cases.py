"""Abnormal-list (异常名录) cases: proposing one and taking each step of the workflow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jjg_desktop.rules.decisions import NOTICE
from jjg_desktop.rules.workflow import (
    ActorRef,
    CaseState,
    Submission,
    TransitionDef,
    TransitionRefused,
    Workflow,
    available,
    check,
    due_date,
    normalized_decision_number,
)
from jjg_desktop.services.context import Actor, Change, ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import AbnormalCase, CaseTransition, Division, Enterprise
from jjg_desktop.store.read.worklists import subtree_codes
from jjg_desktop.store.rulebook import abnormal_list_workflow, work_calendar


@dataclass(frozen=True, slots=True)
class StepInput:
    """What the user filled in for one step."""

    comment: str = ""
    evidence: Sequence[dict[str, str]] = ()
    decision_no: str = ""
    decision_date: date | None = None


def actor_ref(session: Session, actor: Actor, case_division: str | None) -> ActorRef:
    division = session.get(Division, actor.division_code)
    if division is None:
        raise InvalidInput(f"本机用户的行政区划 {actor.division_code} 未知")
    in_scope = case_division is None or case_division in subtree_codes(
        session, actor.division_code)
    return ActorRef(role=actor.role, level=division.level, in_scope=in_scope)


def propose(ctx: ServiceContext, enterprise_id: str, *, grounds: Sequence[str],
            step: StepInput) -> str:
    """Open a case proposing to list the enterprise (拟列入); returns the case id."""
    wf = abnormal_list_workflow()
    with change(ctx) as ch:
        ent = ch.session.get(Enterprise, enterprise_id)
        if ent is None or ent.deleted_at is not None:
            raise NotFound("该企业不存在或已被删除")
        open_case = ch.session.scalars(select(AbnormalCase).where(
            AbnormalCase.enterprise_id == enterprise_id, AbnormalCase.deleted_at.is_(None),
            AbnormalCase.state.not_in([k for k, s in wf.states.items() if s.terminal]))).first()
        if open_case is not None:
            raise InvalidInput(
                f"“{ent.name}”已有办理中的异常名录案件（{wf.label(open_case.state)}）")
        sub = _submission("propose", 0, ch, step, grounds)
        t = _checked(wf, CaseState(None, 0), actor_ref(ch.session, ctx.actor, None), sub)
        case = AbnormalCase(id=new_id(), enterprise_id=enterprise_id,
                            division_code=ctx.actor.division_code, state=t.target,
                            grounds=list(grounds), evidence=list(step.evidence), version=0,
                            created_at=ch.now, updated_at=ch.now)
        ch.session.add(case)
        ch.session.flush()
        _apply(ch, wf, case, ent, t, sub)
        return case.id


def take_step(ctx: ServiceContext, case_id: str, action: str, *, base_version: int,
              step: StepInput) -> str:
    """Take one workflow step on a case seen at `base_version`; returns the new state."""
    wf = abnormal_list_workflow()
    with change(ctx) as ch:
        case = ch.session.get(AbnormalCase, case_id)
        if case is None or case.deleted_at is not None:
            raise NotFound("该案件不存在或已被删除")
        ent = ch.session.get(Enterprise, case.enterprise_id)
        assert ent is not None
        sub = _submission(action, base_version, ch, step, ())
        listed_on = case.decision_date if case.state == "listed" else None
        t = _checked(wf, CaseState(case.state, case.version, listed_on, case.deadline),
                     actor_ref(ch.session, ctx.actor, case.division_code), sub)
        if t.notice:
            _refuse_served_number(ch, sub.decision_no)
        _apply(ch, wf, case, ent, t, sub)
        return case.state


def actions_for(ctx: ServiceContext, case_id: str) -> list[TransitionDef]:
    """The steps the current user may take on the case now."""
    wf = abnormal_list_workflow()
    with ctx.db.read() as session:
        case = session.get(AbnormalCase, case_id)
        if case is None:
            raise NotFound("该案件不存在或已被删除")
        listed_on = case.decision_date if case.state == "listed" else None
        return available(wf, CaseState(case.state, case.version, listed_on, case.deadline),
                         actor_ref(session, ctx.actor, case.division_code))


def _submission(action: str, base_version: int, ch: Change, step: StepInput,
                grounds: Sequence[str]) -> Submission:
    decision_no = normalized_decision_number(step.decision_no) if step.decision_no else ""
    if decision_no:
        holder = ch.session.scalars(select(AbnormalCase).where(
            AbnormalCase.decision_no == decision_no, AbnormalCase.deleted_at.is_(None))).first()
        if holder is not None:
            firm = ch.session.get(Enterprise, holder.enterprise_id)
            raise InvalidInput(f"决定文号 {decision_no} 已用于“{firm.name if firm else ''}”"
                               "的异常名录案件，请核对文号")
    return Submission(action=action, base_version=base_version, today=ch.today,
                      comment=step.comment, grounds=tuple(grounds),
                      evidence=tuple(step.evidence), decision_no=decision_no,
                      decision_date=step.decision_date)


def _checked(wf: Workflow, case: CaseState, actor: ActorRef, sub: Submission) -> TransitionDef:
    try:
        return check(wf, case, actor, sub)
    except TransitionRefused as exc:
        raise InvalidInput(str(exc)) from exc


def _apply(ch: Change, wf: Workflow, case: AbnormalCase, ent: Enterprise, t: TransitionDef,
           sub: Submission) -> None:
    before, made_on = case.state if case.version else None, case.version
    case.state = t.target
    case.version += 1
    case.updated_at = ch.now
    case.deadline = due_date(t, sub.today, work_calendar())
    if sub.evidence and t.action != "propose":
        case.evidence = [*case.evidence, *sub.evidence]
    evidence = list(sub.evidence)
    if t.notice:
        evidence.append(_notice(wf, t, sub))
    elif sub.decision_no:
        case.decision_no = sub.decision_no
        case.decision_date = sub.decision_date
    if t.sets_enterprise_status:
        ent.status = t.sets_enterprise_status
        ent.updated_at = ch.now
    actor = ch.ctx.actor
    step = CaseTransition(
        id=new_id(), case_id=case.id, action=t.action, from_state=before, to_state=t.target,
        case_version=made_on, actor=actor.username, actor_name=actor.display_name,
        actor_role=actor.role,
        actor_division=actor.division_code, at=ch.now, comment=sub.comment.strip(),
        evidence=evidence, created_at=ch.now, updated_at=ch.now)
    ch.session.add(step)
    args = {"case_id": case.id, "transition_id": step.id, "action": t.action,
            "actor_name": actor.display_name,
            "case_version": made_on, "enterprise_id": ent.id, "comment": step.comment,
            "evidence": evidence, "grounds": list(sub.grounds),
            "decision_no": sub.decision_no,
            "decision_date": sub.decision_date.isoformat() if sub.decision_date else None,
            "division_code": case.division_code, "workflow": f"{wf.code}@{wf.version}"}
    ch.record(action=f"case.{t.action}", entity="abnormal_case", entity_id=case.id,
              data={**args, "from": before, "to": t.target}, args=args, command="case.transition",
              base_version=case.server_version)


def _refuse_served_number(ch: Change, number: str) -> None:
    """A notice's 文号 names one notice: refused when a notice already served carries it."""
    served = ch.session.execute(text(
        "SELECT e.name FROM case_transition t JOIN abnormal_case c ON c.id = t.case_id "
        "JOIN enterprise e ON e.id = c.enterprise_id, json_each(t.evidence) j "
        "WHERE t.deleted_at IS NULL AND json_extract(j.value, '$.kind') = :kind "
        "AND json_extract(j.value, '$.id') = :number LIMIT 1"),
        {"kind": NOTICE, "number": number}).scalar()
    if served is not None:
        raise InvalidInput(f"告知书文号 {number} 已用于“{served}”的异常名录案件，请核对文号")


def _notice(wf: Workflow, t: TransitionDef, sub: Submission) -> dict[str, str]:
    document = wf.documents.get(t.target)
    title = document.title if document else t.label
    day = sub.decision_date.isoformat() if sub.decision_date else ""
    return {"kind": NOTICE, "id": sub.decision_no, "date": day,
            "summary": f"{title} {sub.decision_no}（{day}）"}
