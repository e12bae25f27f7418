"""打印决定文书: render the province's decision on a case (off the GUI thread) into the data
folder, then preview it with 打印 and 另存为."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from jjg_desktop.qt.pdf_preview import PdfLoadError, PdfPreview, preview_pdf
from jjg_desktop.qt.service_task import run_service
from jjg_desktop.qt.tasks import TaskState
from jjg_desktop.qt.verification_print import PRINTS
from jjg_desktop.qt.workspace import Workspace
from jjg_desktop.reports.case_documents import render_case_document
from jjg_desktop.services.errors import ServiceError


def _tr(text: str) -> str:
    return QCoreApplication.translate("CasePrint", text)


def print_case_decision(workspace: Workspace, case_id: str, title: str, parent: QWidget,
                        shown: Callable[[PdfPreview], None],
                        failed: Callable[[str], None]) -> None:
    """`shown(preview)` once the document is on screen; `failed(message)` if it cannot be."""
    store = workspace.store
    folder = store.paths.data_dir / PRINTS
    path = folder / f"{title}-{case_id[:8]}-{datetime.now():%Y%m%d%H%M%S%f}.pdf"
    workspace.message.emit(_tr("正在生成“{title}”…").format(title=title))

    def work(_state: TaskState) -> Path:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return render_case_document(store, case_id, path)
        except OSError as exc:
            raise ServiceError(_tr("无法写入 {path}：{error}。请检查磁盘空间。").format(
                path=path, error=exc.strerror or exc)) from exc

    def done(pdf: Path) -> None:
        try:
            preview = preview_pdf(pdf, title, parent)
        except PdfLoadError as exc:
            refused(str(exc))
            return
        workspace.message.emit(_tr("“{title}”已生成：{path}").format(title=title, path=pdf))
        shown(preview)

    def refused(message: str) -> None:
        workspace.message.emit(_tr("无法生成“{title}”：{reason}").format(
            title=title, reason=message))
        failed(_tr("无法生成“{title}”：{reason}").format(title=title, reason=message))

    run_service(workspace.tasks, f"print-case-{case_id}", work, done, refused)
