"""Writing synced records: compare-and-set on the version, one change-log row per change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from jjg_server.store import ChangeLog, Record


class Rejected(Exception):
    """The command is refused for good; ``reason`` is Chinese and shown to the user."""

    def __init__(self, reason: str, *, current: dict[str, Any] | None = None,
                 decided_by: str = "", decided_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason, self.current = reason, current
        self.decided_by, self.decided_at = decided_by, decided_at


class Raced(Exception):
    """Another transaction changed the record between reading and writing: decide again."""


def current(record: Record | None) -> dict[str, Any] | None:
    """The record as the server has it, as sent back with a rejection."""
    if record is None:
        return None
    return {"entity": record.entity, "id": record.record_id, "version": record.version,
            "deleted": record.deleted, "data": record.data,
            "updated_at": record.updated_at.isoformat()}


def write(session: Session, entity: str, record_id: str, record: Record | None,
          data: dict[str, Any], *, now: datetime, deleted: bool = False) -> int:
    """Store the next version of the record read as ``record`` (None: new) and log it.

    The version only moves from the one that was read: a concurrent writer makes this raise
    Raced (or IntegrityError for two creations), and the caller's transaction rolls back.
    """
    if record is None:
        version = 1
        session.add(Record(entity=entity, record_id=record_id, version=version,
                           deleted=deleted, data=data, updated_at=now))
        session.flush()
    else:
        version = record.version + 1
        moved = session.execute(
            update(Record)
            .where(Record.entity == entity, Record.record_id == record_id,
                   Record.version == record.version)
            .values(version=version, data=data, deleted=deleted, updated_at=now)
            .execution_options(synchronize_session=False))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Raced(f"{entity}/{record_id}")
        session.expire(record)
    session.add(ChangeLog(entity=entity, record_id=record_id, version=version, deleted=deleted,
                          data=data, committed_at=now))
    session.flush()
    return version
