"""Helpers for GUI tests that drive a real event loop (`run()` with its dialogs)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from jjg_desktop.qt.shell.main_window import MainWindow


def when_shown(act: Callable[[QWidget], None]) -> None:
    """Act on the next modal dialog or the main window once the event loop shows it."""
    def poll() -> None:
        widget = QApplication.activeModalWidget() or next(
            (w for w in QApplication.topLevelWidgets()
             if isinstance(w, MainWindow) and w.isVisible()), None)
        if widget is None:
            QTimer.singleShot(10, poll)
        else:
            act(widget)
    QTimer.singleShot(0, poll)
