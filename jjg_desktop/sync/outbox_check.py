"""The client held to the command catalogue: every outbox command, as its transaction writes
it, is checked against what the server will accept (`catalogue.violations`)."""

from __future__ import annotations

from jjg_desktop.services import context
from jjg_desktop.services.context import Actor, audit_safe
from jjg_desktop.store.models import OutboxCommand
from jjg_desktop.store.synced_rows import Touched
from jjg_desktop.sync import catalogue
from jjg_desktop.sync.catalogue import level_of


def catalogue_problems(actor: Actor, command: OutboxCommand, touched: Touched) -> list[str]:
    problems: list[str] = []
    for r in command.rows:
        original = touched.originals.get((r["entity"], r["id"]))
        before = audit_safe(original) if original is not None else None
        problems += catalogue.violations(command.command, actor.role,
                                         level_of(actor.division_code), r["entity"], before,
                                         r["data"], r["deleted"])
    return problems


def install() -> None:
    if catalogue_problems not in context.COMMAND_CHECKS:
        context.COMMAND_CHECKS.append(catalogue_problems)
