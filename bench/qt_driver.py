"""Driving the real main window from a benchmark: the app's own start-up steps (font, Qt's
Chinese texts, style, store, `build_main_window`), and waiting on the event loop."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from jjg_desktop.config import resolve_paths
from jjg_desktop.qt.kit.style import apply_style
from jjg_desktop.qt.shell.app import build_main_window, freeze_startup_heap
from jjg_desktop.qt.shell.fonts import install_bundled_font
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.shell.qt_chinese import install_qt_chinese
from jjg_desktop.services.context import Store
from jjg_desktop.services.startup import active_actor, open_store

SCREEN = (1366, 768)
_frozen = False


def start_app() -> QApplication:
    """The QApplication as `jjg_desktop.qt.shell.app.run` sets it up (offscreen unless told)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    install_bundled_font(app)
    install_qt_chinese(app)
    apply_style(app)
    return app


def open_db(db: Path, data_dir: Path | None = None) -> Store:
    return open_store(resolve_paths(db=db, data_dir=data_dir), defer_large_backup=True)


def show_window(store: Store, *, start_sync: bool = False) -> MainWindow:
    """The main window on `store` (whose profile is set), shown at 1366×768 as `run` shows
    it (the first one's heap frozen, as `run` freezes it); the background sync starts only
    when asked (it reads the user's settings)."""
    actor = active_actor(store)
    if actor is None:
        raise SystemExit(f"{store.paths.db_path}: no active profile (set_profile first)")
    window = build_main_window(store, actor)
    window.resize(*SCREEN)
    window.show()
    global _frozen
    if not _frozen:  # once per process, as in the app
        freeze_startup_heap()
        _frozen = True
    if start_sync:
        window.sync.start()
    return window


def wait_until(done: Callable[[], bool], timeout_s: float, what: str = "") -> float:
    """Run the event loop until `done()` (checked every 10 ms from a timer, so the loop runs
    as it does in the app); the seconds it took. Raises TimeoutError."""
    start = time.perf_counter()
    deadline = start + timeout_s
    if not done():
        loop = QEventLoop()
        timer = QTimer(interval=10)
        timer.timeout.connect(
            lambda: loop.quit() if done() or time.perf_counter() > deadline else None)
        timer.start()
        loop.exec()
        timer.stop()
        if not done():
            raise TimeoutError(f"waited {timeout_s:.0f} s for {what or done}")
    return time.perf_counter() - start


def run_for(ms: int) -> None:
    """Run the event loop for `ms` milliseconds (timers fire, queued results arrive)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def close_window(window: MainWindow) -> None:
    window.sync.shutdown()
    window.workspace.tasks.cancel_all()
    window.workspace.tasks.wait()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
