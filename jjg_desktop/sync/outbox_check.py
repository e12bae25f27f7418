"""The client held to the command catalogue: every outbox command, as its transaction writes
it, is checked against what the server will accept (`catalogue.violations`)."""

from __future__ import annotations

from jjg_desktop.rules.record_names import COMMAND_NAMES
from jjg_desktop.services import context
from jjg_desktop.services.context import Actor, audit_safe
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.models import OutboxCommand
from jjg_desktop.store.synced_rows import Touched
from jjg_desktop.sync import catalogue
from jjg_desktop.sync.catalogue import ROLE_LABELS, level_of


def catalogue_problems(actor: Actor, command: OutboxCommand, touched: Touched) -> list[str]:
    """What of the command the server would refuse. An action the user's role may not take
    at all is refused here and now, in Chinese, and nothing is saved."""
    level = level_of(actor.division_code)
    if not catalogue.may_send(command.command, actor.role, level) and (
            catalogue.rule(command.command) is not None):
        raise InvalidInput(f"您的角色（{ROLE_LABELS.get(actor.role, actor.role)}）不能进行"
                           f"“{COMMAND_NAMES.get(command.command, command.command)}”操作")
    problems: list[str] = []
    for r in command.rows:
        original = touched.originals.get((r["entity"], r["id"]))
        before = audit_safe(original) if original is not None else None
        problems += catalogue.violations(command.command, actor.role,
                                         level, r["entity"], before,
                                         r["data"], r["deleted"])
    return problems


def install() -> None:
    if catalogue_problems not in context.COMMAND_CHECKS:
        context.COMMAND_CHECKS.append(catalogue_problems)
