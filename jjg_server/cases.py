"""`case.transition`: abnormal-list steps decided with the client's own workflow rules.

Compare-and-set on ``args["case_version"]``: the first step made on a version wins; a later
one made on the same version is rejected naming who decided and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules.china_time import CHINA, local_date
from jjg_desktop.rules.workflow import (
    ActorRef,
    CaseState,
    Submission,
    TransitionRefused,
    Workflow,
    check,
)
from jjg_desktop.sync.protocol import Command, CommandResult
from jjg_server import records
from jjg_server.auth import Caller
from jjg_server.records import Rejected
from jjg_server.store import ChangeLog, Record

CASE_ENTITY = "abnormal_case"
ENTERPRISE_ENTITY = "enterprise"


def level_of(division_code: str) -> int:
    """1 province (220000), 2 prefecture (222400), 3 county (222404), by the national code."""
    if division_code[2:] == "0000":
        return 1
    if division_code[4:] == "00":
        return 2
    return 3


def in_scope(actor_division: str, case_division: str) -> bool:
    prefix = {1: 2, 2: 4, 3: 6}[level_of(actor_division)]
    return case_division.startswith(actor_division[:prefix])


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


def _winner(session: Session, case_id: str, version: int) -> ChangeLog | None:
    """The change that took the case from ``version`` to the next one."""
    return session.scalars(select(ChangeLog).where(
        ChangeLog.entity == CASE_ENTITY, ChangeLog.record_id == case_id,
        ChangeLog.version == version + 1)).first()


def _stale(session: Session, record: Record | None, case_id: str, made_on: int,
           version: int) -> Rejected:
    winner = _winner(session, case_id, made_on)
    if winner is None:
        return Rejected(f"该案件在服务器上为第 {version} 版，您的操作基于第 {made_on} 版，"
                        "请同步后查看最新进展再重新决定", current=records.current(record))
    name = str(winner.data.get("decided_by_name") or winner.data.get("decided_by") or "他人")
    when = winner.committed_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    return Rejected(f"该案件已由{name}于 {when} 处理（服务器第 {version} 版，"
                    f"您基于第 {made_on} 版），请查看最新进展后重新决定",
                    current=records.current(record), decided_by=name,
                    decided_at=winner.committed_at)


def transition(session: Session, caller: Caller, cmd: Command, *, now: datetime,
               workflow: Workflow) -> CommandResult:
    """Apply one workflow step or raise Rejected; nothing is written before it is decided."""
    if cmd.entity != CASE_ENTITY:
        raise Rejected(f"流程命令只能用于案件，不能用于“{cmd.entity}”")
    args = cmd.args
    action, made_on = args.get("action"), args.get("case_version")
    if not isinstance(action, str) or not isinstance(made_on, int) or isinstance(
            made_on, bool) or made_on < 0:
        raise Rejected("流程命令缺少动作或案件版本（action、case_version），请升级客户端")
    record = session.get(Record, (CASE_ENTITY, cmd.entity_id))
    version = record.version if record is not None else 0
    if made_on != version:
        raise _stale(session, record, cmd.entity_id, made_on, version)
    stored: dict[str, Any] = dict(record.data) if record is not None else {}
    state = stored.get("state")
    division = stored.get("division_code") or args.get("division_code")
    if not isinstance(division, str) or len(division) != 6 or not division.isdigit():
        raise Rejected("案件缺少有效的行政区划代码")
    sub = Submission(action=action, base_version=made_on, today=local_date(now),
                     comment=_text(args.get("comment"), "意见说明"),
                     grounds=_strings(args.get("grounds"), "列入事由"),
                     evidence=_evidence(args.get("evidence")),
                     decision_no=_text(args.get("decision_no"), "决定文号"),
                     decision_date=_date(args.get("decision_date"), "决定日期"))
    listed_on = _date(stored.get("decision_date"), "决定日期") if state == "listed" else None
    actor = ActorRef(role=caller.role, level=level_of(caller.division_code),
                     in_scope=in_scope(caller.division_code, division))
    try:
        step = check(workflow, CaseState(state, version, listed_on), actor, sub)
    except TransitionRefused as exc:
        raise Rejected(str(exc), current=records.current(record)) from exc

    data = {**stored, "division_code": division, "state": step.target, "from": state,
            "to": step.target, "last_action": step.action, "comment": sub.comment.strip(),
            "workflow": f"{workflow.code}@{workflow.version}", "decided_by": caller.username,
            "decided_by_name": caller.display_name, "decided_at": now.isoformat()}
    enterprise_id = stored.get("enterprise_id") or args.get("enterprise_id")
    if enterprise_id is not None:
        data["enterprise_id"] = enterprise_id
    if sub.grounds:
        data["grounds"] = list(sub.grounds)
    data["evidence"] = [*stored.get("evidence", []), *map(dict, sub.evidence)]
    if sub.decision_no:
        data["decision_no"] = sub.decision_no
        data["decision_date"] = sub.decision_date.isoformat() if sub.decision_date else None
    new_version = records.write(session, CASE_ENTITY, cmd.entity_id, record, data, now=now)
    if step.sets_enterprise_status and isinstance(enterprise_id, str):
        _set_enterprise_status(session, enterprise_id, step.sets_enterprise_status, now)
    return CommandResult(id=cmd.id, status="applied", server_version=new_version)


def _set_enterprise_status(session: Session, enterprise_id: str, status: str,
                           now: datetime) -> None:
    ent = session.get(Record, (ENTERPRISE_ENTITY, enterprise_id))
    if ent is None or ent.deleted or ent.data.get("status") == status:
        return
    records.write(session, ENTERPRISE_ENTITY, enterprise_id, ent, {**ent.data, "status": status},
                  now=now)
