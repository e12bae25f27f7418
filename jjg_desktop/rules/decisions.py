"""Which decision document a case's state calls for (the province issues it). What each says
is the province's data (the workflow file's `documents`), never text in the program."""

from __future__ import annotations

from jjg_desktop.rules.workflow import DocumentDef, Workflow


def document_for(workflow: Workflow, state: str) -> DocumentDef | None:
    return workflow.documents.get(state)


def document_title(workflow: Workflow, state: str) -> str | None:
    doc = document_for(workflow, state)
    return doc.title if doc else None
