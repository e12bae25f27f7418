"""Who may be told a file is here, and fetch it: whoever may see a record that refers to it,
or sent every byte of it themselves. Anyone else is told it is missing and must upload it
whole to prove they hold it."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from jjg_server import permissions
from jjg_server.auth import Caller
from jjg_server.store import FileRef, FileUploader, Record


def may_fetch(session: Session, caller: Caller, sha256: str) -> bool:
    if session.get(FileUploader, (sha256, caller.username)) is not None:
        return True
    referring = session.scalars(select(Record).join(FileRef, and_(
        FileRef.entity == Record.entity, FileRef.record_id == Record.record_id)).where(
        FileRef.sha256 == sha256))
    return any(permissions.may_see(caller, record) for record in referring)


def credit(session: Session, caller: Caller, sha256: str) -> None:
    """The caller sent the whole file and it hashed right."""
    if session.get(FileUploader, (sha256, caller.username)) is None:
        session.add(FileUploader(sha256=sha256, username=caller.username))
