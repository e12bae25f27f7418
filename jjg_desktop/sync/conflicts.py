"""Commands the server refused for good, shown beside the server's version, and re-decided.

"Keep mine" writes the user's version again on top of the server's version and queues the
same command (the server checks it as it would any other); "take theirs" puts the server's
version in place — never an older one than the laptop already holds — takes back what the
rejected command made that the server never had, and asks the server for the latest copy of
every record that command wrote at the next sync. Either is one transaction with its audit
entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jjg_desktop.rules.record_names import ENTITY_NAMES
from jjg_desktop.services.context import ServiceContext, Store, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.models import LocalSetting, OutboxCommand, SyncConflict
from jjg_desktop.sync.apply import pending_keys

NAME_FIELDS = ("name", "number", "title", "problem", "item_code", "credit_code")
MUST_REDECIDE = {
    "case.transition": "异常名录的办理决定须在案件页面根据最新进展重新作出",
    "draw.make": "双随机抽取不能重复提交，请重新抽取",
}


@dataclass(frozen=True, slots=True)
class ConflictView:
    id: int
    command: str
    entity: str
    entity_id: str
    title: str
    reason: str
    mine: dict[str, Any]
    theirs: dict[str, Any] | None
    decided_by: str
    decided_at: datetime | None
    detected_at: datetime
    can_keep_mine: bool
    why_not: str


def _main_row(conflict: SyncConflict) -> dict[str, Any]:
    for row in conflict.mine:
        if (row["entity"], row["id"]) == (conflict.entity, conflict.entity_id):
            return row
    return conflict.mine[0] if conflict.mine else {"entity": conflict.entity,
                                                   "id": conflict.entity_id, "data": {}}


def _title(entity: str, data: dict[str, Any]) -> str:
    label = ENTITY_NAMES.get(entity, entity)
    for key in NAME_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return f"{label}“{value.strip()[:40]}”"
    return label


def _view(conflict: SyncConflict) -> ConflictView:
    main = _main_row(conflict)
    theirs = (conflict.theirs or {}).get("data") if conflict.theirs else None
    why_not = MUST_REDECIDE.get(conflict.command, "")
    return ConflictView(
        id=conflict.id, command=conflict.command, entity=conflict.entity,
        entity_id=conflict.entity_id, title=_title(conflict.entity, main["data"] or theirs or {}),
        reason=conflict.reason, mine=dict(main["data"]), theirs=theirs,
        decided_by=conflict.decided_by, decided_at=conflict.decided_at,
        detected_at=conflict.detected_at, can_keep_mine=not why_not, why_not=why_not)


def open_conflicts(store: Store) -> list[ConflictView]:
    with store.db.read() as session:
        return [_view(c) for c in session.scalars(select(SyncConflict).where(
            SyncConflict.resolved_at.is_(None)).order_by(SyncConflict.id))]


def open_conflict_count(store: Store) -> int:
    with store.db.read() as session:
        return session.scalar(select(func.count()).select_from(SyncConflict).where(
            SyncConflict.resolved_at.is_(None))) or 0


def _open(session: Session, conflict_id: int) -> SyncConflict:
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound("该冲突记录不存在")
    if conflict.resolved_at is not None:
        raise InvalidInput("该冲突已处理过了")
    return conflict


def _server_version(conflict: SyncConflict) -> int | None:
    version = (conflict.theirs or {}).get("version")
    return version if isinstance(version, int) else None


def _put(session: Session, entity: str, record_id: str, data: dict[str, Any],
         version: int | None) -> None:
    model = rows.synced_models()[entity]
    values = rows.decode(entity, data)
    row = session.get(model, record_id)
    if row is None:
        row = model(**values)
        row.id = record_id
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    row.server_version = version


def keep_mine(ctx: ServiceContext, conflict_id: int) -> None:
    """Write the user's version over the server's and send it again."""
    with change(ctx) as ch:
        conflict = _open(ch.session, conflict_id)
        view = _view(conflict)
        if not view.can_keep_mine:
            raise InvalidInput(view.why_not)
        theirs_version = _server_version(conflict)
        for row in conflict.mine:
            main = (row["entity"], row["id"]) == (conflict.entity, conflict.entity_id)
            model = rows.synced_models()[row["entity"]]
            local = ch.session.get(model, row["id"])
            version = theirs_version if main else (local.server_version if local else None)
            _put(ch.session, row["entity"], row["id"], row["data"], version)
        original = ch.session.get(OutboxCommand, conflict.command_id)
        conflict.resolved_at, conflict.resolution = ch.now, "mine"
        ch.record(action="sync.keep_mine", entity=conflict.entity, entity_id=conflict.entity_id,
                  data={"conflict": conflict.id, "command": conflict.command},
                  args=original.args if original is not None else {},
                  command=conflict.command, base_version=theirs_version)


REFETCH_KEY = "sync.refetch"
"""Local setting: records whose latest server copy the next sync fetches and puts in place."""


def queue_refetch(session: Session, keys: list[tuple[str, str]]) -> None:
    setting = session.get(LocalSetting, REFETCH_KEY)
    queued = [tuple(k) for k in (setting.value.get("keys", []) if setting else [])]
    merged = [list(k) for k in dict.fromkeys([*queued, *keys])]
    if setting is None:
        session.add(LocalSetting(key=REFETCH_KEY, value={"keys": merged}))
    else:
        setting.value = {"keys": merged}


def queued_refetch(session: Session) -> list[tuple[str, str]]:
    setting = session.get(LocalSetting, REFETCH_KEY)
    return [(str(e), str(i)) for e, i in (setting.value.get("keys", []) if setting else [])]


def clear_refetch(session: Session, keys: list[tuple[str, str]]) -> None:
    setting = session.get(LocalSetting, REFETCH_KEY)
    if setting is not None:
        left = [k for k in queued_refetch(session) if k not in set(keys)]
        setting.value = {"keys": [list(k) for k in left]}


def take_theirs(ctx: ServiceContext, conflict_id: int) -> None:
    """Put the server's version in place of the user's (nothing is sent)."""
    with change(ctx) as ch:
        conflict = _open(ch.session, conflict_id)
        current = conflict.theirs
        pending = pending_keys(ch.session)
        main = (conflict.entity, conflict.entity_id)
        model = rows.synced_models()[conflict.entity]
        here = ch.session.get(model, conflict.entity_id)
        newer_here = here is not None and (here.server_version or 0) > (
            _server_version(conflict) or 0)
        if main in pending or newer_here:
            pass  # a later change of this laptop, or a newer server copy, is already here
        elif current is not None:
            data = dict(current.get("data") or {})
            if current.get("deleted") and not data.get("deleted_at"):
                data["deleted_at"] = ch.now.isoformat()
            _put(ch.session, conflict.entity, conflict.entity_id, data,
                 _server_version(conflict))
        elif here is not None and here.deleted_at is None:
            here.deleted_at = ch.now
        written = [(r["entity"], r["id"]) for r in conflict.mine]
        for key in written:
            if key == main or key in pending:
                continue
            row = ch.session.get(rows.synced_models()[key[0]], key[1])
            if row is not None and row.server_version is None and row.deleted_at is None:
                row.deleted_at = ch.now  # made by the rejected command: the server never had it
        queue_refetch(ch.session, [main, *written])
        conflict.resolved_at, conflict.resolution = ch.now, "theirs"
        ch.record(action="sync.take_theirs", entity=conflict.entity,
                  entity_id=conflict.entity_id,
                  data={"conflict": conflict.id, "command": conflict.command}, sync=False)
