"""打印核查记录: the verification record through the common print path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from jjg_desktop.qt.kit.printing import print_document
from jjg_desktop.qt.kit.workspace import Workspace


def print_verification(workspace: Workspace, verification_id: str, parent: QWidget,
                       shown: Callable[[PdfPreview], None] | None = None) -> None:
    from jjg_desktop.reports.verification_record import render_verification_record

    store = workspace.store
    print_document(workspace, parent, key=f"print-verification-{verification_id}",
                   title=QCoreApplication.translate("VerificationPrint", "入吉企业动态核查记录"),
                   stem=f"核查记录-{verification_id[:8]}",
                   render=lambda path: render_verification_record(store, verification_id, path),
                   shown=shown)
