"""A command's rows become the next versions of their records, all or nothing.

Each row is checked before anything is written: a known entity in the client's format, one
the command may write, within the caller's division. Then the conflict rule: the command is
refused if anyone other than this client wrote one of its records after the version the row
was made on (a record the client creates must not exist already, unless this client made it).
Edits by the same client since that version are its own, not conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import RowChange
from jjg_server import entities, permissions, records
from jjg_server.auth import Caller, display_name
from jjg_server.placement import Key, Placement, Placer
from jjg_server.records import Rejected, Writer
from jjg_server.store import Record


@dataclass(slots=True)
class Planned:
    """One row as it will be written."""

    key: Key
    base: int | None
    deleted: bool
    data: dict[str, Any]
    record: Record | None
    place: Placement
    changed: frozenset[str] = frozenset()
    """The columns the client changed from the version it was based on."""


def validate(rows: list[RowChange]) -> None:
    """Refuse rows of unknown entities and repeated rows."""
    seen: set[Key] = set()
    for row in rows:
        if not entities.known(row.entity):
            raise Rejected(f"服务器不认识数据类型“{row.entity}”，请升级客户端后再同步")
        if (row.entity, row.id) in seen:
            raise Rejected(f"操作中重复提交了同一条{entities.label(row.entity)}，请升级客户端")
        seen.add((row.entity, row.id))
        if row.data.get("id", row.id) != row.id:
            raise Rejected(f"{entities.label(row.entity)}的编号与数据不一致，请升级客户端")


def checked_data(row: RowChange, record: Record | None,
                 based_on: dict[str, Any] | None) -> tuple[dict[str, Any], frozenset[str]]:
    """The row as it will be stored, and the columns the client changed.

    The client changed the columns where its row differs from the version it was based on
    (``based_on``; the stored record when the row is based on the latest version). Those go
    onto the stored record; whatever others changed since stays (fields are merged). Columns
    the row leaves out keep the stored values (a new record: its defaults), and every column
    must be of its entity's definition."""
    stored = record.data if record is not None else {}
    sent = entities.completed(row.entity, {**stored, **row.data, "id": row.id})
    reference = based_on if based_on is not None else stored
    if row.changed is not None and record is not None:
        changed = frozenset(k for k in row.changed if k in sent)  # what this command changed
    else:
        changed = frozenset(k for k in row.data if k in sent and reference.get(k) != sent[k])
    data = {**stored, **{k: sent[k] for k in changed}} if record is not None else sent
    data = entities.completed(row.entity, data)
    problems = entities.row_problems(row.entity, data)
    if problems:
        shown = "；".join(problems[:5]) + ("……" if len(problems) > 5 else "")
        raise Rejected(f"{entities.label(row.entity)}的数据无效（{shown}），请升级客户端")
    return data, changed


def plan(session: Session, caller: Caller, writer: Writer, rows: list[RowChange],
         implied: dict[Key, dict[str, Any]] | None = None) -> list[Planned]:
    """Check every row of the command against the records as the server holds them and
    place it; raise Rejected for the first bad one, ParentMissing for one that must wait.

    A row created on the client (no base version) for a record someone else already made
    (two laptops registering one enterprise) is judged as the creation it is, then refused
    as the conflict it is. ``implied`` are parents the command proves without sending them
    (an item's answer, named by its inspection and item, that holds only a photo)."""
    validate(rows)
    stored = {(r.entity, r.id): session.get(Record, (r.entity, r.id)) for r in rows}
    checked = {(r.entity, r.id): checked_data(r, stored[(r.entity, r.id)],
                                              _based_on(session, r, stored[(r.entity, r.id)]))
               for r in rows}
    datas = {key: data for key, (data, _changed) in checked.items()}
    for key, data in datas.items():
        record = stored[key]
        column = records.NUMBERED.get(key[0])
        if column and record is not None and record.data.get(column):
            data[column] = record.data[column]  # the server holds the document's number
    placer = Placer(session, division=caller.division_code, username=caller.username,
                    pending={**(implied or {}),
                             **{(r.entity, r.id): datas[(r.entity, r.id)] for r in rows
                                if not r.deleted}})
    planned = []
    for row in rows:
        key = (row.entity, row.id)
        record, data = stored[key], datas[key]
        place = placer.place(row.entity, row.id, data)
        collision = (record is not None and row.base_version is None and not record.deleted
                     and records.written_by_others(session, key, 0, writer) is not None)
        permissions.check_row(caller, writer.command, row.entity, data, row.deleted, place,
                              record, collision=collision)
        planned.append(Planned(key, row.base_version, row.deleted, data, record, place,
                               checked[key][1]))
        if collision:
            check_conflict(session, writer, planned[-1])
    return planned


def _based_on(session: Session, row: RowChange, record: Record | None) -> dict[str, Any] | None:
    """The record as it was at the version the row was based on, if that is an older one."""
    if record is None or row.base_version is None or row.base_version >= record.version:
        return None
    return records.data_at(session, (row.entity, row.id), row.base_version)


def check_conflicts(session: Session, writer: Writer, planned: list[Planned]) -> None:
    for p in planned:
        check_conflict(session, writer, p)


def unchanged(p: Planned) -> bool:
    """The row is what the server has already: nothing to write, nothing to conflict with."""
    return p.record is not None and p.record.deleted == p.deleted and p.record.data == p.data


def check_conflict(session: Session, writer: Writer, p: Planned) -> None:
    record = p.record
    if unchanged(p):
        return
    if record is None:
        if p.base is not None:
            raise Rejected(f"服务器上没有该{entities.label(p.key[0])}（您基于第 {p.base} 版），"
                           "可能服务器已从备份恢复，请同步后重试")
        return
    if p.base is None and record.deleted:
        return
    if p.base is not None and not p.deleted and not record.deleted:
        other = records.overlapping_write(session, p.key, p.base, writer, p.changed)
    else:
        other = records.written_by_others(session, p.key, p.base or 0, writer)
    if other is None:
        return
    who = display_name(session, other.username) or "服务器管理员"
    what = entities.label(p.key[0])
    if p.base is None:
        reason = f"服务器上已有同一条{what}（由{who}创建），请同步后查看"
    else:
        reason = (f"该{what}已在服务器上被{who}修改（服务器第 {record.version} 版，"
                  f"您基于第 {p.base} 版），请同步后查看最新内容再决定")
    raise Rejected(reason, current=records.current(record))


def write(session: Session, writer: Writer, planned: list[Planned], *,
          now: datetime) -> dict[Key, int]:
    """Write every planned row; a sealed inspection that is now unsealed shows its records
    to everyone in scope. Returns the new version of each record."""
    versions = {}
    for p in planned:
        if unchanged(p):
            assert p.record is not None
            versions[p.key] = p.record.version
            continue
        was_sealed = p.record is not None and p.record.audience is not None
        versions[p.key] = records.write(session, p.key, p.record, p.data, now=now,
                                        writer=writer, place=p.place, deleted=p.deleted)
        if p.key[0] == "inspection" and was_sealed and p.place.audience is None:
            records.republish_children(session, p.key, now=now)
    return versions

