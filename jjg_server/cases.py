"""`case.transition`: abnormal-list steps decided with the client's own workflow rules.

Compare-and-set on ``args["case_version"]``: the first step made on a version wins; a later
one made on the same version is rejected naming who decided and when. A step that stands is
stored as the command's rows: the case as the client left it (its state must be the step's
target, its version the next one), the new transition (stamped with the server's time) and,
for steps that set an enterprise's status, that status on the server's enterprise record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules.china_time import CHINA, local_date
from jjg_desktop.rules.workflow import (
    ActorRef,
    CaseState,
    Submission,
    TransitionDef,
    TransitionRefused,
    Workflow,
    check,
)
from jjg_desktop.sync.protocol import Command, CommandResult, RowChange
from jjg_server import changes, permissions, records
from jjg_server.auth import Caller, display_name
from jjg_server.records import Rejected, Writer
from jjg_server.scopes import in_scope, level_of, valid_code
from jjg_server.store import ChangeLog, Record, RecordNumber

CASE_ENTITY = "abnormal_case"
STEP_ENTITY = "case_transition"
ENTERPRISE_ENTITY = "enterprise"


def _date(value: object, what: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Rejected(f"{what}格式无效：{value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Rejected(f"{what}格式无效：{value}") from exc


def _strings(value: object, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Rejected(f"{what}格式无效")
    return tuple(value)


def _evidence(value: object) -> tuple[Mapping[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
            isinstance(e, dict) and all(isinstance(v, str) for v in e.values()) for e in value):
        raise Rejected("证据格式无效")
    return tuple(value)


def _text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Rejected(f"{what}格式无效")
    return value


def _stale(session: Session, record: Record | None, case_id: str, made_on: int,
           version: int) -> Rejected:
    """The step was made on an older version: name whoever took the case past it."""
    winner = session.scalars(select(ChangeLog).where(
        ChangeLog.entity == CASE_ENTITY, ChangeLog.record_id == case_id,
        ChangeLog.version == made_on + 1).order_by(ChangeLog.seq).limit(1)).first()
    if winner is None:
        return Rejected(f"该案件在服务器上为第 {version} 版，您的操作基于第 {made_on} 版，"
                        "请同步后查看最新进展再重新决定", current=records.current(record))
    name = display_name(session, winner.username) or "他人"
    when = winner.committed_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    return Rejected(f"该案件已由{name}于 {when} 处理（服务器第 {version} 版，"
                    f"您基于第 {made_on} 版），请查看最新进展后重新决定",
                    current=records.current(record), decided_by=name,
                    decided_at=winner.committed_at)


def transition(session: Session, caller: Caller, cmd: Command, *, now: datetime,
               workflow: Workflow, client_id: str) -> CommandResult:
    """Decide one workflow step and store its rows, or raise Rejected (nothing written)."""
    if cmd.entity != CASE_ENTITY:
        raise Rejected(f"流程命令只能用于案件，不能用于“{cmd.entity}”")
    args = cmd.args
    action, made_on = args.get("action"), args.get("case_version")
    if not isinstance(action, str) or not isinstance(made_on, int) or isinstance(
            made_on, bool) or made_on < 0:
        raise Rejected("流程命令缺少动作或案件版本（action、case_version），请升级客户端")
    record = session.get(Record, (CASE_ENTITY, cmd.entity_id))
    if record is not None and not permissions.may_see(caller, record):
        raise Rejected("该案件不在您的管辖范围内")
    version = record.version if record is not None else 0
    if made_on != version:
        raise _stale(session, record, cmd.entity_id, made_on, version)
    case_row = next((r for r in cmd.rows if (r.entity, r.id) == (CASE_ENTITY, cmd.entity_id)),
                    None)
    if case_row is None:
        raise Rejected("流程命令缺少案件记录，请升级客户端后再同步")
    stored: dict[str, Any] = dict(record.data) if record is not None else {}
    division = stored.get("division_code") or case_row.data.get("division_code")
    if not valid_code(division):
        raise Rejected("案件缺少有效的行政区划代码")
    step = _check(workflow, caller, args, stored, division, made_on, now, record)
    _check_case_row(case_row, step, made_on, division)
    decision_no = case_row.data.get("decision_no")
    if isinstance(decision_no, str) and decision_no and decision_no != stored.get("decision_no"):
        _hold_decision_number(session, cmd.entity_id, decision_no)
    notice_no = args.get("decision_no")
    if step.notice and isinstance(notice_no, str) and notice_no:
        _hold_decision_number(session, cmd.entity_id, notice_no, NOTICE_NUMBER)
    enterprise = case_row.data.get("enterprise_id") or stored.get("enterprise_id")
    if isinstance(enterprise, str):
        _hold_open_case(session, workflow, cmd.entity_id, enterprise,
                        open_=not workflow.states[step.target].terminal)
    rows = [_stamped(r, now, cmd.entity_id) if r.entity == STEP_ENTITY else r
            for r in cmd.rows]
    enterprise_id = case_row.data.get("enterprise_id") or stored.get("enterprise_id")
    merged: tuple[str, str] | None = None
    if step.sets_enterprise_status and isinstance(enterprise_id, str):
        rows, merged = _with_status(session, rows, enterprise_id, step.sets_enterprise_status,
                                    now)
    writer = Writer(client_id, caller.username, cmd.command)
    planned = changes.plan(session, caller, writer, rows)
    for p in planned:
        if p.key not in ((CASE_ENTITY, cmd.entity_id), merged):
            changes.check_conflict(session, writer, p)
    versions = changes.write(session, writer, planned, now=now)
    return CommandResult(id=cmd.id, status="applied",
                         server_version=versions[(CASE_ENTITY, cmd.entity_id)])


def _check(workflow: Workflow, caller: Caller, args: dict[str, Any], stored: dict[str, Any],
           division: str, made_on: int, now: datetime, record: Record | None) -> TransitionDef:
    state = stored.get("state")
    sub = Submission(action=str(args["action"]), base_version=made_on, today=local_date(now),
                     comment=_text(args.get("comment"), "意见说明"),
                     grounds=_strings(args.get("grounds"), "列入事由"),
                     evidence=_evidence(args.get("evidence")),
                     decision_no=_text(args.get("decision_no"), "决定文号"),
                     decision_date=_date(args.get("decision_date"), "决定日期"))
    listed_on = _date(stored.get("decision_date"), "决定日期") if state == "listed" else None
    deadline = _date(stored.get("deadline"), "办理期限")
    actor = ActorRef(role=caller.role, level=level_of(caller.division_code),
                     in_scope=in_scope(caller.division_code, division))
    try:
        return check(workflow, CaseState(state, made_on, listed_on, deadline), actor, sub)
    except TransitionRefused as exc:
        raise Rejected(str(exc), current=records.current(record)) from exc


DECISION_NUMBER = "abnormal_case.decision"
"""record_number entity: a decision number (决定文号) names one case's decision, province-wide."""


NOTICE_NUMBER = "abnormal_case.notice"
"""record_number entity: the 文号 of a prior notice (告知书), one case's, province-wide."""


def _hold_decision_number(session: Session, case_id: str, number: str,
                          entity: str = DECISION_NUMBER) -> None:
    """A decision's (or a notice's) number is the province's legal reference: never given
    twice, and never renumbered by the server (a person chose it) — a second use is refused."""
    held = session.get(RecordNumber, (entity, number))
    if held is not None and held.record_id != case_id:
        what = "告知书文号" if entity == NOTICE_NUMBER else "决定文号"
        raise Rejected(f"{what}“{number}”已用于另一件异常名录案件，请核对后更换文号")
    if held is None:
        session.add(RecordNumber(entity=entity, number=number, record_id=case_id))
        session.flush()


OPEN_CASE = "abnormal_case.open"
"""record_number entity: the one open case an enterprise may have, by enterprise id."""


def _hold_open_case(session: Session, workflow: Workflow, case_id: str, enterprise_id: str,
                    *, open_: bool) -> None:
    """One open abnormal-list case per enterprise: a case that opens (or stays open) holds
    the enterprise; a second is refused naming the open one; a case that ends lets go."""
    held = session.get(RecordNumber, (OPEN_CASE, enterprise_id))
    if not open_:
        if held is not None and held.record_id == case_id:
            session.delete(held)
        return
    if held is not None and held.record_id != case_id:
        other = session.get(Record, (CASE_ENTITY, held.record_id))
        state = other.data.get("state") if other is not None else None
        if other is not None and not other.deleted and state in workflow.states and (
                not workflow.states[state].terminal):
            since = other.data.get("created_at", "")[:10]
            raise Rejected(f"该企业已有办理中的异常名录案件（{workflow.label(state)}，"
                           f"{since} 提出），不能重复提出；请在该案件中补充证据或办理")
        session.delete(held)
        session.flush()
    if held is None or held.record_id != case_id:
        session.add(RecordNumber(entity=OPEN_CASE, number=enterprise_id, record_id=case_id))
        session.flush()


def _check_case_row(row: RowChange, step: TransitionDef, made_on: int, division: str) -> None:
    state, version = row.data.get("state"), row.data.get("version")
    if state != step.target or version != made_on + 1:
        raise Rejected(f"提交的案件记录（状态 {state}，第 {version} 版）与流程判定"
                       f"（状态 {step.target}，第 {made_on + 1} 版）不一致，请升级客户端")
    if row.data.get("division_code", division) != division:
        raise Rejected("案件的行政区划不能更改")


def _stamped(row: RowChange, now: datetime, case_id: str) -> RowChange:
    """The transition with the server's time of the decision (naive UTC, as rows carry it)."""
    if row.data.get("case_id") != case_id:
        raise Rejected("流转记录不属于该案件，请升级客户端")
    at = now.astimezone(UTC).replace(tzinfo=None).isoformat()
    return row.model_copy(update={"data": {**row.data, "server_at": at}})


def _with_status(session: Session, rows: list[RowChange], enterprise_id: str, status: str,
                 now: datetime) -> tuple[list[RowChange], tuple[str, str] | None]:
    """The step decides the enterprise's status: it is set on the server's record (whatever
    else changed there since), or on the client's row if the server has no such record."""
    key = (ENTERPRISE_ENTITY, enterprise_id)
    sent = next((r for r in rows if (r.entity, r.id) == key), None)
    current = session.get(Record, key)
    if current is None or current.deleted:
        if sent is None:
            return rows, None
        fixed = sent.model_copy(update={"data": {**sent.data, "status": status}})
        return [fixed if r is sent else r for r in rows], None
    if current.data.get("status") == status and sent is None:
        return rows, None
    stamp = (sent.data.get("updated_at") if sent is not None else None) or (
        now.astimezone(UTC).replace(tzinfo=None).isoformat())
    merged = RowChange(entity=ENTERPRISE_ENTITY, id=enterprise_id,
                       base_version=current.version,
                       data={**current.data, "status": status, "updated_at": stamp})
    others = [r for r in rows if r is not sent]
    return [*others, merged], key
