"""The main window: navigation on the left, one page at a time, the status bar below. Built in
code, not from a Designer form: it is on the first paint, before which a form loader costs
~40 ms. Nothing before the paint names PySide6's `Qt` namespace (its enums are built on first
use, ~30 ms): the navigation's scroll bars and the stand-ins' alignment are in the style sheet,
and the rest uses `QtCore.Qt` when it runs.

It is painted before the store is open, with the 工作台 and a “正在载入” stand-in for every
other page. `attach` gives it the workspace; each page is then built the first time it is
shown (20–80 ms, on the user's click), never in the background, where building all five held
the window up to 80 ms at a time while the user might be typing. What a user asks for before
the store is open (a page, a tile, a row) is remembered and opened when it can be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    QWidget,
)

from jjg_desktop.qt.dashboard.dashboard import Dashboard
from jjg_desktop.qt.kit.presets import Destination

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.workspace import Workspace
    from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
    from jjg_desktop.qt.sync.sync_scheduler import SyncScheduler

PAINT_WAIT_MS = 1000
NAV_ITEM_HEIGHT = 44
NAV_WIDTH_EM = 7
PAGE_MARGINS = (16, 12, 16, 8)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def page_titles() -> list[tuple[str, str]]:
    """(key, title) of the pages, in navigation order (Ctrl+1 … Ctrl+6)."""
    return [
        ("dashboard", _tr("工作台")),
        ("inspections", _tr("检查")),
        ("projects", _tr("项目")),
        ("enterprises", _tr("入吉企业")),
        ("cases", _tr("异常名录")),
        ("sync", _tr("同步")),
    ]


@runtime_checkable
class ShowsDestinations(Protocol):
    def show_destination(self, dest: Destination) -> None: ...


class Loading(QLabel):
    """Stands in for a page until it is built."""

    def __init__(self, title: str) -> None:
        super().__init__(_tr("正在载入“{title}”…").format(title=title))
        self.setObjectName("loadingPage")  # centred by the style sheet


class Pages(Mapping[str, QWidget]):
    """The window's pages by key; asking for one builds it if it is not built yet."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __getitem__(self, key: str) -> QWidget:
        return self._window.page(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._window.keys)

    def __len__(self) -> int:
        return len(self._window.keys)


class MainWindow(QMainWindow):
    painted = Signal()
    """Once, after the window's first paint has been drawn (the start loads the rest then), or
    a second after it was shown if it is not drawn by then (started minimised, say)."""
    ready = Signal()
    """The store is open and the window attached: every page opens when asked."""

    def __init__(self, name: str, today: date) -> None:
        super().__init__()
        self.setWindowTitle(_tr("吉建管 — 建筑市场监管"))
        self.resize(1366, 768)
        central = QWidget(self)
        central.setObjectName("central")
        row = QHBoxLayout(central)
        row.setSpacing(0)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("navList")
        self.nav.setAccessibleName(_tr("导航"))  # no scroll bars: the style sheet
        self.stack = QStackedWidget(central)
        self.stack.setObjectName("pages")
        self.stack.setContentsMargins(*PAGE_MARGINS)
        row.addWidget(self.nav)
        row.addWidget(self.stack)
        self.setCentralWidget(central)
        self.status_bar = QStatusBar(self)
        self.status_bar.setObjectName("statusbar")
        self.setStatusBar(self.status_bar)
        self.workspace: Workspace | None = None
        self.sync: SyncScheduler | None = None
        self.keys = [key for key, _ in page_titles()]
        self._built: dict[str, QWidget] = {}
        self._pending: Destination | None = None
        self._makers: Mapping[str, Callable[[Workspace, SyncScheduler], QWidget]] = {}
        self.pages = Pages(self)
        em = self.fontMetrics().horizontalAdvance("中")
        self.nav.setFixedWidth(NAV_WIDTH_EM * em)
        for n, (_key, title) in enumerate(page_titles(), start=1):
            self.stack.addWidget(Loading(title))
            item = QListWidgetItem(title, self.nav)
            item.setSizeHint(QSize(0, NAV_ITEM_HEIGHT))
            item.setToolTip(f"{title}（Ctrl+{n}）")
            QShortcut(QKeySequence(f"Ctrl+{n}"), self, lambda row=n - 1: self.show_page(row))
        self.dashboard = Dashboard(name, today, self.go)
        self._place("dashboard", self.dashboard)
        self.nav.currentRowChanged.connect(self._row_changed)
        self.nav.setCurrentRow(0)
        self.settings_action = QAction(_tr("设置(&S)…"), self)
        # a list: resolving setShortcut's overloads builds the Qt namespace
        self.settings_action.setShortcuts([QKeySequence("Ctrl+,")])
        self.settings_action.triggered.connect(self.open_settings)
        self.settings_action.setEnabled(False)
        self.menuBar().addAction(self.settings_action)
        self.status_bar.showMessage(_tr("正在打开数据库…"))
        self._painted = False
        self.nav.installEventFilter(self)  # until its first paint: see `painted`

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._painted:
            QTimer.singleShot(PAINT_WAIT_MS, self, self._first_paint_drawn)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.nav and event.type() == QEvent.Type.Paint:
            self.nav.removeEventFilter(self)
            QTimer.singleShot(0, self, self._first_paint_drawn)  # once the pass is drawn
        return super().eventFilter(watched, event)

    def _first_paint_drawn(self) -> None:
        if not self._painted:
            self._painted = True
            self.painted.emit()

    # --- after the store is open -----------------------------------------------------------

    def attach(self, workspace: Workspace) -> None:
        """Give the window its workspace: sync, status fields and settings come alive, the
        page on screen is built, and the others follow one per turn of the event loop."""
        from jjg_desktop.qt.shell import pages

        self.workspace = workspace
        self._makers = pages.PAGE_MAKERS
        workspace.navigate.connect(self.go)
        self.sync = pages.SyncScheduler(workspace, parent=self)
        self.status_bar.clearMessage()
        self.status = pages.StatusFields(self.status_bar, workspace, self.sync)
        self.dashboard.attach(workspace)
        self.settings_action.setEnabled(True)
        if self._pending is not None:
            dest, self._pending = self._pending, None
            self.go(dest)
        else:
            self._row_changed(self.nav.currentRow())
        QTimer.singleShot(0, self, self.ready.emit)

    def page(self, key: str) -> QWidget:
        """The page, built now if it was not (needs the workspace)."""
        built = self._built.get(key)
        if built is not None:
            return built
        if self.workspace is None:
            raise RuntimeError(f"page {key} asked for before the store is open")
        assert self.sync is not None
        page = self._makers[key](self.workspace, self.sync)
        self._place(key, page)
        return page

    def built_pages(self) -> dict[str, QWidget]:
        return dict(self._built)

    def _place(self, key: str, page: QWidget) -> None:
        page.setObjectName(f"{key}Page")
        row = self.keys.index(key)
        stand_in = self.stack.widget(row)
        showing = self.stack.currentIndex() == row
        self.stack.insertWidget(row, page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        if showing:
            self.stack.setCurrentIndex(row)
        self._built[key] = page

    # --- navigation ---------------------------------------------------------------------

    @property
    def enterprises(self) -> EnterprisePage:
        return cast("EnterprisePage", self.pages["enterprises"])

    def page_key(self) -> str:
        return self.keys[self.stack.currentIndex()]

    @Slot(int)
    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        if self.workspace is not None:
            self.page(self.keys[row])
        self.stack.setCurrentIndex(row)

    @Slot(int)
    def show_page(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        self.stack.currentWidget().setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)

    @Slot(object)
    def go(self, dest: Destination) -> None:
        """Show a destination; before the store is open, show its page's stand-in and open
        the destination as soon as the page can be built."""
        if self.workspace is None:
            self._pending = dest
            self.show_page(self.keys.index(dest.page))
            self.status_bar.showMessage(_tr("正在打开数据库，稍后自动打开…"))
            return
        page = self.pages[dest.page]
        self.show_page(self.keys.index(dest.page))
        if isinstance(page, ShowsDestinations):
            page.show_destination(dest)

    @Slot()
    def open_settings(self) -> None:
        from jjg_desktop.qt.shell.pages import SettingsDialog

        assert self.sync is not None
        dialog = SettingsDialog(self, workspace=self.workspace)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()
        self.sync.settings_changed()

    def commit_edits(self) -> None:
        """Save whatever is being typed (before the window closes or the program quits)."""
        built = self._built
        if "enterprises" in built:
            self.enterprises.detail.flush()
        if "inspections" in built:
            built["inspections"].form.flush()  # type: ignore[attr-defined]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_edits()
        if self.sync is not None:
            self.sync.shutdown()
        super().closeEvent(event)
