"""Where a record may be seen: its scope (a division, or the whole province) and audience.

A record's scope is its own ``division_code``; a record without one takes its parent's (an
answer its inspection's, a photo its owner's). A row whose parent the server does not hold
yet cannot be placed: it waits (`ParentMissing`), it never falls back to the writer's scope.
The enterprise registry and checklist templates reach the whole province. A sealed spot check (an
``inspection`` with ``sealed``) reaches only its team and whoever drew it, and so do the
records under it; a draw reaches its drawer and everyone on its teams.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from jjg_server import entities
from jjg_server.scopes import PROVINCE, valid_code
from jjg_server.store import Record

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Placement:
    scope: str
    audience: tuple[str, ...] | None
    parent: Key | None


class ParentMissing(Exception):
    """The row names a parent the server does not hold (yet)."""

    def __init__(self, entity: str, parent: Key) -> None:
        super().__init__(f"{entity} under missing {parent[0]}/{parent[1]}")
        self.entity, self.parent = entity, parent


class Placer:
    """Places the rows of one transaction; ``pending`` are rows it writes that may be the
    parents of others (looked up before the server's records)."""

    def __init__(self, session: Session, *, division: str, username: str,
                 pending: Mapping[Key, dict[str, Any]] | None = None,
                 strict: bool = True) -> None:
        """``strict``: a row under a parent the server lacks raises ParentMissing (pushes);
        otherwise it takes the writer's division (loading a whole client database)."""
        self.session, self.division, self.username = session, division, username
        self.strict = strict
        self.pending = dict(pending or {})
        self._placed: dict[Key, Placement] = {}
        self._visiting: set[Key] = set()

    def place(self, entity: str, record_id: str, data: dict[str, Any]) -> Placement:
        key = (entity, record_id)
        if key not in self._placed:
            self._visiting.add(key)
            try:
                self._placed[key] = self._place(entity, data)
            finally:
                self._visiting.discard(key)
        return self._placed[key]

    def _place(self, entity: str, data: dict[str, Any]) -> Placement:
        parent = entities.parent_of(entity, data)
        above = self._of(parent) if parent is not None else None
        if parent is not None and above is None and self.strict:
            raise ParentMissing(entity, parent)
        if entity in entities.PROVINCE_WIDE:
            return Placement(PROVINCE, None, parent)
        division = data.get("division_code")
        if valid_code(division):
            scope = division
        elif above is not None:
            scope = above.scope
        else:
            scope = self.division
        if entity == "inspection" and data.get("sealed"):
            audience = self._sealed_inspection(data)
        elif entity == "inspection_draw":
            audience = self._draw(data)
        else:
            audience = above.audience if above is not None else None
        return Placement(scope, audience, parent)

    def _of(self, key: Key) -> Placement | None:
        if key in self.pending and key not in self._visiting:
            return self.place(*key, self.pending[key])
        record = self.session.get(Record, key)
        if record is None:
            return None
        audience = tuple(record.audience) if record.audience is not None else None
        parent = ((record.parent_entity, record.parent_id)
                  if record.parent_entity and record.parent_id else None)
        return Placement(record.scope, audience, parent)

    def _data(self, key: Key) -> dict[str, Any]:
        if key in self.pending:
            return self.pending[key]
        record = self.session.get(Record, key)
        return record.data if record is not None else {}

    def _sealed_inspection(self, data: dict[str, Any]) -> tuple[str, ...]:
        team = data.get("team")
        names = [e.get("username") for e in team if isinstance(e, dict)] if isinstance(
            team, list) else []
        draw_id = data.get("draw_id")
        if isinstance(draw_id, str):
            names.append(self._data(("inspection_draw", draw_id)).get("drawn_by"))
        return _audience([*names, self.username])

    def _draw(self, data: dict[str, Any]) -> tuple[str, ...]:
        members: list[object] = []
        result = data.get("result")
        for team in result if isinstance(result, list) else []:
            ids = team.get("members") if isinstance(team, dict) else None
            members.extend(ids if isinstance(ids, list) else [])
        names = [self._data(("pool_member", m)).get("username") for m in members
                 if isinstance(m, str)]
        return _audience([*names, data.get("drawn_by"), self.username])


def _audience(names: Iterable[object]) -> tuple[str, ...]:
    return tuple(sorted({n for n in names if isinstance(n, str) and n}))
