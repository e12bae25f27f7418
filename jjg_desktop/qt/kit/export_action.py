"""导出…: the list on screen, filtered and sorted as shown, written to an .xlsx off the GUI
thread with a progress dialog that can cancel; the status bar says where the file went."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace

Progress = Callable[[int, int], bool]
Export = Callable[[Path, Progress], int]
"""(target file, progress callback) -> rows written; runs on a worker thread."""
SHOW_PROGRESS_AFTER_MS = 400


def _tr(text: str) -> str:
    return QCoreApplication.translate("ListExport", text)


class ListExport(QObject):
    """Asks where to save, then exports; one export of a list at a time."""

    progressed = Signal(int, int)
    """rows written, rows in all (emitted from the worker thread)."""
    finished = Signal(object)
    """The saved file's path, or None (cancelled or failed)."""

    def __init__(self, workspace: Workspace, parent: QWidget, *, what: str,
                 unit: str, file_stem: str) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._parent = parent
        self._what = what
        self._unit = unit
        self._file_stem = file_stem
        self._dialog: QProgressDialog | None = None
        self._state: TaskState | None = None
        self._cancelled = threading.Event()
        self.last_dir = Path.home()
        self.progressed.connect(self._show_progress)

    def ask_and_run(self, export: Export) -> None:
        suggested = self.last_dir / f"{self._file_stem}_{self._ws.today().isoformat()}.xlsx"
        target, _ = QFileDialog.getSaveFileName(
            self._parent, _tr("导出{what}").format(what=self._what), str(suggested),
            _tr("Excel 工作簿 (*.xlsx)"))
        if target:
            path = Path(target)
            if path.suffix.lower() != ".xlsx":
                path = path.with_name(path.name + ".xlsx")
            self.run(path, export)

    def run(self, path: Path, export: Export) -> None:
        self.last_dir = path.parent
        dialog = QProgressDialog(_tr("正在导出{what}到 {name}…").format(
            what=self._what, name=path.name), _tr("取消"), 0, 0, self._parent)
        dialog.setWindowTitle(_tr("导出{what}").format(what=self._what))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._dialog = dialog
        dialog.canceled.connect(self.cancel)
        cancelled = self._cancelled = threading.Event()

        def work(state: TaskState) -> int:
            def progress(written: int, total: int) -> bool:
                self.progressed.emit(written, total)
                return not (state.cancelled or cancelled.is_set())
            return export(path, progress)

        def done(written: int) -> None:
            if not cancelled.is_set():
                self._done(path, written)

        def failed(message: str) -> None:
            if not cancelled.is_set():
                self._failed(message)

        state = run_service(self._ws.tasks, f"export-{id(self)}", work, done, failed)
        if not cancelled.is_set():
            self._state = state

    @Slot()
    def cancel(self) -> None:
        """Stop the export under way; whatever it had written is thrown away."""
        self._cancelled.set()
        if self._state is not None:
            self._state.cancel()
        self._close_dialog()
        self._ws.message.emit(_tr("已取消导出，未生成文件。"))
        self.finished.emit(None)

    @Slot(int, int)
    def _show_progress(self, written: int, total: int) -> None:
        if self._dialog is not None:
            self._dialog.setMaximum(total)
            self._dialog.setValue(written)
            self._dialog.setLabelText(_tr("正在导出{what}：{n} / {total} {unit}").format(
                what=self._what, n=written, total=total, unit=self._unit))

    def _done(self, path: Path, written: int) -> None:
        self._close_dialog()
        self._ws.message.emit(_tr("已导出 {n} {unit}{what}到 {path}").format(
            n=written, unit=self._unit, what=self._what, path=path))
        self.finished.emit(path)

    def _failed(self, message: str) -> None:
        self._close_dialog()
        self._ws.message.emit(_tr("导出失败：{reason}").format(reason=message))
        QMessageBox.warning(self._parent, _tr("导出失败"), message)
        self.finished.emit(None)

    def _close_dialog(self) -> None:
        dialog, self._dialog = self._dialog, None
        self._state = None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel)
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()


def export_shown(exporter: ListExport, store: Any, title: str, model: Any, source: Any,
                 query: tuple[Any, str | None, Any]) -> None:
    """Export a list page's rows as its columns show them, filtered and sorted as shown."""
    from jjg_desktop.services.exports import export_list

    filter_, sort, order = query
    columns = list(model.columns)

    def export(path: Path, progress: Progress) -> int:
        return export_list(store, title, [c.title for c in columns], ids=source.ids,
                           rows=source.rows, count=source.count,
                           values=lambda r: [c.text(r) for c in columns], filter_=filter_,
                           sort=sort or source.default_sort,
                           order=order or source.default_order, path=path, progress=progress)

    exporter.ask_and_run(export)
