"""Starting the desktop application.

When the database is already at this program's schema and someone works on this machine, the
window is painted first — navigation, status bar and the 工作台 read with `sqlite3` — and the
rest (SQLAlchemy, the services, every page, opening the store) loads on a worker thread once
that paint is drawn (`StartLoader`). Otherwise (a first start, an upgrade, a damaged file)
the store is opened before the window, with its dialogs.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from jjg_desktop.config import APP_AUTHOR, APP_NAME, Paths
from jjg_desktop.paths import resource
from jjg_desktop.qt.kit.style import apply_style
from jjg_desktop.qt.shell.crash import CrashHandler
from jjg_desktop.qt.shell.fonts import install_bundled_font
from jjg_desktop.qt.shell.logging_setup import FileLog
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.shell.qt_chinese import install_qt_chinese
from jjg_desktop.store.read.first_screen import FirstScreen, read_first_dashboard, read_first_screen

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.tasks import TaskRunner
    from jjg_desktop.services.context import Actor, Store

log = logging.getLogger("jjg_desktop.app")

EXIT_OK = 0
EXIT_CANNOT_START = 1
EXIT_CANNOT_OPEN = 2

READY_PROBE = "JJG_READY_PROBE"
"""Set in the environment, the app prints `PAINTED <epoch seconds>` when its first paint is
on screen and `READY <epoch seconds>` once the store is open and the window attached (every
page opens when asked), then quits: start-up benchmarks and smoke tests time a real start."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


def build_main_window(store: Store, actor: Actor, *, tasks: TaskRunner | None = None,
                      today: Callable[[], date] | None = None) -> MainWindow:
    """The main window on an opened store, not yet shown (for the start, tests and
    benchmarks). A demo database lives on its as-of date: the views and every action use it."""
    from jjg_desktop.qt.shell.opening import make_workspace

    workspace = make_workspace(store, actor, tasks, today)
    window = MainWindow(actor.display_name, workspace.today())
    window.attach(workspace)
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
    file_log = FileLog(paths.log_dir, rotating=False)
    crash = CrashHandler(file_log.path)
    crash.install()
    try:
        install_bundled_font(app)
        install_qt_chinese(app)
        apply_style(app)
        first = read_first_screen(paths.db_path)
        try:
            if first is not None:
                return _start_painted(app, paths, first, file_log)
            file_log.rotate()
            return _start_opened(app, paths, str(file_log.path))
        except Exception as exc:
            log.exception("吉建管无法启动")
            QMessageBox.critical(None, _tr("无法启动"), _tr(
                "吉建管无法启动：{error}\n\n请重新安装吉建管；如果问题仍然存在，请把日志 {log} "
                "发给技术支持。").format(error=exc, log=file_log.path))
            return EXIT_CANNOT_START
    finally:
        crash.uninstall()
        file_log.close()


def _start_opened(app: QApplication, paths: Paths, log_file: str) -> int:
    """Open (create, upgrade, recover) the store first, then show the window."""
    from jjg_desktop.qt.settings.profile_dialog import ask_profile
    from jjg_desktop.qt.shell.opening import active_actor, open_for_gui

    store = open_for_gui(paths, log_file)
    if store is None:
        return EXIT_CANNOT_OPEN
    try:
        actor = active_actor(store) or ask_profile(store)
        if actor is None:
            return EXIT_OK
        window = build_main_window(store, actor)
        window.show()
        _when_ready(window)
        return _serve(app, window)
    finally:
        store.close()


SETTLE = 0.06
"""Seconds the loader waits after handing over the 工作台's figures: laying them out (with
the first use of many glyphs) takes the GUI thread about that long, and competing with the
imports for the GIL it stalled up to 90 ms."""


class StartLoader(QObject):
    """The heavy half of the start on a worker thread: the 工作台's figures (plain sqlite3),
    then SQLAlchemy, the services and the pages, then the opened store."""

    snapshot = Signal(object)
    opened = Signal(object)
    failed = Signal(object)

    def __init__(self, paths: Paths, first: FirstScreen) -> None:
        super().__init__()
        self._paths = paths
        self._first = first
        self.store: Store | None = None
        """The store the worker opened (closed by the start when the window is done)."""
        self._thread = threading.Thread(target=self._load, name="jjg-start", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self) -> None:
        if self._thread.is_alive():
            self._thread.join()

    def _load(self) -> None:
        with _yielding_imports(self._thread):
            figures = read_first_dashboard(self._paths.db_path, self._first)
            if figures is not None:
                self.snapshot.emit(figures)
                time.sleep(SETTLE)  # the window lays the figures out before the imports start
            try:
                import logging.handlers  # noqa: F401  (the log's rotation, next on the GUI thread)

                from jjg_desktop.qt.shell.opening import open_store

                self.store = open_store(self._paths, defer_large_backup=True)
            except Exception as exc:  # the GUI thread explains it, with the usual dialogs
                self.failed.emit(exc)
                return
        self.opened.emit(self.store)


LOADING_SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits for it, during the load (Python's
default is 5 ms). Each time the window calls into Python while it paints (an event handler, a
slot) it waits for the loader to hand the GIL over: at 5 ms a wait, the first paint of the
figures stalled ~70 ms."""


class _YieldBeforeImport:
    """A `sys.meta_path` finder that finds nothing; before each module the loader imports, it
    lets the GUI thread run. (Not derived from importlib.abc.MetaPathFinder: importing that
    costs ~8 ms before the first paint, and the import system needs only `find_spec`.)

    Importing is a long run of short file reads and pure-Python module bodies; on CPython
    3.11 the thread doing it takes the GIL back after each read before the waiting GUI
    thread does, and the window stalled up to 350 ms at a time (bench/bench_startup.py).
    A sleep(0) per module hands the GIL over: the stalls stay within one module's import."""

    def __init__(self, thread: threading.Thread) -> None:
        self._thread = thread

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if threading.current_thread() is self._thread:
            time.sleep(0)


@contextmanager
def _yielding_imports(thread: threading.Thread) -> Iterator[None]:
    """While the loader imports: a yield before each module, and no cyclic garbage collection
    (a full pass over the modules being loaded held the GIL 60–90 ms, in whichever thread set
    it off); afterwards what was loaded is frozen out of the collector's passes."""
    finder = _YieldBeforeImport(thread)
    sys.meta_path.insert(0, finder)
    collecting = gc.isenabled()
    gc.disable()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(LOADING_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        sys.meta_path.remove(finder)
        freeze_startup_heap()
        if collecting:
            gc.enable()


def _start_painted(app: QApplication, paths: Paths, first: FirstScreen, file_log: FileLog) -> int:
    window = MainWindow(first.profile.display_name, first.today())
    window.show()
    if os.environ.get(READY_PROBE):
        window.painted.connect(lambda: print(f"PAINTED {time.time()}", flush=True))
    loader = StartLoader(paths, first)
    stores: list[Store] = []

    def opened(store: Store) -> None:
        from jjg_desktop.qt.settings.profile_dialog import ask_profile
        from jjg_desktop.qt.shell.opening import active_actor, make_workspace

        file_log.rotate()
        actor = active_actor(store) or ask_profile(store)
        if actor is None:
            app.exit(EXIT_OK)
            return
        workspace = make_workspace(store, actor)
        window.attach(workspace)
        workspace.setParent(window)
        workspace.tasks.setParent(window)
        _when_ready(window)

    def failed(error: Exception) -> None:
        from jjg_desktop.qt.shell.opening import open_for_gui

        log.warning("数据库在首屏之后无法打开：%s", error)
        window.hide()
        store = open_for_gui(paths, str(file_log.path))  # says why, or offers the backups
        if store is None:
            app.exit(EXIT_CANNOT_OPEN)
            return
        stores.append(store)
        window.show()
        opened(store)

    loader.snapshot.connect(window.dashboard.show_first_snapshot)
    loader.opened.connect(opened)
    loader.failed.connect(failed)
    # after the paint: PySide6's Qt namespace (its enums are built on first use, ~30 ms on
    # the GUI thread however it is reached), then the loader, whose work would delay it
    window.painted.connect(lambda: QTimer.singleShot(0, lambda: QtCore.Qt))
    window.painted.connect(lambda: QTimer.singleShot(0, loader.start))
    try:
        return _serve(app, window)
    finally:
        loader.wait()
        for store in [*stores, *([loader.store] if loader.store else [])]:
            store.close()


def freeze_startup_heap() -> None:
    """Keep the objects alive once the window is up (modules, classes, widgets) out of the
    garbage collector's full passes. Each pass otherwise walks them all, ~90 ms on a 2-core
    laptop, holding the GIL in whichever thread set it off (a sync, a print): the window
    stalls that long (bench/bench_gui_stall.py)."""
    gc.freeze()


def _when_ready(window: MainWindow) -> None:
    """Once the window has its workspace: freeze the start-up heap, start syncing, make the
    day's backup if it is due, and answer the start-up probe."""
    from jjg_desktop.qt.shell.daily_backup import back_up_when_due

    def ready() -> None:
        freeze_startup_heap()
        assert window.sync is not None and window.workspace is not None
        window.sync.start()
        back_up_when_due(window.workspace)
        if os.environ.get(READY_PROBE):
            print(f"READY {time.time()}", flush=True)
            QApplication.instance().quit()  # type: ignore[union-attr]

    window.ready.connect(ready)


def _serve(app: QApplication, window: MainWindow) -> int:
    app.aboutToQuit.connect(window.commit_edits)
    try:
        return app.exec()
    finally:
        if window.sync is not None:
            window.sync.shutdown()
        if window.workspace is not None:
            window.workspace.tasks.cancel_all()
            window.workspace.tasks.wait()
