"""Every synced record's state, sealed into the audit chain as the program writes it.

Each write transaction ends (`Database.write`) with one audit entry naming the digest of every
synced row it wrote: ORM changes, bulk statements of a sync, deletions. Temporary triggers on
this program's own connections note which rows a transaction touched; a tool writing the file
behind the program's back fires none of them. `db check` then compares each record with its
latest sealed digest, so a change made outside the program is named, and so is a record whose
seal went missing with entries cut from the end of the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jjg_desktop.rules.record_names import ENTITY_NAMES, record_title
from jjg_desktop.store import audit
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.models import AuditEntry

ROWS_KEY = "_rows"
"""The key of an entry's data that holds the digests of the rows its transaction wrote."""
SEAL_ACTION = "record.sealed"
BASELINE_ACTION = "record.baseline"
SEAL_ACTIONS = (SEAL_ACTION, BASELINE_ACTION)
_JOURNAL = "jjg_row_journal"
_INSTALLED = "jjg_seal_triggers"
_CHUNK = 500


def digest(entity: str, values: dict[str, Any]) -> str:
    body = audit.canonical_json(rows.snapshot_values(entity, values))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def _tables(session: Session) -> list[str]:
    present = set(session.scalars(text(
        "SELECT name FROM sqlite_master WHERE type = 'table'")))
    return [entity for entity in rows.synced_models() if entity in present]


def begin(session: Session) -> None:
    """Make sure this connection notes the rows its transactions touch. Once its triggers
    are seen in place at the start of a transaction they were committed, and stay for the
    connection's life: later transactions ask nothing."""
    connection = session.connection()
    if connection.info.get(_INSTALLED):
        return
    tables = _tables(session)
    installed = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger'").scalar()
    if installed == 3 * len(tables):
        connection.info[_INSTALLED] = True
        return
    # as the driver's SQL: parsed for bind parameters by text(), the 66 statements took ~70 ms
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {_JOURNAL} "
        "(entity TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (entity, id))")
    for entity in tables:
        # a change of the server version alone (a push acknowledged) changes no record
        columns = ", ".join(f"\"{c.name}\"" for c in rows.column_specs(entity))
        for event, ref in (("INSERT", "NEW"), (f"UPDATE OF {columns}", "NEW"),
                           ("DELETE", "OLD")):
            connection.exec_driver_sql(
                f"CREATE TEMP TRIGGER IF NOT EXISTS jjg_seal_{entity}_{event[:6].lower()} "
                f"AFTER {event} ON main.{entity} BEGIN "
                f"INSERT OR IGNORE INTO {_JOURNAL} VALUES ('{entity}', {ref}.id); END")


def finish(session: Session) -> None:
    """Seal the rows this transaction wrote: one audit entry with each one's digest."""
    session.flush()
    connection = session.connection()
    touched = connection.exec_driver_sql(f"SELECT entity, id FROM {_JOURNAL}").all()
    if not touched:
        return
    by_entity: dict[str, list[str]] = {}
    for entity, record_id in touched:
        by_entity.setdefault(entity, []).append(record_id)
    sealed: dict[str, str | None] = {}
    stamps: list[datetime] = []
    for entity, ids in by_entity.items():
        found = dict(_digests(session, entity, ids, stamps))
        sealed.update({f"{entity}:{i}": found.get(i) for i in ids})
    if not audit.add_to_last(session, ROWS_KEY, sealed):
        _append(session, SEAL_ACTION, sealed, stamps)
    connection.exec_driver_sql(f"DELETE FROM {_JOURNAL}")


def _digests(session: Session, entity: str, ids: list[str] | None = None,
             stamps: list[datetime] | None = None) -> Iterator[tuple[str, str]]:
    table = rows.synced_models()[entity].__table__
    chunks: Iterable[list[str] | None] = (
        [ids[n:n + _CHUNK] for n in range(0, len(ids), _CHUNK)] if ids is not None else [None])
    for chunk in chunks:
        query = select(table)
        if chunk is not None:
            query = query.where(table.c.id.in_(chunk))
        for values in session.execute(query).mappings():
            if stamps is not None and isinstance(values.get("updated_at"), datetime):
                stamps.append(values["updated_at"])
            yield values["id"], digest(entity, dict(values))


def _append(session: Session, action: str, sealed: dict[str, str | None],
            stamps: list[datetime]) -> None:
    """A seal of its own, dated by the newest change it seals (a sync brings others' work)."""
    at = max(stamps) if stamps else datetime.now(UTC).replace(tzinfo=None)
    audit.append(session, at=at, actor="", actor_role="",
                 actor_division="", action=action, entity="", entity_id="",
                 data={ROWS_KEY: sealed})


def baseline(session: Session) -> int:
    """Seal every synced record as it is, once, for a database made before records were
    sealed (or a new one): how many."""
    if session.scalar(select(AuditEntry.seq).limit(1)) is not None and not _pre_seal(session):
        return 0
    stamps: list[datetime] = []
    sealed: dict[str, str | None] = {
        f"{entity}:{record_id}": d for entity in _tables(session)
        for record_id, d in _digests(session, entity, stamps=stamps)}
    if sealed:
        _append(session, BASELINE_ACTION, sealed, stamps)
    return len(sealed)


def _pre_seal(session: Session) -> bool:
    """The log was written before records were sealed: no entry holds digests."""
    return session.scalar(text(
        "SELECT seq FROM audit_log WHERE action IN (:seal, :baseline) OR data LIKE :rows "
        "ORDER BY seq DESC LIMIT 1"),
        {"seal": SEAL_ACTION, "baseline": BASELINE_ACTION, "rows": f'%"{ROWS_KEY}"%'}) is None


@dataclass(frozen=True, slots=True)
class Unsealed:
    """A record whose state no entry of the audit log accounts for."""

    entity: str
    record_id: str
    title: str
    kind: str  # "changed", "unknown" (never sealed) or "deleted"

    def describe(self) -> str:
        return {"changed": f"{self.title}在本程序之外被修改（与审计日志记录的最后状态不符）",
                "unknown": f"{self.title}不是由本程序写入的（审计日志中没有它）",
                "deleted": f"一条{self.title}在本程序之外被删除"}[self.kind]


def unsealed(session: Session) -> list[Unsealed]:
    """Every record whose current state differs from its latest seal."""
    latest: dict[str, str | None] = {}
    entries = select(AuditEntry.data).order_by(AuditEntry.seq).execution_options(
        yield_per=500)
    for data in session.scalars(entries):
        sealed = data.get(ROWS_KEY) if isinstance(data, dict) else None
        if isinstance(sealed, dict):
            latest.update(sealed)
    if not latest:
        return []
    found: list[Unsealed] = []
    for entity in _tables(session):
        table = rows.synced_models()[entity].__table__
        seen: set[str] = set()
        for values in session.execute(select(table)).mappings():
            key = f"{entity}:{values['id']}"
            seen.add(key)
            sealed = latest.get(key, "missing")
            if sealed != digest(entity, dict(values)):
                found.append(Unsealed(entity, values["id"], record_title(entity, dict(values)),
                                      "unknown" if sealed == "missing" else "changed"))
        found.extend(Unsealed(entity, key.split(":", 1)[1], ENTITY_NAMES.get(entity, entity),
                              "deleted")
                     for key, d in latest.items()
                     if d is not None and key.startswith(f"{entity}:") and key not in seen)
    return found
