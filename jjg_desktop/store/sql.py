"""Small pieces of SQL text the read models share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

SortOrder = Literal["asc", "desc"]


def in_list(prefix: str, values: Sequence[object]) -> tuple[str, dict[str, object]]:
    """Placeholders for `IN (...)` and their parameters: (':d0, :d1', {'d0': .., 'd1': ..})."""
    names = [f"{prefix}{n}" for n in range(len(values))]
    return ", ".join(":" + n for n in names), dict(zip(names, values, strict=True))


def direction(order: SortOrder) -> str:
    return "DESC" if order == "desc" else "ASC"


def page(select_ids: str, where: str, column: str, order: SortOrder, rowid: str) -> str:
    """One page of a list's ids, ordered by ``column`` and then by row (a stable order)."""
    d = direction(order)
    return (f"{select_ids} WHERE {where} ORDER BY {column} {d}, {rowid} {d} "
            "LIMIT :limit OFFSET :offset")
