"""Divisions by their national codes: who lies under whom (province 22xxxx, prefecture
2224xx, county 222404)."""

from __future__ import annotations

from jjg_desktop.sync.catalogue import level_of

__all__ = ["PROVINCE", "in_scope", "level_of", "prefix_of", "valid_code", "visible_to"]

PROVINCE = "22"
"""The scope of records every user in Jilin sees."""


def prefix_of(division_code: str) -> str:
    """The part of the code that everything under the division shares."""
    return division_code[:{1: 2, 2: 4, 3: 6}[level_of(division_code)]]


def in_scope(actor_division: str, division: str) -> bool:
    """Whether ``division`` lies within (or is) the actor's division."""
    return division.startswith(prefix_of(actor_division))


def visible_to(actor_division: str, scope: str) -> bool:
    return scope == PROVINCE or in_scope(actor_division, scope)


def valid_code(value: object) -> bool:
    return isinstance(value, str) and len(value) == 6 and value.isdigit()
