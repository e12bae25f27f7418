"""Each laptop's audit chain, anchored: a push carries the laptop's head and its entry at the
head the server holds; a log shorter than that, or different up to it, is recorded as an alert
(and told to the laptop). The server then holds the new head."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import AuditHead, AuditProof
from jjg_server.auth import Caller
from jjg_server.store import AuditAlert, AuditAnchor

log = logging.getLogger(__name__)

_RESTORED = "；如该电脑从备份恢复过数据，这是预期的，否则请核查"


def _problem(held: AuditAnchor, proof: AuditProof) -> str:
    if proof.head.seq < held.seq:
        return (f"审计日志被截短：服务器已确认到第 {held.seq} 条，该电脑现只有 "
                f"{proof.head.seq} 条{_RESTORED}")
    if proof.anchored is None or proof.anchored.seq != held.seq:
        return f"该电脑未能出示服务器已确认的第 {held.seq} 条审计日志{_RESTORED}"
    if proof.anchored.hash != held.hash:
        return f"审计日志被改写：第 {held.seq} 条及之前的内容与服务器确认的不符{_RESTORED}"
    return ""


def receive(session: Session, caller: Caller, proof: AuditProof | None, *,
            now: datetime) -> tuple[AuditHead | None, str]:
    """Check ``proof`` against the head held for the caller's laptop and hold its new head:
    (the head now held, what is wrong with the log or "")."""
    held = session.get(AuditAnchor, caller.client_id)
    if proof is None:  # a client from before anchoring
        return (AuditHead(seq=held.seq, hash=held.hash) if held else None), ""
    problem = _problem(held, proof) if held is not None else ""
    if problem:
        session.add(AuditAlert(client_id=caller.client_id, username=caller.username,
                               detail=problem[:500], at=now))
        log.warning("audit log of client %s (%s): %s", caller.client_id, caller.username,
                    problem)
    if held is None:
        held = AuditAnchor(client_id=caller.client_id)
        session.add(held)
    held.username, held.seq, held.hash = caller.username, proof.head.seq, proof.head.hash
    held.received_at = now
    return AuditHead(seq=held.seq, hash=held.hash), problem


def alerts(session: Session) -> list[AuditAlert]:
    return list(session.scalars(select(AuditAlert).order_by(AuditAlert.id)))
