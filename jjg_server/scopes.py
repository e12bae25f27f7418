"""Divisions by their national codes: who lies under whom (province 22xxxx, prefecture
2224xx, county 222404)."""

from __future__ import annotations

PROVINCE = "22"
"""The scope of records every user in Jilin sees."""


def level_of(division_code: str) -> int:
    """1 province (220000), 2 prefecture (222400), 3 county (222404), by the national code."""
    if division_code[2:] == "0000":
        return 1
    if division_code[4:] == "00":
        return 2
    return 3


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
