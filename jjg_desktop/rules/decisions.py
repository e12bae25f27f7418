"""Which decision document a case's state calls for (the province issues it)."""

from __future__ import annotations

DOCUMENTS = {"listed": "入吉企业列入异常名录决定书", "removed": "入吉企业移出异常名录决定书",
             "cleared": "入吉企业清出吉林省建筑市场通知书"}


def document_title(state: str) -> str | None:
    return DOCUMENTS.get(state)
