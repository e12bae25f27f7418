"""打印决定文书: the province's decision on a case through the common print path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from jjg_desktop.qt.kit.printing import print_document
from jjg_desktop.qt.kit.workspace import Workspace


def print_case_decision(workspace: Workspace, case_id: str, title: str, parent: QWidget,
                        shown: Callable[[PdfPreview], None],
                        failed: Callable[[str], None]) -> None:
    """`shown(preview)` once the document is on screen; `failed(message)` if it cannot be."""
    from jjg_desktop.reports.case_documents import render_case_document  # reportlab: on use

    store = workspace.store
    print_document(workspace, parent, key=f"print-case-{case_id}", title=title,
                   stem=f"{title}-{case_id[:8]}",
                   render=lambda path: render_case_document(store, case_id, path),
                   shown=shown, failed=failed)
