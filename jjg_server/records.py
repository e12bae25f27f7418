"""Writing synced records: compare-and-set on the version, one change-log row per change,
appended in commit order."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, text, update
from sqlalchemy.orm import Session

from jjg_desktop.rules.inspection import next_free_number
from jjg_server import entities
from jjg_server.placement import Key, Placement
from jjg_server.store import ChangeAudience, ChangeLog, FileRef, Record, RecordNumber

# PostgreSQL: held from before a transaction's first change until it commits, so change-log
# sequence numbers are taken in commit order (a pull never passes a change still to commit).
COMMIT_ORDER_LOCK = 0x4A4A4753
_LOCK_HELD = "jjg_commit_order_lock"


class Rejected(Exception):
    """The command is refused for good; ``reason`` is Chinese and shown to the user."""

    def __init__(self, reason: str, *, current: dict[str, Any] | None = None,
                 decided_by: str = "", decided_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason, self.current = reason, current
        self.decided_by, self.decided_at = decided_by, decided_at


class Raced(Exception):
    """Another transaction changed the record between reading and writing: decide again."""


@dataclass(frozen=True, slots=True)
class Writer:
    """Who made a change: conflicts are judged by the client, pulls show nothing of it."""

    client_id: str
    username: str
    command: str


def current(record: Record | None) -> dict[str, Any] | None:
    """The record as the server has it, as sent back with a rejection."""
    if record is None:
        return None
    return {"entity": record.entity, "id": record.record_id, "version": record.version,
            "deleted": record.deleted, "data": record.data,
            "updated_at": record.updated_at.isoformat()}


def hold_commit_order(session: Session) -> None:
    """Take the commit-order lock once per transaction (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if session.info.get(_LOCK_HELD) is transaction:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COMMIT_ORDER_LOCK})
    session.info[_LOCK_HELD] = transaction


def written_by_others(session: Session, key: Key, after: int,
                      writer: Writer) -> ChangeLog | None:
    """The first change of the record after version ``after`` that anyone but this user on
    this client made."""
    return session.scalars(select(ChangeLog).where(
        ChangeLog.entity == key[0], ChangeLog.record_id == key[1], ChangeLog.version > after,
        or_(ChangeLog.client_id != writer.client_id, ChangeLog.username != writer.username))
        .order_by(ChangeLog.seq).limit(1)).first()


def data_at(session: Session, key: Key, version: int) -> dict[str, Any] | None:
    """The record's data as it was at ``version`` (None if the log has no such version)."""
    return session.scalars(select(ChangeLog.data).where(
        ChangeLog.entity == key[0], ChangeLog.record_id == key[1],
        ChangeLog.version == version).order_by(ChangeLog.seq).limit(1)).first()


def overlapping_write(session: Session, key: Key, after: int, writer: Writer,
                      columns: frozenset[str]) -> ChangeLog | None:
    """The first change after version ``after``, by anyone but this user on this client, of
    one of ``columns`` (the fields two people changed both: a conflict; others are merged)."""
    wanted = columns - {"updated_at"}
    previous = data_at(session, key, after)
    if previous is None:
        return written_by_others(session, key, after, writer)
    for change in session.scalars(select(ChangeLog).where(
            ChangeLog.entity == key[0], ChangeLog.record_id == key[1],
            ChangeLog.version > after).order_by(ChangeLog.seq)):
        touched = {k for k in set(previous) | set(change.data)
                   if previous.get(k) != change.data.get(k)}
        if (change.client_id, change.username) != (writer.client_id, writer.username) and (
                touched & wanted or change.deleted):
            return change
        previous = change.data
    return None


def write(session: Session, key: Key, record: Record | None, data: dict[str, Any], *,
          now: datetime, writer: Writer, place: Placement, deleted: bool = False) -> int:
    """Store the next version of the record read as ``record`` (None: new) and log it.

    The version only moves from the one that was read: a concurrent writer makes this raise
    Raced (or IntegrityError for two creations), and the caller's transaction rolls back.
    """
    hold_commit_order(session)
    entity, record_id = key
    if entity in NUMBERED and not deleted:
        data = hold_number(session, key, data, NUMBERED[entity])
    audience = list(place.audience) if place.audience is not None else None
    parent_entity, parent_id = place.parent or (None, None)
    if record is None:
        version = 1
        session.add(Record(entity=entity, record_id=record_id, version=version,
                           deleted=deleted, data=data, updated_at=now, scope=place.scope,
                           audience=audience, parent_entity=parent_entity,
                           parent_id=parent_id))
        session.flush()
    else:
        version = record.version + 1
        moved = session.execute(
            update(Record)
            .where(Record.entity == entity, Record.record_id == record_id,
                   Record.version == record.version)
            .values(version=version, data=data, deleted=deleted, updated_at=now,
                    scope=place.scope, audience=audience, parent_entity=parent_entity,
                    parent_id=parent_id)
            .execution_options(synchronize_session=False))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Raced(f"{entity}/{record_id}")
        session.expire(record)
    _log(session, entity, record_id, version, deleted, data, now, writer, place.scope,
         audience)
    _refer_files(session, key, data)
    return version


def _refer_files(session: Session, key: Key, data: dict[str, Any]) -> None:
    """Keep which files the record refers to (who may fetch a file follows from them)."""
    for sha in entities.file_hashes(key[0], data):
        if session.get(FileRef, (sha, *key)) is None:
            session.add(FileRef(sha256=sha, entity=key[0], record_id=key[1]))
            session.flush()


def _log(session: Session, entity: str, record_id: str, version: int, deleted: bool,
         data: dict[str, Any], now: datetime, writer: Writer, scope: str,
         audience: list[str] | None) -> None:
    change = ChangeLog(entity=entity, record_id=record_id, version=version, deleted=deleted,
                       data=data, committed_at=now, client_id=writer.client_id,
                       username=writer.username, command=writer.command, scope=scope,
                       audience=audience)
    session.add(change)
    session.flush()
    if audience is not None:
        session.add_all(ChangeAudience(seq=change.seq, username=name) for name in audience)
        session.flush()


def republish_children(session: Session, parent: Key, *, now: datetime) -> int:
    """The parent is no longer sealed: every record under it that had an audience is logged
    again (same version, same writer) for everyone in its scope. Returns how many."""
    hold_commit_order(session)
    count = 0
    queue: deque[Key] = deque([parent])
    while queue:
        entity, record_id = queue.popleft()
        for child in session.scalars(select(Record).where(
                Record.parent_entity == entity, Record.parent_id == record_id)):
            queue.append((child.entity, child.record_id))
            if child.audience is None:
                continue
            original = session.scalars(select(ChangeLog).where(
                ChangeLog.entity == child.entity, ChangeLog.record_id == child.record_id,
                ChangeLog.version == child.version).order_by(ChangeLog.seq).limit(1)).first()
            writer = (Writer(original.client_id, original.username, original.command)
                      if original is not None else Writer("", "", "republish"))
            child.audience = None
            _log(session, child.entity, child.record_id, child.version, child.deleted,
                 child.data, now, writer, child.scope, None)
            count += 1
    return count


def has_record(session: Session, key: Key) -> bool:
    return bool(session.scalar(select(exists().where(
        Record.entity == key[0], Record.record_id == key[1]))))


NUMBERED = {"inspection": "number", "rectification_notice": "number",
            "jilin_registration": "registration_no", "verification": "number"}
"""Records that carry a document number, and its column: one number, one record,
province-wide."""


def hold_number(session: Session, key: Key, data: dict[str, Any],
                column: str) -> dict[str, Any]:
    """The record's data with the document number it may hold.

    Two laptops numbering offline from the same last number make the same number: the
    first record to reach the server keeps it, the other gets the next free number of the
    series (and keeps that one as long as it lives); its laptop receives it with the next pull.
    """
    number = data.get(column)
    if not isinstance(number, str) or not number:
        return data
    entity, record_id = key
    holder = session.get(RecordNumber, (entity, number))
    if holder is not None and holder.record_id != record_id:
        own = session.scalars(select(RecordNumber.number).where(
            RecordNumber.entity == entity, RecordNumber.record_id == record_id)).first()
        if own is None:
            prefix = number[:number.find("〕") + 1]
            taken = session.scalars(select(RecordNumber.number).where(
                RecordNumber.entity == entity,
                RecordNumber.number.startswith(prefix, autoescape=True)))
            own = next_free_number(number, taken)
            if own is None:
                raise Rejected(f"编号“{number}”已被另一条记录使用，请更换编号")
            session.add(RecordNumber(entity=entity, number=own, record_id=record_id))
            session.flush()
        return {**data, column: own}
    session.execute(delete(RecordNumber).where(RecordNumber.entity == entity,
                                               RecordNumber.record_id == record_id,
                                               RecordNumber.number != number))
    if holder is None:
        session.add(RecordNumber(entity=entity, number=number, record_id=record_id))
        session.flush()
    return data
