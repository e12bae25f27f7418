"""One way to run a read model's SQL: on an ORM session, or on a plain `sqlite3` connection.

The first paint reads the 工作台 before SQLAlchemy is imported; the read models it uses take
either (`Reader`) and run the same SQL text, with `:name` parameters, through these helpers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Reader: TypeAlias = "Session | sqlite3.Connection"
Params = Mapping[str, object]


def rows(db: Reader, sql: str, params: Params | None = None) -> list[Sequence[Any]]:
    if isinstance(db, sqlite3.Connection):
        return db.execute(sql, dict(params or {})).fetchall()
    from sqlalchemy import text  # loaded long before any session exists

    result = db.execute(text(sql), dict(params or {}))
    return list(result.all()) if result.returns_rows else []


def column(db: Reader, sql: str, params: Params | None = None) -> list[Any]:
    return [r[0] for r in rows(db, sql, params)]


def value(db: Reader, sql: str, params: Params | None = None) -> Any:
    """The first column of the first row, or None when there is no row."""
    found = rows(db, sql, params)
    return found[0][0] if found else None
