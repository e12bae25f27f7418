"""The main window: navigation on the left, one page at a time, the status bar below."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication, QSize, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    QWidget,
)

from jjg_desktop.qt.cases.case_page import CasePage
from jjg_desktop.qt.dashboard.dashboard import Dashboard
from jjg_desktop.qt.inspections.inspection_page import InspectionPage
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.workspace import Destination, Workspace
from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.registry.project_page import ProjectPage
from jjg_desktop.qt.settings.settings_dialog import SettingsDialog
from jjg_desktop.qt.shell.status_bar import StatusFields
from jjg_desktop.qt.sync.sync_page import SyncPage
from jjg_desktop.qt.sync.sync_scheduler import SyncScheduler

MAIN_FORM = form("main_window.ui", navList=QListWidget, pages=QStackedWidget,
                 statusbar=QStatusBar)
NAV_ITEM_HEIGHT = 44
NAV_WIDTH_EM = 7
PAGE_MARGINS = (16, 12, 16, 8)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


@runtime_checkable
class ShowsDestinations(Protocol):
    def show_destination(self, dest: Destination) -> None: ...


@dataclass(frozen=True, slots=True)
class PageEntry:
    key: str
    title: str
    make: Callable[[Workspace], QWidget]


def page_entries() -> list[PageEntry]:
    """The pages, in navigation order (Ctrl+1 … Ctrl+6)."""
    return [
        PageEntry("dashboard", _tr("工作台"), Dashboard),
        PageEntry("inspections", _tr("检查"), InspectionPage),
        PageEntry("projects", _tr("项目"), ProjectPage),
        PageEntry("enterprises", _tr("入吉企业"), EnterprisePage),
        PageEntry("cases", _tr("异常名录"), CasePage),
        PageEntry("sync", _tr("同步"), SyncPage),
    ]


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        ui = MAIN_FORM.load(self)
        self.nav = ui.find(QListWidget, "navList")
        self.stack = ui.find(QStackedWidget, "pages")
        self.stack.setContentsMargins(*PAGE_MARGINS)
        self.pages: dict[str, QWidget] = {}
        em = self.fontMetrics().horizontalAdvance("中")
        self.nav.setFixedWidth(NAV_WIDTH_EM * em)
        for n, entry in enumerate(page_entries(), start=1):
            page = entry.make(workspace)
            page.setObjectName(f"{entry.key}Page")
            self.pages[entry.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(entry.title, self.nav)
            item.setSizeHint(QSize(0, NAV_ITEM_HEIGHT))
            item.setToolTip(f"{entry.title}（Ctrl+{n}）")
            QShortcut(QKeySequence(f"Ctrl+{n}"), self, lambda row=n - 1: self.show_page(row))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        self.sync = SyncScheduler(workspace, parent=self)
        sync_page = self.pages["sync"]
        assert isinstance(sync_page, SyncPage)
        sync_page.attach(self.sync)
        self.status = StatusFields(ui.find(QStatusBar, "statusbar"), workspace, self.sync)
        workspace.navigate.connect(self.go)
        self.settings_action = QAction(_tr("设置(&S)…"), self, shortcut=QKeySequence("Ctrl+,"),
                                       triggered=self.open_settings)
        self.menuBar().addAction(self.settings_action)

    @property
    def enterprises(self) -> EnterprisePage:
        page = self.pages["enterprises"]
        assert isinstance(page, EnterprisePage)
        return page

    def page_key(self) -> str:
        return list(self.pages)[self.stack.currentIndex()]

    @Slot(int)
    def show_page(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        self.stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot(object)
    def go(self, dest: Destination) -> None:
        page = self.pages[dest.page]
        self.show_page(list(self.pages).index(dest.page))
        if isinstance(page, ShowsDestinations):
            page.show_destination(dest)

    @Slot()
    def open_settings(self) -> None:
        dialog = SettingsDialog(self, workspace=self.workspace)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()
        self.sync.settings_changed()

    def commit_edits(self) -> None:
        """Save whatever is being typed (before the window closes or the program quits)."""
        self.enterprises.detail.flush()
        self.pages["inspections"].form.flush()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_edits()
        self.sync.shutdown()
        super().closeEvent(event)
