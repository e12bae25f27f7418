"""`POST /sync/v1/push`: each command decided once, in its own transaction, in order.

A command is known by (client id, command id). Its decision is stored with it in the same
transaction as its effect, so a retried push (the reply was lost after the commit) is
answered from the store and never applied twice. One refused or failing command never
stops the rest of the batch.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from jjg_desktop.rules.workflow import Workflow
from jjg_desktop.sync.protocol import Command, CommandResult, PushRequest, PushResponse
from jjg_server import cases, records, store
from jjg_server.auth import Caller
from jjg_server.records import Raced, Rejected
from jjg_server.store import AppliedCommand, Record

log = logging.getLogger(__name__)

PUSH_ROLES = ("inspector", "county_clerk", "prefecture_reviewer", "province_admin")
COMMAND_NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
ENTITY_NAME = re.compile(r"^[a-z][a-z_]*$")
ATTEMPTS = 3


def push(sessions: sessionmaker[Session], caller: Caller, request: PushRequest, *,
         clock: Callable[[], datetime], workflow: Workflow) -> PushResponse:
    results = [_one(sessions, caller, request.client_id, cmd, clock, workflow)
               for cmd in request.commands]
    with sessions() as session:
        return PushResponse(results=results, latest_seq=store.latest_seq(session))


def _seen(session: Session, client_id: str, command_id: int) -> AppliedCommand | None:
    return session.scalars(select(AppliedCommand).where(
        AppliedCommand.client_id == client_id,
        AppliedCommand.command_id == command_id)).first()


def _replay(seen: AppliedCommand, command_id: int) -> CommandResult:
    """The stored decision: an applied command is a duplicate, a rejected one stays rejected."""
    original = CommandResult.model_validate({**seen.result, "id": command_id})
    if original.status == "applied":
        return original.model_copy(update={"status": "duplicate"})
    return original


def _one(sessions: sessionmaker[Session], caller: Caller, client_id: str, cmd: Command,
         clock: Callable[[], datetime], workflow: Workflow) -> CommandResult:
    for _attempt in range(ATTEMPTS):
        try:
            with sessions.begin() as session:
                seen = _seen(session, client_id, cmd.id)
                if seen is not None:
                    return _replay(seen, cmd.id)
                now = clock()
                result = _decide(session, caller, cmd, now, workflow)
                session.add(AppliedCommand(
                    client_id=client_id, command_id=cmd.id, username=caller.username,
                    command=cmd.command, status=result.status,
                    server_version=result.server_version,
                    result=result.model_dump(mode="json"), decided_at=now))
            return result
        except (Raced, IntegrityError):
            continue  # a concurrent writer got there first: decide again on what it left
        except Exception:
            log.exception("push: command %s/%s (%s) failed", client_id, cmd.id, cmd.command)
            return CommandResult(id=cmd.id, status="retry",
                                 reason="服务器处理该操作时出错，稍后将自动重试；问题持续请联系管理员")
    return CommandResult(id=cmd.id, status="retry", reason="服务器繁忙，稍后将自动重试")


def _decide(session: Session, caller: Caller, cmd: Command, now: datetime,
            workflow: Workflow) -> CommandResult:
    """Apply the command, or turn its refusal into a rejected result (nothing written)."""
    try:
        if not COMMAND_NAME.match(cmd.command) or not ENTITY_NAME.match(cmd.entity):
            raise Rejected(f"无法识别的操作“{cmd.command}”（{cmd.entity}），请升级客户端")
        if cmd.command == "case.transition":
            return cases.transition(session, caller, cmd, now=now, workflow=workflow)
        return _generic(session, cmd, now)
    except Rejected as refused:
        return CommandResult(id=cmd.id, status="rejected", reason=refused.reason,
                             current=refused.current, decided_by=refused.decided_by,
                             decided_at=refused.decided_at)


def _is_update(command: str) -> bool:
    return command.split(".", 1)[1].startswith("update_")


def _generic(session: Session, cmd: Command, now: datetime) -> CommandResult:
    """Replace the record with the args, or merge ``args["fields"]`` for ``*.update_*``."""
    record = session.get(Record, (cmd.entity, cmd.entity_id))
    version = record.version if record is not None else 0
    if cmd.base_version is not None and cmd.base_version != version:
        if record is None:
            raise Rejected(f"服务器上没有该记录（您基于第 {cmd.base_version} 版），"
                           "可能已被删除或服务器已从备份恢复，请同步后重试")
        raise Rejected(f"该记录已在服务器上被修改（服务器第 {version} 版，"
                       f"您基于第 {cmd.base_version} 版）", current=records.current(record))
    data: dict[str, Any]
    if _is_update(cmd.command):
        fields = cmd.args.get("fields")
        if not isinstance(fields, dict) or not fields:
            raise Rejected("修改操作缺少要修改的内容（fields），请升级客户端")
        if record is None or record.deleted:
            raise Rejected("服务器上没有该记录，无法修改；请同步后重试")
        data = {**record.data, **fields}
    else:
        data = dict(cmd.args)
    new_version = records.write(session, cmd.entity, cmd.entity_id, record, data, now=now)
    return CommandResult(id=cmd.id, status="applied", server_version=new_version)
