"""The province's divisions as the three-level linkage knows them (`db/reference/divisions.csv`):
who lies under whom, at which tier. Both ends read this one table: the laptop for its lists and
case steps, the server for accounts and scope. A user's scope is their division's subtree, so
梅河口市 (a county-level city the province addresses directly) is not under 通化市, and the
management committees (长白山管委会, 长春新区, 中韩（长春）国际合作示范区) have scopes of their own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from jjg_desktop.paths import shipped

PROVINCE_CODE = "220000"


@dataclass(frozen=True, slots=True)
class DivisionRow:
    code: str
    name: str
    level: int
    parent_code: str | None
    kind: str
    gb_parent_code: str | None


@cache
def reference_rows() -> tuple[DivisionRow, ...]:
    with (shipped("db") / "reference" / "divisions.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            DivisionRow(code=r["code"], name=r["name"], level=int(r["level"]),
                        parent_code=r["parent_code"] or None, kind=r["kind"],
                        gb_parent_code=r["gb_parent_code"] or None)
            for r in csv.DictReader(f)
        )


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    rows: dict[str, DivisionRow]
    subtrees: dict[str, frozenset[str]]

    def known(self, code: object) -> bool:
        return isinstance(code, str) and code in self.rows

    def level(self, code: str) -> int:
        """1 province, 2 prefecture tier, 3 county tier; an unknown code is a county (the
        tier with the least power)."""
        row = self.rows.get(code)
        return row.level if row is not None else 3

    def subtree(self, code: str) -> frozenset[str]:
        """``code`` and every division below it; nothing for an unknown code."""
        return self.subtrees.get(code, frozenset())

    def contains(self, actor_code: str, division: str) -> bool:
        """Whether ``division`` lies within (or is) the actor's division."""
        return division in self.subtree(actor_code)

    def name(self, code: str) -> str:
        row = self.rows.get(code)
        return row.name if row is not None else code


@cache
def jurisdiction() -> Jurisdiction:
    rows = {r.code: r for r in reference_rows()}
    children: dict[str | None, list[str]] = {}
    for r in rows.values():
        children.setdefault(r.parent_code, []).append(r.code)

    def below(code: str) -> frozenset[str]:
        out, todo = {code}, [code]
        while todo:
            for child in children.get(todo.pop(), []):
                out.add(child)
                todo.append(child)
        return frozenset(out)

    return Jurisdiction(rows=rows, subtrees={code: below(code) for code in rows})
