"""Synced records as the wire carries them: a row's columns as JSON, and back.

Every table with the `Synced` columns is a sync entity named by its table. A row travels as
all its columns but ``server_version`` (that is the record's version on the server): dates and
times as ISO text (times are naive UTC), JSON columns as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, event, inspect
from sqlalchemy.orm import Session

from jjg_desktop.store import models  # noqa: F401  (every mapped class registered)
from jjg_desktop.store.base import Base, Synced

VERSION_COLUMN = "server_version"
FILE_ENTITIES = ("attachment", "signature")


@cache
def synced_models() -> dict[str, type[Synced]]:
    """Every synced entity by name (its table), in an order where parents come first."""
    by_table = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers
                if issubclass(m.class_, Synced)}
    ordered = [t.name for t in Base.metadata.sorted_tables if t.name in by_table]
    return {name: by_table[name] for name in ordered}


def entity_of(row: object) -> str | None:
    name = getattr(row, "__tablename__", None)
    return name if isinstance(row, Synced) and name in synced_models() else None


@cache
def _columns(entity: str) -> tuple[tuple[str, str], ...]:
    """(name, kind) of every column but the version; kind: date, datetime or plain.

    Synced models name their attributes as their columns, so one name serves both.
    """
    result = []
    for attr in inspect(synced_models()[entity]).column_attrs:
        column = attr.columns[0]
        if column.key == VERSION_COLUMN:
            continue
        kind = ("datetime" if isinstance(column.type, DateTime)
                else "date" if isinstance(column.type, Date)
                else "json" if isinstance(column.type, JSON)
                else "bool" if isinstance(column.type, Boolean) else "plain")
        result.append((attr.key, kind))
    return tuple(result)


def snapshot(row: Synced) -> dict[str, Any]:
    """The row's columns as JSON-ready values (the version left out)."""
    entity = entity_of(row)
    if entity is None:
        raise ValueError(f"{type(row).__name__} is not a synced record")
    data: dict[str, Any] = {}
    for name, kind in _columns(entity):
        value = getattr(row, name)
        if value is not None and kind in ("date", "datetime"):
            value = value.isoformat()
        data[name] = value
    return data


def decode(entity: str, data: dict[str, Any]) -> dict[str, Any]:
    """Column values from a row's JSON (unknown keys ignored)."""
    values: dict[str, Any] = {}
    for name, kind in _columns(entity):
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str) and kind == "datetime":
            value = datetime.fromisoformat(value)
            if value.tzinfo is not None:
                raise ValueError(f"{entity}.{name}: times must be naive UTC")
        elif isinstance(value, str) and kind == "date":
            value = date.fromisoformat(value)
        values[name] = value
    return values


def _stored_time(value: str, where: str) -> str:
    """ISO text as SQLAlchemy keeps a SQLite DATETIME: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    if len(value) == 26 and value[10] == "T":
        return f"{value[:10]} {value[11:]}"
    if len(value) == 19 and value[10] == "T":
        return f"{value[:10]} {value[11:]}.000000"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        raise ValueError(f"{where}: times must be naive UTC")
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


@cache
def stored_defaults(entity: str) -> dict[str, Any]:
    """What SQLAlchemy would fill in for columns a row leaves out (an older client's row)."""
    out: dict[str, Any] = {}
    for attr in inspect(synced_models()[entity]).column_attrs:
        default = attr.columns[0].default
        if default is None or attr.key == "id":
            continue
        if default.is_scalar:
            value = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:
            value = default.arg(None)  # type: ignore[attr-defined]
        else:
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        out[attr.key] = value
    return stored(entity, out)


def stored(entity: str, data: dict[str, Any]) -> dict[str, Any]:
    """Column values as SQLite stores them, straight from a row's JSON (unknown keys ignored):
    what ``decode`` then SQLAlchemy's type processing would give, without either."""
    values: dict[str, Any] = {}
    for name, kind in _columns(entity):
        if name not in data:
            continue
        value = data[name]
        if value is not None:
            if kind == "datetime":
                value = _stored_time(value, f"{entity}.{name}")
            elif kind == "date":
                value = date.fromisoformat(value).isoformat()
            elif kind == "json":
                value = json.dumps(value, ensure_ascii=False)
            elif kind == "bool":
                value = int(bool(value))
        values[name] = value
    return values


def file_hashes(entity: str, data: dict[str, Any]) -> list[str]:
    """The attachment-store files a row refers to."""
    sha = data.get("sha256") if entity in FILE_ENTITIES else None
    return [sha] if isinstance(sha, str) else []


@dataclass(slots=True)
class Touched:
    """The synced rows a transaction wrote, in the order it first wrote them."""

    rows: dict[tuple[str, str], Synced] = field(default_factory=dict)
    bases: dict[tuple[str, str], int | None] = field(default_factory=dict)
    removed: set[tuple[str, str]] = field(default_factory=set)

    def note(self, row: object, *, removed: bool = False) -> None:
        entity = entity_of(row)
        if entity is None:
            return
        assert isinstance(row, Synced)
        key = (entity, row.id)
        if key not in self.rows:
            self.rows[key] = row
            self.bases[key] = row.server_version
        if removed:
            self.removed.add(key)


@contextmanager
def tracking(session: Session) -> Iterator[Touched]:
    """Note every synced row the session inserts, changes or deletes inside the block."""
    touched = Touched()

    def before_flush(sess: Session, _context: Any, _instances: Any) -> None:
        for row in sess.new:
            touched.note(row)
        for row in sess.dirty:
            if sess.is_modified(row, include_collections=False):
                touched.note(row)
        for row in sess.deleted:
            touched.note(row, removed=True)

    event.listen(session, "before_flush", before_flush)
    try:
        yield touched
    finally:
        event.remove(session, "before_flush", before_flush)
