"""The audit chain's head as the provincial server acknowledged it: each push carries the
laptop's head, the server keeps it, and the laptop keeps what the server acknowledged. A chain
that is later shorter than that, or different up to that entry, was cut or rewritten."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.store.models import AuditEntry, LocalSetting

ANCHOR_KEY = "sync.audit_anchor"


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str


def head(session: Session) -> Head | None:
    """The newest entry of the chain."""
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(
        AuditEntry.seq.desc()).limit(1)).first()
    return Head(last[0], last[1]) if last else None


def hash_at(session: Session, seq: int) -> str | None:
    return session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq))


def acknowledged(session: Session) -> Head | None:
    setting = session.get(LocalSetting, ANCHOR_KEY)
    value = setting.value if setting is not None else None
    if not isinstance(value, dict):
        return None
    seq, digest = value.get("seq"), value.get("hash")
    return Head(seq, digest) if isinstance(seq, int) and isinstance(digest, str) else None


def remember(session: Session, anchored: Head) -> None:
    """The server now holds ``anchored`` as this laptop's head."""
    setting = session.get(LocalSetting, ANCHOR_KEY)
    value = {"seq": anchored.seq, "hash": anchored.hash}
    if setting is None:
        session.add(LocalSetting(key=ANCHOR_KEY, value=value))
    else:
        setting.value = value


def problems(session: Session) -> list[str]:
    """How the chain departs from what the server acknowledged (Chinese), if it does."""
    anchored = acknowledged(session)
    if anchored is None:
        return []
    current = head(session)
    if current is None or current.seq < anchored.seq:
        have = current.seq if current else 0
        return [f"审计日志被截短：省级服务器已确认到第 {anchored.seq} 条，本机只有 {have} 条"]
    if hash_at(session, anchored.seq) != anchored.hash:
        return [f"审计日志被改写：第 {anchored.seq} 条及之前的内容与省级服务器确认的不符"]
    return []
