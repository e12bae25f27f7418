"""Writing pulled records into the local tables, a page at a time.

After the server was restored from a backup, the versions this client had confirmed are kept
negative until the full re-download has seen them: a record the client holds in a newer
version than the restored server is kept (and sent again), an older one is replaced.

A record a pending local command also wrote keeps the local version: the command goes up
next and the server decides (this is how pending work is re-applied on top of pulled state).
Rows go in by table with executemany, not one ORM object at a time. A record whose parent
has not arrived (another page, another scope) is parked, never written, and retried with
every page, so a foreign key never stops a sync.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.models import OutboxCommand, ParkedChange
from jjg_desktop.store.synced_rows import VERSION_COLUMN

log = logging.getLogger(__name__)

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Incoming:
    entity: str
    id: str
    version: int
    deleted: bool
    data: dict[str, Any]


@dataclass(slots=True)
class Applied:
    written: int = 0
    kept_local: int = 0
    stale: int = 0
    parked: int = 0
    unknown: int = 0
    newer_here: list[tuple[str, str, int]] = field(default_factory=list)


def pending_keys(session: Session) -> set[Key]:
    """Records that commands not yet accepted by the server have written."""
    keys: set[Key] = set()
    for (written,) in session.execute(select(OutboxCommand.rows).where(
            OutboxCommand.state == "pending")):
        keys.update((r["entity"], r["id"]) for r in written)
    return keys


def apply_changes(session: Session, changes: Iterable[Incoming], *, now: datetime,
                  pending: set[Key]) -> Applied:
    """Write the newest version of each record; the caller's transaction commits it."""
    session.execute(text("PRAGMA defer_foreign_keys=ON"))
    result = Applied()
    newest: dict[Key, Incoming] = {}
    for change in [*_parked(session), *changes]:
        key = (change.entity, change.id)
        if change.entity not in rows.synced_models():
            result.unknown += 1
        elif key in pending:
            result.kept_local += 1
        elif key not in newest or newest[key].version < change.version:
            newest[key] = change
    by_entity: dict[str, list[Incoming]] = defaultdict(list)
    for change in newest.values():
        by_entity[change.entity].append(change)
    for entity in rows.synced_models():
        if entity in by_entity:
            result.written += _write(session, entity, by_entity[entity], now, result)
    return result


def _parked(session: Session) -> list[Incoming]:
    parked = [Incoming(p.entity, p.record_id, p.version, p.deleted, p.data)
              for p in session.scalars(select(ParkedChange))]
    if parked:
        session.execute(delete(ParkedChange))
    return parked


def _write(session: Session, entity: str, changes: list[Incoming], now: datetime,
           result: Applied) -> int:
    table = rows.synced_models()[entity].__table__
    ids = [c.id for c in changes]
    local: dict[str, int | None] = {}
    for start in range(0, len(ids), 500):
        local.update(session.execute(select(table.c.id, table.c[VERSION_COLUMN]).where(
            table.c.id.in_(ids[start:start + 500]))).all())
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    confirmed: list[dict[str, Any]] = []
    for change in changes:
        known = local.get(change.id)
        if known is not None and known < 0 and -known > change.version:
            confirmed.append({"_id": change.id, VERSION_COLUMN: change.version})
            result.newer_here.append((entity, change.id, change.version))
            continue
        if known is not None and known >= change.version:
            result.stale += 1
            continue
        values = _columns(entity, change, now)
        if change.id in local:
            updates.append(values)
        else:
            inserts.append(values | {k: v for k, v in rows.stored_defaults(entity).items()
                                     if k not in values})
    waiting = _without_parents(session, entity, inserts + updates)
    if waiting:
        by_id = {c.id: c for c in changes}
        for record_id in waiting:
            _park(session, by_id[record_id])
        inserts = [v for v in inserts if v["id"] not in waiting]
        updates = [v for v in updates if v["id"] not in waiting]
        result.parked += len(waiting)
    if confirmed:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("_id"))
            .values({VERSION_COLUMN: bindparam(VERSION_COLUMN)}), confirmed)
    written = 0
    name = table.name
    for shape in _shapes(inserts):
        columns = list(shape[0])
        sql = (f'INSERT INTO "{name}" ({", ".join(columns)}) '
               f'VALUES ({", ".join("?" for _ in columns)})')
        written += _execute(session, sql, [tuple(v[c] for c in columns) for v in shape],
                            entity, changes)
    for shape in _shapes(updates):
        columns = [c for c in shape[0] if c != "id"]
        sql = f'UPDATE "{name}" SET {", ".join(f"{c} = ?" for c in columns)} WHERE id = ?'
        written += _execute(session, sql, [(*(v[c] for c in columns), v["id"]) for v in shape],
                            entity, changes)
    return written


def _execute(session: Session, sql: str, params: list[tuple[Any, ...]], entity: str,
             changes: list[Incoming]) -> int:
    """All rows at once; if one clashes with a local unique value, the others still go in
    and the clashing one is parked (it is retried with every page)."""
    connection = session.connection()
    try:
        with session.begin_nested():
            connection.exec_driver_sql(sql, params)
        return len(params)
    except IntegrityError:
        pass
    by_id = {c.id: c for c in changes}
    written = 0
    for values in params:
        record_id = values[-1] if sql.startswith("UPDATE") else values[0]
        try:
            with session.begin_nested():
                connection.exec_driver_sql(sql, values)
            written += 1
        except IntegrityError as exc:
            log.warning("pulled %s/%s clashes with a local record (%s); parked",
                        entity, record_id, exc.orig)
            _park(session, by_id[record_id])
    return written


def _shapes(values: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped by the columns they carry (an older client may send fewer)."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for v in values:
        groups[frozenset(v)].append(v)
    return list(groups.values())


def _columns(entity: str, change: Incoming, now: datetime) -> dict[str, Any]:
    values = {"id": change.id} | rows.stored(entity, change.data)  # id first: _execute
    values[VERSION_COLUMN] = change.version
    if change.deleted and values.get("deleted_at") is None:
        values["deleted_at"] = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    return values


def _without_parents(session: Session, entity: str, values: list[dict[str, Any]]) -> set[str]:
    """The rows (by id) that point at a parent this laptop does not have: they wait, parked,
    and nothing already here is touched (parents of this page were written before, parents
    first; a row of the same table may point at another row of this batch)."""
    table = rows.synced_models()[entity].__table__
    batch = {v["id"] for v in values}
    waiting: set[str] = set()
    for fk in table.foreign_keys:
        column, parent = fk.parent.name, fk.column
        wanted = {v[column] for v in values if v.get(column) is not None}
        if parent.table is table:
            wanted -= batch
        present: set[Any] = set()
        listed = sorted(wanted, key=str)
        for start in range(0, len(listed), 900):
            present.update(session.scalars(select(parent).where(
                parent.in_(listed[start:start + 900]))))
        missing = wanted - present
        if missing:
            waiting.update(v["id"] for v in values if v.get(column) in missing)
    return waiting


def parked_reasons(session: Session) -> dict[str, int]:
    """Why the pulled records that wait are not written here, in words for people."""
    reasons: dict[str, int] = defaultdict(int)
    by_entity: dict[str, list[ParkedChange]] = defaultdict(list)
    for parked in session.scalars(select(ParkedChange)):
        by_entity[parked.entity].append(parked)
    for entity, waiting in by_entity.items():
        if entity not in rows.synced_models():
            reasons["本机程序版本过旧，不认识这类记录，请升级"] += len(waiting)
            continue
        values = [{"id": p.record_id} | rows.stored(entity, p.data) for p in waiting]
        orphans = _without_parents(session, entity, values)
        if orphans:
            reasons["所属的上级记录尚未下载到本机（可能不在您的查看范围内）"] += len(orphans)
        if len(waiting) > len(orphans):
            reasons["与本机已有记录的编号相同，待服务器重新编号后写入"] += (
                len(waiting) - len(orphans))
    return dict(reasons)


def _park(session: Session, change: Incoming) -> None:
    session.merge(ParkedChange(entity=change.entity, record_id=change.id,
                               version=change.version, deleted=change.deleted,
                               data=change.data))
