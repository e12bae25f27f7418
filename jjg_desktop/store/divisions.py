"""The division reference list: loaded from db/reference on first start, and read back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules.divisions import DivisionRow, reference_rows
from jjg_desktop.store.models import Division

__all__ = ["DivisionRow", "full_name", "load_reference", "reference_rows"]


def load_reference(session: Session) -> int:
    """Insert or update every shipped division (parents first); returns how many changed."""
    existing = {d.code: d for d in session.scalars(select(Division))}
    changed = 0
    for row in sorted(reference_rows(), key=lambda r: r.level):
        values = {"name": row.name, "level": row.level, "parent_code": row.parent_code,
                  "kind": row.kind, "gb_parent_code": row.gb_parent_code}
        current = existing.get(row.code)
        if current is None:
            session.add(Division(code=row.code, **values))
            session.flush()
            changed += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            changed += 1
    return changed


def full_name(session: Session, code: str) -> str:
    """'吉林省 长春市 南关区' for a county code."""
    names: list[str] = []
    current: str | None = code
    while current is not None:
        d = session.get(Division, current)
        if d is None:
            break
        names.append(d.name)
        current = d.parent_code
    return " ".join(reversed(names))
