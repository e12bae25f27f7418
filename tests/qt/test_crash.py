"""Unexpected errors reach the log with their traceback and a dialog with a copyable report."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.shell.crash import CrashHandler
from jjg_desktop.qt.shell.logging_setup import LOG_FILE, FileLog


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[CrashHandler]:
    log = FileLog(tmp_path / "logs")
    crash = CrashHandler(log.path)
    yield crash
    if crash.dialog is not None:
        crash.dialog.close()
    log.close()


def raised(message: str) -> tuple[type[BaseException], BaseException, object]:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        return sys.exc_info()  # type: ignore[return-value]


def test_error_is_logged_and_shown(qtbot: QtBot, handler: CrashHandler, tmp_path: Path) -> None:
    handler.handle(*raised("数据库文件被占用"))  # type: ignore[arg-type]
    log = (tmp_path / "logs" / LOG_FILE).read_text(encoding="utf-8")
    assert "RuntimeError: 数据库文件被占用" in log
    assert "Traceback (most recent call last)" in log
    assert "in raised" in log

    dialog = handler.dialog
    assert dialog is not None and dialog.isVisible()
    assert "程序遇到意外错误" in dialog.message.text()
    assert str(tmp_path / "logs" / LOG_FILE) in dialog.message.text()
    assert "RuntimeError: 数据库文件被占用" in dialog.report.toPlainText()
    assert dialog.report.isReadOnly()

    copy = dialog.findChild(QPushButton, "copyButton")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert "数据库文件被占用" in QGuiApplication.clipboard().text()

    with qtbot.waitSignal(dialog.destroyed):
        dialog.close()
    assert handler.dialog is None


def test_a_second_error_joins_the_open_report(qtbot: QtBot, handler: CrashHandler) -> None:
    handler.handle(*raised("第一个错误"))  # type: ignore[arg-type]
    first = handler.dialog
    handler.handle(*raised("第二个错误"))  # type: ignore[arg-type]
    assert handler.dialog is first
    report = first.report.toPlainText()  # type: ignore[union-attr]
    assert "第一个错误" in report and "第二个错误" in report


def test_installed_hooks_catch_errors_in_other_threads(qtbot: QtBot,
                                                       handler: CrashHandler) -> None:
    before = (sys.excepthook, threading.excepthook)
    handler.install()
    try:
        def fail() -> None:
            raise ValueError("后台任务失败")

        worker = threading.Thread(target=fail)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: handler.dialog is not None)
        assert "ValueError: 后台任务失败" in handler.dialog.report.toPlainText()  # type: ignore[union-attr]
    finally:
        handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
