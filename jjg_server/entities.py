"""What the server knows of the client's synced records: their names, their parents, their
row format. The one place the server reads the client's row definitions
(`jjg_desktop.store.synced_rows`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jjg_desktop.rules.record_names import ENTITY_NAMES
from jjg_desktop.store.synced_rows import (
    FILE_ENTITIES,
    completed,
    file_hashes,
    row_problems,
    synced_models,
)

REGISTRY = ("enterprise", "jilin_registration", "enterprise_fact")
"""The enterprise registry: every county inspects projects of any enterprise."""
PROVINCE_WIDE = (*REGISTRY, "checklist_template", "published_rule")
"""Records every user in the province receives, whatever their division."""

# entity -> (column naming the parent, parent entity); attachments and signatures name
# theirs by owner_kind/owner_id.
PARENTS: dict[str, tuple[str, str]] = {
    "inspection_answer": ("inspection_id", "inspection"),
    "finding": ("inspection_id", "inspection"),
    "rectification_notice": ("inspection_id", "inspection"),
    "inspection_amendment": ("inspection_id", "inspection"),
    "finding_review": ("inspection_id", "inspection"),
    "case_transition": ("case_id", "abnormal_case"),
    "pool_employment": ("member_id", "pool_member"),
    "project_party": ("project_id", "project"),
    "key_person": ("project_id", "project"),
}



@cache
def names() -> tuple[str, ...]:
    """Every synced entity, parents first (as the client's tables reference each other)."""
    return tuple(synced_models())


def known(entity: str) -> bool:
    return entity in names()


def label(entity: str) -> str:
    return ENTITY_NAMES.get(entity, entity)


def load_order() -> tuple[str, ...]:
    """Parents before children, files' owners before the files."""
    return (*(e for e in names() if e not in FILE_ENTITIES),
            *(e for e in names() if e in FILE_ENTITIES))


def parent_of(entity: str, data: dict[str, Any]) -> tuple[str, str] | None:
    """The record this one hangs under, by the client's columns; None for a top record."""
    if entity in FILE_ENTITIES:
        kind, owner = data.get("owner_kind"), data.get("owner_id")
        if isinstance(kind, str) and isinstance(owner, str) and known(kind):
            return kind, owner
        return None
    link = PARENTS.get(entity)
    if link is None:
        return None
    value = data.get(link[0])
    return (link[1], value) if isinstance(value, str) and value else None


__all__ = ["FILE_ENTITIES", "completed", "file_hashes", "row_problems"]
