"""Starting the desktop application."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from jjg_desktop.config import APP_AUTHOR, APP_NAME, Paths
from jjg_desktop.paths import resource
from jjg_desktop.qt.kit.style import apply_style
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.settings.profile_dialog import ask_profile
from jjg_desktop.qt.shell.crash import CrashHandler
from jjg_desktop.qt.shell.daily_backup import back_up_when_due
from jjg_desktop.qt.shell.fonts import install_bundled_font
from jjg_desktop.qt.shell.logging_setup import add_file_log, remove_file_log
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.shell.qt_chinese import install_qt_chinese
from jjg_desktop.qt.shell.restore_dialog import RestoreDialog
from jjg_desktop.services.context import Actor, Store, clock_on, utc_now
from jjg_desktop.services.startup import (
    active_actor,
    demo_as_of,
    open_store,
    restore_and_open,
)
from jjg_desktop.store.backups import DamagedDatabase, list_backups
from jjg_desktop.store.errors import DiskFull
from jjg_desktop.store.migrate import SchemaError

log = logging.getLogger("jjg_desktop.app")

EXIT_OK = 0
EXIT_CANNOT_START = 1
EXIT_CANNOT_OPEN = 2


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


def build_main_window(store: Store, actor: Actor, *, tasks: TaskRunner | None = None,
                      today: Callable[[], date] | None = None) -> MainWindow:
    """The main window on an opened store, not yet shown (for `run`, tests and benchmarks).

    A demo database lives on its as-of date: the views and every action use that day.
    """
    as_of = demo_as_of(store)
    if today is None:
        today = (lambda: as_of) if as_of else date.today
    clock = clock_on(as_of) if as_of else utc_now
    workspace = Workspace(store, actor, tasks or TaskRunner(), today, clock, as_of)
    window = MainWindow(workspace)
    workspace.setParent(window)
    workspace.tasks.setParent(window)
    return window


def run(paths: Paths, argv: list[str] | None = None) -> int:
    """Open the database at `paths` in the GUI; the process exit code."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationDisplayName(_tr("吉建管"))
    app.setWindowIcon(QIcon(str(resource("icons", "jjg.svg"))))
    log_handler = add_file_log(paths.log_dir)
    crash = CrashHandler(Path(log_handler.baseFilename))
    crash.install()
    try:
        install_bundled_font(app)
        install_qt_chinese(app)
        apply_style(app)
        store = open_for_gui(paths, log_handler.baseFilename)
        if store is None:
            return EXIT_CANNOT_OPEN
        try:
            return _run_window(app, store)
        except Exception as exc:
            log.exception("吉建管无法启动")
            QMessageBox.critical(None, _tr("无法启动"), _tr(
                "吉建管无法启动：{error}\n\n请重新安装吉建管；如果问题仍然存在，请把日志 {log} "
                "发给技术支持。").format(error=exc, log=log_handler.baseFilename))
            return EXIT_CANNOT_START
        finally:
            store.close()
    finally:
        crash.uninstall()
        remove_file_log(log_handler)


def open_for_gui(paths: Paths, log_file: str,
                 recover: Callable[[Paths, DamagedDatabase], Store | None] | None = None,
                 ) -> Store | None:
    """The opened store, or None after telling the user why it cannot be opened.

    A damaged database goes to `recover` (by default the restore dialog), which returns the
    store opened on a restored backup, or None when the user quits.
    """
    try:
        return open_store(paths, defer_large_backup=True)
    except SchemaError as exc:
        log.error("数据库无法打开：%s", exc)
        QMessageBox.critical(None, _tr("无法打开数据库"), str(exc))
    except DiskFull as exc:
        log.error("磁盘空间不足：%s", exc)
        QMessageBox.critical(None, _tr("磁盘空间不足"), str(exc))
    except DamagedDatabase as exc:
        log.error("数据库已损坏：%s", exc, exc_info=exc.__cause__)
        return (recover or recover_damaged)(paths, exc)
    except Exception as exc:
        log.exception("数据库无法打开：%s", paths.db_path)
        QMessageBox.critical(None, _tr("无法打开数据库"), _tr(
            "无法打开数据库 {db}：{error}\n\n请确认该文件存在、未被其他程序占用，"
            "并且磁盘有剩余空间。详细信息已记录到日志 {log}。").format(
                db=paths.db_path, error=exc, log=log_file))
    return None


def recover_damaged(paths: Paths, error: DamagedDatabase) -> Store | None:
    """Offer the backups in a dialog; the store on the restored one, or None to quit."""
    dialog = RestoreDialog(error, list_backups(paths.backups_dir),
                           lambda info: restore_and_open(paths, info.path), paths.backups_dir)
    dialog.exec()
    if dialog.store is not None:
        log.info("已从备份恢复数据库：%s", paths.db_path)
    return dialog.store


READY_PROBE = "JJG_READY_PROBE"
"""Set in the environment, the app prints `READY <epoch seconds>` once its window is up and
the event loop runs, then quits: start-up benchmarks and smoke tests time a real start."""


def freeze_startup_heap() -> None:
    """Keep the objects alive once the window is up (modules, classes, widgets) out of the
    garbage collector's full passes. Each pass otherwise walks them all, ~90 ms on a 2-core
    laptop, holding the GIL in whichever thread set it off (a sync, a print): the window
    stalls that long (bench/bench_gui_stall.py)."""
    gc.freeze()


def _report_ready(app: QApplication) -> None:
    print(f"READY {time.time()}", flush=True)
    app.quit()


def _run_window(app: QApplication, store: Store) -> int:
    actor = active_actor(store) or ask_profile(store)
    if actor is None:
        return EXIT_OK
    window = build_main_window(store, actor)
    app.aboutToQuit.connect(window.commit_edits)
    window.show()
    freeze_startup_heap()
    window.sync.start()
    QTimer.singleShot(0, window, lambda: back_up_when_due(window.workspace))
    if os.environ.get(READY_PROBE):
        QTimer.singleShot(0, lambda: _report_ready(app))
    try:
        return app.exec()
    finally:
        window.sync.shutdown()
        window.workspace.tasks.cancel_all()
        window.workspace.tasks.wait()
