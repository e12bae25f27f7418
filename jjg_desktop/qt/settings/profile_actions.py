"""导出本机数据… / 导入数据…: the whole profile to or from one zip, on the task runner with a
progress dialog that can cancel. After an import the program closes, to start again on the
imported data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.profile_transfer import (
    ExportReport,
    ImportReport,
    Progress,
    export_profile,
    import_profile,
)

T = TypeVar("T")
STEPS = 1000
SHOW_PROGRESS_AFTER_MS = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProfileTransfer", text)


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else _tr("（时间不详）")


def _mb(count: int) -> str:
    return f"{count / 2**20:,.1f} MB"


@runtime_checkable
class CommitsEdits(Protocol):
    def commit_edits(self) -> None: ...


class ProfileTransfer(QObject):
    """One export or import at a time. `leave()` is called once an import is in place
    (by default the program quits: the window still shows the replaced data)."""

    progressed = Signal(int, int)
    """bytes done, bytes in all (emitted from the worker thread)."""
    finished = Signal(object)
    """An ExportReport or ImportReport, or None (cancelled or refused)."""

    def __init__(self, workspace: Workspace, parent: QWidget,
                 leave: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._parent = parent
        self._leave = leave
        self._dialog: QProgressDialog | None = None
        self._cancelled = threading.Event()
        self.progressed.connect(self._show_progress)

    def ask_export(self) -> None:
        suggested = Path.home() / _tr("吉建管数据_{day}.zip").format(
            day=self._ws.today().isoformat())
        target, _ = QFileDialog.getSaveFileName(
            self._parent, _tr("导出本机数据"), str(suggested), _tr("吉建管数据包 (*.zip)"))
        if target:
            path = Path(target)
            self.export_to(path if path.suffix.lower() == ".zip"
                           else path.with_name(path.name + ".zip"))

    def export_to(self, target: Path) -> None:
        paths = self._ws.store.paths
        self._run(_tr("正在导出到 {name}…").format(name=target.name), _tr("导出本机数据"),
                  lambda progress: export_profile(paths, target, progress), self._exported)

    def ask_import(self) -> None:
        source, _ = QFileDialog.getOpenFileName(
            self._parent, _tr("导入数据"), str(Path.home()), _tr("吉建管数据包 (*.zip)"))
        if not source:
            return
        answer = QMessageBox.question(
            self._parent, _tr("导入数据"), _tr(
                "将用数据包 {name} 中的数据替换本机当前的数据。\n\n"
                "导入前会先校验数据包中的每个文件；当前数据库会先备份为“导入数据前的数据库”，"
                "本机已有的照片和签名文件不会删除。导入完成后吉建管将关闭，请重新打开。\n\n"
                "确定导入吗？").format(name=Path(source).name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.import_from(Path(source))

    def import_from(self, source: Path) -> None:
        """Release the database (edits saved, background work finished), then import."""
        window = self._parent.window()
        if isinstance(window, CommitsEdits):
            window.commit_edits()
        self._ws.tasks.cancel_all()
        self._ws.tasks.wait()
        self._ws.store.close()
        paths = self._ws.store.paths
        self._run(_tr("正在导入 {name}…").format(name=source.name), _tr("导入数据"),
                  lambda progress: import_profile(source, paths, replace=True,
                                                  progress=progress), self._imported)

    def _run(self, label: str, title: str, work: Callable[[Progress], T],
             done: Callable[[T], None]) -> None:
        dialog = QProgressDialog(label, _tr("取消"), 0, STEPS, self._parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._cancel)
        self._dialog = dialog
        cancelled = self._cancelled = threading.Event()

        def run(state: TaskState) -> T:
            def progress(done_bytes: int, total: int) -> bool:
                self.progressed.emit(done_bytes, total)
                return not (state.cancelled or cancelled.is_set())
            return work(progress)

        run_service(self._ws.tasks, "profile-transfer", run, lambda r: self._finish(r, done),
                    self._refused)

    @Slot()
    def _cancel(self) -> None:
        self._cancelled.set()
        if self._dialog is not None:
            self._dialog.setLabelText(_tr("正在取消…"))

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self._dialog is not None and total:
            self._dialog.setValue(done * STEPS // total)
            label = self._dialog.labelText().split("\n")[0]
            self._dialog.setLabelText(f"{label}\n{_mb(done)} / {_mb(total)}")

    def _finish(self, report: T, done: Callable[[T], None]) -> None:
        self._close_dialog()
        done(report)
        self.finished.emit(report)

    def _exported(self, report: ExportReport) -> None:
        self._ws.message.emit(_tr(
            "已导出本机数据到 {path}（{size}，{n} 个附件）。在新电脑上用“设置 → 导入数据”导入。"
        ).format(path=report.path, size=_mb(report.size), n=report.attachments))

    def _imported(self, report: ImportReport) -> None:
        kept = _tr("\n\n导入前的数据库已保存为 {name}。").format(
            name=report.kept.name) if report.kept else ""
        QMessageBox.information(self._parent, _tr("导入完成"), _tr(
            "已导入数据：{n} 个附件，导出于 {when}。{kept}\n\n"
            "吉建管现在关闭，请重新打开以使用导入的数据。").format(
                n=report.attachments, when=_local(report.exported_at), kept=kept))
        (self._leave or QApplication.quit)()

    def _refused(self, message: str) -> None:
        self._close_dialog()
        self._ws.message.emit(message)
        if not self._cancelled.is_set():
            QMessageBox.warning(self._parent, _tr("未完成"), message)
        self.finished.emit(None)

    def _close_dialog(self) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.canceled.disconnect(self._cancel)
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()
