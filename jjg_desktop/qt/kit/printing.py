"""Printing a document: render it off the GUI thread into the data folder's prints/, then
open the preview (打印, 另存为), whose print dialog starts from the printer, copies and duplex
chosen in the settings. One path for every printed record."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.errors import ServiceError

PRINTS = "prints"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Printing", text)


def print_document(workspace: Workspace, parent: QWidget, *, key: str, title: str,
                   stem: str, render: Callable[[Path], Path],
                   shown: Callable[[PdfPreview], None] | None = None,
                   failed: Callable[[str], None] | None = None) -> None:
    """Render with `render(path)` on the task runner, then preview it. `shown(preview)` once
    it is on screen; `failed(message)` instead of the default warning box if it cannot be."""
    folder = workspace.store.paths.data_dir / PRINTS
    path = folder / f"{stem}-{datetime.now():%Y%m%d%H%M%S%f}.pdf"
    workspace.message.emit(_tr("正在生成“{title}”…").format(title=title))

    def work(_state: object) -> Path:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return render(path)
        except OSError as exc:
            raise ServiceError(_tr("无法写入 {path}：{error}。请检查磁盘空间。").format(
                path=path, error=exc.strerror or exc)) from exc

    def done(pdf: Path) -> None:
        from jjg_desktop.qt.kit.pdf_preview import PdfLoadError  # QtPdf: on first print
        from jjg_desktop.qt.kit.print_defaults import preview_with_settings

        try:
            preview = preview_with_settings(pdf, title, parent)
        except PdfLoadError as exc:
            refused(str(exc))
            return
        workspace.message.emit(_tr("“{title}”已生成：{path}").format(title=title, path=pdf))
        if shown is not None:
            shown(preview)

    def refused(message: str) -> None:
        text = _tr("无法生成“{title}”：{reason}").format(title=title, reason=message)
        workspace.message.emit(text)
        if failed is not None:
            failed(text)
        else:
            QMessageBox.warning(parent, _tr("无法生成“{title}”").format(title=title), message)

    run_service(workspace.tasks, key, work, done, refused)
