"""Unexpected errors: logged with their traceback, shown in a dialog with a copyable report.

The program keeps running after the dialog; a second error while the dialog is open is added
to the same report instead of opening another window.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

import PySide6
from PySide6 import QtCore
from PySide6.QtCore import QObject, QThread, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPlainTextEdit, QPushButton, QWidget

from jjg_desktop import __version__
from jjg_desktop.qt.kit.forms import form

log = logging.getLogger("jjg_desktop.crash")

CRASH_FORM = form("crash_dialog.ui", messageLabel=QLabel, reportEdit=QPlainTextEdit,
                  copyButton=QPushButton)


def crash_report(exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> str:
    import platform  # only when there is a report to write: it is slow to import

    header = (f"吉建管 {__version__} · {datetime.now():%Y-%m-%d %H:%M:%S}\n"
              f"Python {platform.python_version()} · Qt {qVersion()} · "
              f"PySide6 {PySide6.__version__} · {platform.platform()}\n\n")
    return header + "".join(traceback.format_exception(exc_type, exc, tb))


class CrashDialog(QDialog):
    def __init__(self, report: str, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ui = CRASH_FORM.load(self)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message = ui.find(QLabel, "messageLabel")
        self.report = ui.find(QPlainTextEdit, "reportEdit")
        self.message.setText(self.tr(
            "程序遇到意外错误，已记录到日志 {log}。\n"
            "已保存的数据不受影响，可以继续工作。如果问题反复出现，请点“复制报告”，"
            "把报告发给技术支持。").format(log=log_file))
        self.report.setPlainText(report)
        ui.find(QPushButton, "copyButton").clicked.connect(self.copy_report)

    def add_report(self, report: str) -> None:
        self.report.appendPlainText("\n" + "—" * 20 + "\n" + report)

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())


class CrashHandler(QObject):
    """`sys.excepthook` and `threading.excepthook` for the running application."""

    _from_thread = Signal(str)

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: CrashDialog | None = None
        self._previous: tuple[object, object] | None = None
        self._from_thread.connect(self._show)  # emitted from other threads only: queued

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            report = crash_report(exc_type, exc, tb)
            log.error("未处理的错误\n%s", report)
            app = QApplication.instance()
            if app is None:
                sys.__excepthook__(exc_type, exc, tb)
            elif QThread.currentThread() is app.thread():
                self._show(report)
            else:
                self._from_thread.emit(report)
        except Exception:  # the handler itself must never raise into Qt
            sys.__excepthook__(exc_type, exc, tb)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _show(self, report: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_report(report)
            return
        self.dialog = CrashDialog(report, self.log_file, QApplication.activeWindow())
        self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.show()

    @Slot()
    def _forget_dialog(self) -> None:
        self.dialog = None
