"""Commands the server refused for good, shown beside the server's version, and re-decided.

"Keep mine" writes the user's version again on top of the server's version and queues the
same command (the server checks it as it would any other); "take theirs" puts the server's
version in place — never an older one than the laptop already holds — takes back what the
rejected command made that the server never had, and asks the server for the latest copy of
every record that command wrote at the next sync. Either is one transaction with its audit
entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jjg_desktop.rules import key_posts
from jjg_desktop.rules.china_time import CHINA
from jjg_desktop.rules.record_names import (
    COMMAND_NAMES,
    ENTITY_NAMES,
    FIELD_NAMES,
    record_title,
)
from jjg_desktop.services.context import ServiceContext, Store, audit_safe, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.divisions import full_name
from jjg_desktop.store.models import LocalSetting, OutboxCommand, SyncConflict
from jjg_desktop.sync import catalogue
from jjg_desktop.sync.apply import pending_keys

NOT_A_CONFLICT = ("服务器拒绝了这项更改（不是与他人的修改相冲突），重新提交也不会被接受，"
                  "请采用服务器的版本")
MUST_REDECIDE = {
    "case.transition": "异常名录的办理决定须在案件页面根据最新进展重新作出",
    "draw.make": "双随机抽取不能重复提交，请重新抽取",
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of the record as a person reads it: its name, my value, the server's."""

    label: str
    mine: str
    theirs: str
    differs: bool


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
    command_name: str = ""
    fields: tuple[FieldChange, ...] = ()


def _main_row(conflict: SyncConflict) -> dict[str, Any]:
    for row in conflict.mine:
        if (row["entity"], row["id"]) == (conflict.entity, conflict.entity_id):
            return row
    return conflict.mine[0] if conflict.mine else {"entity": conflict.entity,
                                                   "id": conflict.entity_id, "data": {}}


def _view(conflict: SyncConflict, session: Session | None = None,
          pending: set[tuple[str, str]] | None = None) -> ConflictView:
    main = _main_row(conflict)
    theirs = (conflict.theirs or {}).get("data") if conflict.theirs else None
    if session is not None:
        theirs = _newest_theirs(session, conflict, theirs,
                                pending if pending is not None else pending_keys(session))
    why_not = MUST_REDECIDE.get(conflict.command, "")
    if not why_not and conflict.theirs is None:
        why_not = NOT_A_CONFLICT
    mine = dict(main["data"])
    return ConflictView(
        id=conflict.id, command=conflict.command, entity=conflict.entity,
        entity_id=conflict.entity_id,
        title=record_title(conflict.entity, main["data"] or theirs or {}),
        reason=conflict.reason, mine=mine, theirs=theirs,
        decided_by=conflict.decided_by, decided_at=conflict.decided_at,
        detected_at=conflict.detected_at, can_keep_mine=not why_not, why_not=why_not,
        command_name=COMMAND_NAMES.get(conflict.command, "其他更改"),
        fields=_fields(session, conflict.entity, mine, theirs) if session is not None else ())


def _newest_theirs(session: Session, conflict: SyncConflict, theirs: dict[str, Any] | None,
                   pending: set[tuple[str, str]]) -> dict[str, Any] | None:
    """The server's copy as newest known here: a version pulled since the conflict."""
    model = rows.synced_models().get(conflict.entity)
    row = session.get(model, conflict.entity_id) if model is not None else None
    key = (conflict.entity, conflict.entity_id)
    if row is None or row.server_version is None or key in pending:
        return theirs
    if row.server_version > (_server_version(conflict) or 0):
        return audit_safe(rows.snapshot(row))
    return theirs


HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "sha256", "content_hash",
                           "candidates_hash", "candidates", "params", "seed", "owner_kind"})
MAX_VALUE_CHARS = 300
EMPTY = "（空）"
REFERENCES = {"enterprise_id": "enterprise", "project_id": "project",
              "inspection_id": "inspection", "case_id": "abnormal_case",
              "member_id": "pool_member", "registration_id": "jilin_registration",
              "finding_id": "finding", "closed_by": "inspection", "reinspection_of": "inspection",
              "draw_id": "inspection_draw", "party_id": "project_party",
              "template_id": "checklist_template"}


def _fields(session: Session, entity: str, mine: dict[str, Any],
            theirs: dict[str, Any] | None) -> tuple[FieldChange, ...]:
    """Each field with a value on either side, in words: records by their name or number,
    times in China time; the fields that differ first."""
    keys = [k for k in mine if k not in HIDDEN_FIELDS]
    keys += [k for k in (theirs or {}) if k not in HIDDEN_FIELDS and k not in mine]
    out = []
    for key in keys:
        kind = next((s.kind for s in rows.column_specs(entity) if s.name == key), "str")
        owner = mine.get("owner_kind") or (theirs or {}).get("owner_kind")
        mine_text = readable(session, key, kind, mine.get(key), owner)
        their_text = (readable(session, key, kind, theirs.get(key), owner)
                      if theirs is not None else EMPTY)
        if mine_text == their_text == EMPTY:
            continue
        out.append(FieldChange(FIELD_NAMES.get(key, key), mine_text,
                               "—" if theirs is None else their_text,
                               theirs is not None and mine_text != their_text))
    return tuple(sorted(out, key=lambda f: not f.differs))


def readable(session: Session, key: str, kind: str, value: Any, owner: Any = None) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    target = REFERENCES.get(key) or (owner if key == "owner_id" else None)
    if isinstance(value, str) and isinstance(target, str) and target in rows.synced_models():
        row = session.get(rows.synced_models()[target], value)
        return record_title(target, rows.snapshot(row)) if row is not None else (
            f"{ENTITY_NAMES.get(target, '记录')}（本机尚无）")
    if kind == "datetime" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(CHINA)
            return f"{moment:%Y-%m-%d %H:%M}"
        except ValueError:
            pass
    if key == "division_code" and isinstance(value, str):
        return full_name(session, value) or value
    if key == "team" and isinstance(value, list):
        return "、".join(str(m.get("name", "")) for m in value if isinstance(m, dict)) or EMPTY
    if key == "finding_ids" and isinstance(value, list):
        return f"{len(value)} 个问题"
    if key == "value" and isinstance(value, str) and value.startswith("{"):
        value = key_posts.in_words(value) or value  # a key posts' sheet, not its JSON
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        value = "、".join(str(v) for v in value)
    elif isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def open_conflicts(store: Store) -> list[ConflictView]:
    with store.db.read() as session:
        pending = pending_keys(session)  # read once for the whole list
        return [_view(c, session, pending) for c in session.scalars(select(SyncConflict).where(
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
    """Write the user's changes again over the newest server copy this laptop holds, and
    send them again (only the fields the refused command changed)."""
    with change(ctx) as ch:
        conflict = _open(ch.session, conflict_id)
        view = _view(conflict)
        if not view.can_keep_mine:
            raise InvalidInput(view.why_not)
        theirs_version = _server_version(conflict)
        for row in conflict.mine:
            key = (row["entity"], row["id"])
            data, version = row["data"], row["base_version"]
            if key == (conflict.entity, conflict.entity_id):
                data, version = _mine_on_newest(ch.session, conflict, row, theirs_version)
                data = {**data, "updated_at": ch.now.isoformat()}  # decided now: it goes up
            _put(ch.session, row["entity"], row["id"], data, version)
            ch.whole.add(key)  # the server compares it with the version it names
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


def _mine_on_newest(session: Session, conflict: SyncConflict, row: dict[str, Any],
                    theirs_version: int | None) -> tuple[dict[str, Any], int | None]:
    """The refused row's own changes over the newest server copy known here (one pulled
    since the conflict, else the one the server sent back), and that copy's version."""
    model = rows.synced_models()[row["entity"]]
    local = session.get(model, row["id"])
    newest: dict[str, Any] = dict((conflict.theirs or {}).get("data") or {})
    version = theirs_version
    if local is not None and local.server_version is not None and theirs_version is not None \
            and local.server_version >= theirs_version:
        newest, version = audit_safe(rows.snapshot(local)), local.server_version
    mine = row["data"]
    fields = row.get("changed")
    if fields is None:  # the refused command made the record: its fields the command sets
        rule = catalogue.rule(conflict.command)
        write = rule.write(row["entity"]) if rule is not None else None
        owned = write.update if write is not None else frozenset()
        fields = [k for k in mine if k in owned and mine[k] != newest.get(k)]
    return {**newest, **{k: mine[k] for k in fields if k in mine}}, version


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
        elif here is not None and here.server_version is None and here.deleted_at is None:
            here.deleted_at = ch.now  # the server never had it; one it has comes back below
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
