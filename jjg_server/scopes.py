"""Scopes by the division table both ends share (`jjg_desktop.rules.divisions`): a user sees
and writes what lies in their division's subtree; records of the whole province (the registry,
templates) have the scope ``PROVINCE``."""

from __future__ import annotations

from jjg_desktop.rules.divisions import jurisdiction
from jjg_desktop.sync.catalogue import level_of

__all__ = ["PROVINCE", "in_scope", "level_of", "scopes_of", "valid_code", "visible_to"]

PROVINCE = "22"
"""The scope of records every user in Jilin sees."""


def in_scope(actor_division: str, division: str) -> bool:
    """Whether ``division`` lies within (or is) the actor's division."""
    return jurisdiction().contains(actor_division, division)


def visible_to(actor_division: str, scope: str) -> bool:
    return scope == PROVINCE or in_scope(actor_division, scope)


def scopes_of(actor_division: str) -> frozenset[str]:
    """Every scope the actor sees: their subtree and the province-wide records."""
    return jurisdiction().subtree(actor_division) | {PROVINCE}


def valid_code(value: object) -> bool:
    """A division of the table (a unit a record can belong to and a user can serve)."""
    return jurisdiction().known(value)
