"""Which decision document a case's state calls for (the province issues it). What each says
is the province's data (the workflow file's `documents`), never text in the program."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from jjg_desktop.rules.workflow import DocumentDef, Workflow

NOTICE = "notice"
"""Evidence kind of a prior notice served (告知书) on a step: its 文号 is `id`, its date `date`."""


def document_for(workflow: Workflow, state: str) -> DocumentDef | None:
    return workflow.documents.get(state)


def document_title(workflow: Workflow, state: str) -> str | None:
    doc = document_for(workflow, state)
    return doc.title if doc else None


def served_notice(evidence: Iterable[Mapping[str, str]]) -> tuple[str, date | None]:
    """The 文号 and date of the last notice among a case's steps' evidence ('' if none)."""
    served = [e for e in evidence if e.get("kind") == NOTICE]
    if not served:
        return "", None
    last = served[-1]
    return last.get("id", ""), date.fromisoformat(last["date"]) if last.get("date") else None
