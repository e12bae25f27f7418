"""打印核查记录: render the record (off the GUI thread) into the data folder, then preview it
with 打印 and 另存为."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from jjg_desktop.qt.pdf_preview import PdfLoadError, PdfPreview, preview_pdf
from jjg_desktop.qt.service_task import run_service
from jjg_desktop.qt.workspace import Workspace
from jjg_desktop.reports.verification_record import render_verification_record
from jjg_desktop.services.errors import ServiceError

PRINTS = "prints"


def _tr(text: str) -> str:
    return QCoreApplication.translate("VerificationPrint", text)


def print_verification(workspace: Workspace, verification_id: str, parent: QWidget,
                       shown: Callable[[PdfPreview], None] | None = None) -> None:
    folder = workspace.store.paths.data_dir / PRINTS
    path = folder / f"核查记录-{verification_id[:8]}-{datetime.now():%Y%m%d%H%M%S%f}.pdf"
    store = workspace.store
    workspace.message.emit(_tr("正在生成核查记录…"))

    def work(_state: object) -> Path:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return render_verification_record(store, verification_id, path)
        except OSError as exc:
            raise ServiceError(_tr("无法写入 {path}：{error}。请检查磁盘空间。").format(
                path=path, error=exc.strerror or exc)) from exc

    def done(pdf: Path) -> None:
        try:
            dialog = preview_pdf(pdf, _tr("入吉企业动态核查记录"), parent)
        except PdfLoadError as exc:
            failed(str(exc))
            return
        workspace.message.emit(_tr("核查记录已生成：{path}").format(path=pdf))
        if shown is not None:
            shown(dialog)

    def failed(message: str) -> None:
        workspace.message.emit(_tr("无法生成核查记录：{reason}").format(reason=message))
        QMessageBox.warning(parent, _tr("无法生成核查记录"), message)

    run_service(workspace.tasks, f"print-verification-{verification_id}", work, done, failed)
