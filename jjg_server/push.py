"""`POST /sync/v1/push`: each command decided once, in its own transaction, in order.

A command is known by (client id, command id). Its decision is stored with it in the same
transaction as its effect, so a retried push (the reply was lost after the commit) is
answered from the store and never applied twice. One refused or failing command never
stops the rest of the batch. A command whose files have not all arrived waits (``retry``).
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
from jjg_desktop.store.synced_rows import natural_id
from jjg_desktop.sync.catalogue import WORKFLOW
from jjg_desktop.sync.protocol import Command, CommandResult, PushRequest, PushResponse
from jjg_server import cases, changes, entities, permissions, store, workflows
from jjg_server.auth import Caller, display_name
from jjg_server.files import FileStore
from jjg_server.placement import ParentMissing
from jjg_server.records import Raced, Rejected, Writer
from jjg_server.store import AppliedCommand, Record

log = logging.getLogger(__name__)

COMMAND_NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
ENTITY_NAME = re.compile(r"^[a-z][a-z_]*$")
ATTEMPTS = 3


class Pusher:
    """Decides pushed commands against one database and files folder."""

    def __init__(self, sessions: sessionmaker[Session], files: FileStore, *,
                 clock: Callable[[], datetime], workflow: Workflow | None = None) -> None:
        self.sessions, self.files, self.clock = sessions, files, clock
        self.workflow = workflow

    def push(self, caller: Caller, request: PushRequest) -> PushResponse:
        results = [self._one(caller, request.client_id, cmd) for cmd in request.commands]
        with self.sessions() as session:
            return PushResponse(results=results, latest_seq=store.latest_seq(session))

    def _one(self, caller: Caller, client_id: str, cmd: Command) -> CommandResult:
        for _attempt in range(ATTEMPTS):
            try:
                with self.sessions.begin() as session:
                    seen = _seen(session, caller.username, client_id, cmd.id)
                    if seen is not None:
                        return _replay(seen, cmd.id)
                    now = self.clock()
                    result = self._decide(session, caller, client_id, cmd, now)
                    if result.status == "retry":
                        return result
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

    def _decide(self, session: Session, caller: Caller, client_id: str, cmd: Command,
                now: datetime) -> CommandResult:
        """Apply the command, or turn its refusal into a rejected result (nothing written)."""
        try:
            if not COMMAND_NAME.match(cmd.command) or not ENTITY_NAME.match(cmd.entity):
                raise Rejected(f"无法识别的操作“{cmd.command}”（{cmd.entity}），请升级客户端")
            if cmd.author is not None and cmd.author != caller.username:
                return CommandResult(id=cmd.id, status="retry", reason=(
                    f"该更改由{display_name(session, cmd.author)}在本机做出，"
                    "须由其本人登录后同步"))
            rule = permissions.check_command(caller, cmd.command)
            changes.validate(cmd.rows)
            named = _files_of(cmd)
            waiting = self.files.missing(named)
            if waiting:
                return CommandResult(id=cmd.id, status="retry",
                                     reason=f"该操作引用的 {len(waiting)} 个文件（照片、签名等）"
                                            "尚未上传完成，稍后将自动重试")
            self.files.make_durable(named)
            if rule is not None and rule.hook == WORKFLOW:
                workflow = self.workflow or workflows.case_workflow(session)
                return cases.transition(session, caller, cmd, now=now, workflow=workflow,
                                        client_id=client_id)
            return _generic(session, caller, client_id, cmd, now)
        except ParentMissing as waiting:
            return CommandResult(id=cmd.id, status="retry", reason=(
                f"该{entities.label(waiting.entity)}所属的{entities.label(waiting.parent[0])}"
                "尚未到达服务器，稍后将自动重试"))
        except Rejected as refused:
            return _shown(session, caller, cmd.id, refused)


def _shown(session: Session, caller: Caller, command_id: int,
           refused: Rejected) -> CommandResult:
    """The rejection as the caller may see it: the record that decided it, and who decided,
    only when the caller may see that record; otherwise the reason alone."""
    record = None
    if refused.current is not None:
        record = session.get(Record, (refused.current.get("entity"), refused.current.get("id")))
    if record is None or not permissions.may_see(caller, record):
        reason = refused.reason if refused.current is None else (
            f"该{entities.label(str(refused.current.get('entity')))}不在您的查看范围内，"
            "服务器拒绝了该操作")
        return CommandResult(id=command_id, status="rejected", reason=reason)
    return CommandResult(id=command_id, status="rejected", reason=refused.reason,
                         current=refused.current, decided_by=refused.decided_by,
                         decided_at=refused.decided_at)


def _implied_answer(cmd: Command) -> dict[tuple[str, str], dict[str, Any]]:
    """A photo of an item not yet answered hangs under the answer the item will have: its id
    is made from the inspection and the item, so the command's arguments prove where it is."""
    inspection_id, item_code = cmd.args.get("inspection_id"), cmd.args.get("item_code")
    if not isinstance(inspection_id, str) or not isinstance(item_code, str) or not item_code:
        return {}
    answer_id = natural_id("inspection_answer", inspection_id, item_code)
    return {("inspection_answer", answer_id): {"inspection_id": inspection_id,
                                               "item_code": item_code}}


def _files_of(cmd: Command) -> list[str]:
    named = [h for r in cmd.rows if not r.deleted
             for h in entities.file_hashes(r.entity, r.data)]
    return [*cmd.files, *named]


def _seen(session: Session, username: str, client_id: str,
          command_id: int) -> AppliedCommand | None:
    """A command is known by its user, client and id: a client id claimed by another user
    names another ledger, so it cannot pre-empt this user's commands."""
    return session.scalars(select(AppliedCommand).where(
        AppliedCommand.username == username, AppliedCommand.client_id == client_id,
        AppliedCommand.command_id == command_id)).first()


def _replay(seen: AppliedCommand, command_id: int) -> CommandResult:
    """The stored decision: an applied command is a duplicate, a rejected one stays rejected."""
    original = CommandResult.model_validate({**seen.result, "id": command_id})
    if original.status == "applied":
        return original.model_copy(update={"status": "duplicate"})
    return original


def _generic(session: Session, caller: Caller, client_id: str, cmd: Command,
             now: datetime) -> CommandResult:
    """Store the command's rows as the next versions of their records (none: no effect)."""
    writer = Writer(client_id, caller.username, cmd.command)
    planned = changes.plan(session, caller, writer, cmd.rows, implied=_implied_answer(cmd))
    changes.check_conflicts(session, writer, planned)
    versions = changes.write(session, writer, planned, now=now)
    key = (cmd.entity, cmd.entity_id)
    version = versions.get(key)
    if version is None:
        record = session.get(Record, key)
        version = record.version if record is not None else None
    return CommandResult(id=cmd.id, status="applied", server_version=version)
