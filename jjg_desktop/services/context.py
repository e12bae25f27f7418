"""Who acts, on which store, at what time; and the one transaction a user action is."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from jjg_desktop.config import Paths
from jjg_desktop.rules.china_time import CHINA, local_date
from jjg_desktop.store import audit
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.base import Synced
from jjg_desktop.store.database import Database
from jjg_desktop.store.models import OutboxCommand

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def clock_on(day: date) -> Callable[[], datetime]:
    """A clock whose China date stays on `day` (a demo frozen at its as-of date)."""
    def now() -> datetime:
        china = datetime.combine(day, datetime.now(CHINA).time(), tzinfo=CHINA)
        return china.astimezone(UTC).replace(tzinfo=None)
    return now


@dataclass(frozen=True, slots=True)
class Actor:
    username: str
    display_name: str
    role: str
    division_code: str


@dataclass(slots=True)
class Store:
    """An opened, migrated database with its data folders."""

    db: Database
    paths: Paths

    def close(self) -> None:
        self.db.close()


@dataclass(slots=True)
class ServiceContext:
    store: Store
    actor: Actor
    clock: Callable[[], datetime] = field(default=utc_now)

    @property
    def db(self) -> Database:
        return self.store.db

    def today(self) -> date:
        return local_date(self.clock())


CommandCheck = Callable[["Actor", OutboxCommand, rows.Touched], list[str]]
COMMAND_CHECKS: list[CommandCheck] = []
"""Checks of every outbox command as its transaction writes it (the sync layer adds the
command catalogue's); a problem is a bug of this client and is logged as an error."""


@dataclass(slots=True)
class Change:
    """The open transaction of one user action."""

    session: Session
    ctx: ServiceContext
    now: datetime
    commands: list[OutboxCommand] = field(default_factory=list)
    placeholders: set[tuple[str, str]] = field(default_factory=set)
    whole: set[tuple[str, str]] = field(default_factory=set)
    """Rows that go as a whole (no list of changed columns): the server compares them with
    the version they name (a refused change sent again)."""

    @property
    def today(self) -> date:
        return local_date(self.now)

    def record(self, *, action: str, entity: str, entity_id: str, data: dict[str, Any],
               args: dict[str, Any] | None = None, base_version: int | None = None,
               command: str | None = None, sync: bool = True) -> OutboxCommand | None:
        """Write the audit entry and, for shared records, the sync command of this change."""
        actor = self.ctx.actor
        audit.append(self.session, at=self.now, actor=actor.username, actor_role=actor.role,
                     actor_division=actor.division_code, action=action, entity=entity,
                     entity_id=entity_id, data=data)
        if not sync:
            return None
        outbox = OutboxCommand(command=command or action, args=audit_safe(args or data),
                               entity=entity, entity_id=entity_id, base_version=base_version,
                               created_at=self.now, author=actor.username)
        self.session.add(outbox)
        self.session.flush()
        self.commands.append(outbox)
        return outbox

    def placeholder(self, row: Synced) -> None:
        """A row made only so others can point at it (an empty answer holding a photo): kept
        here, never sent, so it cannot clash with the real one another laptop sends."""
        entity = rows.entity_of(row)
        if entity is not None:
            self.placeholders.add((entity, row.id))

    def attach_rows(self, touched: rows.Touched) -> None:
        """Give each command the records it wrote; rows no command names go with the last."""
        if not self.commands:
            return
        by_key = {(c.entity, c.entity_id): c for c in self.commands}
        attached: dict[int, list[dict[str, Any]]] = {id(c): [] for c in self.commands}
        for key, row in touched.rows.items():
            if key in self.placeholders:
                continue
            owner = by_key.get(key, self.commands[-1])
            data = audit_safe(rows.snapshot(row))
            original = touched.originals.get(key)
            before = audit_safe(original) if original is not None else None
            attached[id(owner)].append({
                "entity": key[0], "id": key[1], "base_version": touched.bases[key],
                "deleted": key in touched.removed or row.deleted_at is not None,
                "data": data,
                "changed": None if before is None or key in self.whole else sorted(
                    k for k in data if before.get(k) != data[k])})
        for command in self.commands:
            command.rows = attached[id(command)]
            self._check(command, touched)

    def _check(self, command: OutboxCommand, touched: rows.Touched) -> None:
        for check in COMMAND_CHECKS:
            problems = check(self.ctx.actor, command, touched)
            if problems:
                log.error("outbox command %s breaks the command catalogue: %s",
                          command.command, "; ".join(problems))


def audit_safe(value: dict[str, Any]) -> dict[str, Any]:
    """The JSON form stored in the outbox, exactly as it will be sent."""
    return json.loads(audit.canonical_json(value))


@contextmanager
def change(ctx: ServiceContext) -> Iterator[Change]:
    with ctx.db.write() as session:
        ch = Change(session=session, ctx=ctx, now=ctx.clock())
        with rows.tracking(session) as touched:
            yield ch
            session.flush()
        ch.attach_rows(touched)
