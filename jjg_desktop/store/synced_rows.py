"""Synced records as the wire carries them: a row's columns as JSON, and back.

Every table with the `Synced` columns is a sync entity named by its table. A row travels as
all its columns but ``server_version`` (that is the record's version on the server): dates and
times as ISO text (times are naive UTC), JSON columns as they are.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    String,
    event,
    inspect,
)
from sqlalchemy.orm import Session

from jjg_desktop.store import models  # noqa: F401  (every mapped class registered)
from jjg_desktop.store.base import Base, Synced
from jjg_desktop.store.base import natural_id as natural_id  # the server places photos by it

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
    return snapshot_values(entity, {name: getattr(row, name) for name, _ in _columns(entity)})


def snapshot_values(entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`snapshot` of a row read as column values (a Core select of its table)."""
    data: dict[str, Any] = {}
    for name, kind in _columns(entity):
        value = values[name]
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


INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """What a column accepts in a row's JSON."""

    name: str
    kind: str
    """str, int, float, decimal, bool, date, datetime, list, dict or json."""
    nullable: bool
    length: int | None
    default: Any
    """The JSON value a row without this column takes (``MISSING``: none, it is required)."""


MISSING = object()


def _json_shape(model: type, name: str) -> str:
    for klass in model.__mro__:
        hint = getattr(klass, "__annotations__", {}).get(name)
        if isinstance(hint, str):
            inner = hint.removeprefix("Mapped[")
            return "list" if inner.startswith("list") else (
                "dict" if inner.startswith("dict") else "json")
    return "json"


def _kind(model: type, name: str, column_type: object) -> str:
    if isinstance(column_type, DateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, JSON):
        return _json_shape(model, name)
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Float):
        return "float"
    if isinstance(column_type, Numeric):
        return "decimal"
    if isinstance(column_type, Integer):
        return "int"
    return "str"


@cache
def column_specs(entity: str) -> tuple[ColumnSpec, ...]:
    """Every column a row of ``entity`` carries, with what it accepts."""
    model = synced_models()[entity]
    specs = []
    for attr in inspect(model).column_attrs:
        column = attr.columns[0]
        if column.key == VERSION_COLUMN:
            continue
        default: Any = MISSING
        if column.default is not None and column.default.is_scalar:
            default = column.default.arg  # type: ignore[attr-defined]
        elif column.default is not None and column.default.is_callable and attr.key != "id":
            default = column.default.arg(None)  # type: ignore[attr-defined]
        elif column.nullable:
            default = None
        if isinstance(default, date | datetime):
            default = default.isoformat()
        length = column.type.length if isinstance(column.type, String) else None
        specs.append(ColumnSpec(attr.key, _kind(model, attr.key, column.type),
                                bool(column.nullable), length, default))
    return tuple(specs)


def completed(entity: str, data: dict[str, Any]) -> dict[str, Any]:
    """The row with the columns it leaves out as a new record would have them (an older
    client's row); required columns stay missing."""
    out = dict(data)
    for spec in column_specs(entity):
        if spec.name not in out and spec.default is not MISSING:
            out[spec.name] = copy.deepcopy(spec.default)
    return out


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere inside a JSON value."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def _value_problem(spec: ColumnSpec, value: Any) -> str | None:
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str):
            return "应为文字"
        if spec.length is not None and len(value) > spec.length:
            return f"超过 {spec.length} 个字符"
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数"
        return None if INT64[0] <= value <= INT64[1] else "超出整数范围"
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "应为数字"
        return None if math.isfinite(value) and abs(value) < 1e300 else "应为有限的数字"
    if kind == "decimal":
        text = value if isinstance(value, str) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = repr(value)
        try:
            number = float(text) if text is not None else math.nan
        except ValueError:
            number = math.nan
        return None if math.isfinite(number) and abs(number) < 1e15 else "应为有限的数字"
    if kind == "bool":
        return None if isinstance(value, bool) else "应为是或否"
    if kind in ("date", "datetime"):
        if not isinstance(value, str) or len(value) > 32:
            return "日期格式无效"
        try:
            if kind == "date":
                date.fromisoformat(value)
            elif datetime.fromisoformat(value).tzinfo is not None:
                return "时间应为不带时区的协调世界时"
        except ValueError:
            return "日期格式无效"
        return None
    if kind == "list" and not isinstance(value, list):
        return "应为列表"
    if kind == "dict" and not isinstance(value, dict):
        return "应为对象"
    return None if _finite(value) else "含有无效的数字（NaN 或无穷大）"


def row_problems(entity: str, data: dict[str, Any]) -> list[str]:
    """What makes the row unfit to be stored as a record of ``entity``, column by column:
    unknown or missing columns, a required column left empty, a value of the wrong type, too
    long, not finite, or a date not as the client writes it."""
    specs = {s.name: s for s in column_specs(entity)}
    problems = [f"未知字段 {name}" for name in data if name not in specs]
    for name, spec in specs.items():
        if name not in data:
            problems.append(f"缺少字段 {name}")
            continue
        value = data[name]
        if value is None:
            if not spec.nullable:
                problems.append(f"字段 {name} 不能为空")
            continue
        problem = _value_problem(spec, value)
        if problem:
            problems.append(f"字段 {name} {problem}")
    return problems


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
    originals: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    """Each row as it was before the transaction (None: the transaction made it)."""

    def note(self, row: object, *, removed: bool = False, new: bool = False) -> None:
        entity = entity_of(row)
        if entity is None:
            return
        assert isinstance(row, Synced)
        key = (entity, row.id)
        if key not in self.rows:
            self.rows[key] = row
            self.bases[key] = row.server_version
            self.originals[key] = None if new else _committed(entity, row)
        if removed:
            self.removed.add(key)


def _committed(entity: str, row: Synced) -> dict[str, Any]:
    """The row's columns as the database holds them (before this flush's changes)."""
    state = inspect(row)
    data: dict[str, Any] = {}
    for name, kind in _columns(entity):
        history = state.attrs[name].history
        value = (history.deleted[0] if history.deleted
                 else history.unchanged[0] if history.unchanged else getattr(row, name))
        if value is not None and kind in ("date", "datetime"):
            value = value.isoformat()
        data[name] = value
    return data


@contextmanager
def tracking(session: Session) -> Iterator[Touched]:
    """Note every synced row the session inserts, changes or deletes inside the block."""
    touched = Touched()

    def before_flush(sess: Session, _context: Any, _instances: Any) -> None:
        for row in sess.new:
            touched.note(row, new=True)
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
