"""The append-only audit log: each entry carries the hash of the one before it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.store.models import AuditEntry

GENESIS = "0" * 64
LAST_ENTRY = "jjg_audit_last_entry"


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, actor_role: str,
               actor_division: str, action: str, entity: str, entity_id: str,
               data: dict[str, Any]) -> str:
    body = canonical_json({
        "seq": seq, "at": at.isoformat(), "actor": actor, "role": actor_role,
        "division": actor_division, "action": action, "entity": entity,
        "entity_id": entity_id, "data": data,
    })
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.actor_role,
                      entry.actor_division, entry.action, entry.entity, entry.entity_id,
                      entry.data)


def append(session: Session, *, at: datetime, actor: str, actor_role: str, actor_division: str,
           action: str, entity: str, entity_id: str, data: dict[str, Any]) -> AuditEntry:
    """Add the next entry. The caller's write transaction holds the database lock."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    data = json.loads(canonical_json(data))
    entry = AuditEntry(seq=seq, at=at, actor=actor, actor_role=actor_role,
                       actor_division=actor_division, action=action, entity=entity,
                       entity_id=entity_id, data=data, prev_hash=prev)
    entry.hash = _hash_of(entry)
    session.add(entry)
    session.flush()
    session.info[LAST_ENTRY] = entry
    return entry


def add_to_last(session: Session, key: str, value: Any) -> bool:
    """Add ``key`` to the data of the entry this transaction appended last, which is still the
    head of the chain (its hash made again); False if the transaction appended none."""
    entry = session.info.get(LAST_ENTRY)
    if not isinstance(entry, AuditEntry) or entry not in session:
        return False
    entry.data = json.loads(canonical_json({**entry.data, key: value}))
    entry.hash = _hash_of(entry)
    session.flush()
    return True


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every hash; report the first entries whose content or order was changed."""
    problems: list[str] = []
    prev, expected_seq, count = GENESIS, 1, 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for entry in session.scalars(stmt):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"审计日志缺少第 {expected_seq} 条（下一条是第 {entry.seq} 条）")
        if entry.prev_hash != prev:
            problems.append(
                f"审计日志第 {entry.seq} 条与前一条的链接不符（前面的记录被改动或删除）"
            )
        if _hash_of(entry) != entry.hash:
            problems.append(f"审计日志第 {entry.seq} 条的内容与其哈希不符（记录被改动）")
        if len(problems) >= 20:
            break
        prev, expected_seq = entry.hash, entry.seq + 1
    return ChainReport(entries=count, problems=problems)
