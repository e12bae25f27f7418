"""工作台: the counts a clerk watches and the nearest work, each a way into its page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt import labels
from jjg_desktop.qt.case_page import OPEN, OVERDUE_COLORS
from jjg_desktop.qt.enterprise_page import ALL, OUT_OF_PROVINCE
from jjg_desktop.qt.forms import form
from jjg_desktop.qt.inspection_page import THIS_YEAR
from jjg_desktop.qt.project_page import ACTIVE
from jjg_desktop.qt.tasks import TaskState
from jjg_desktop.qt.workspace import Workspace
from jjg_desktop.store.worklists import (
    CaseRow,
    DashboardCounts,
    InspectionRow,
    case_desk,
    dashboard_counts,
    nearest_deadlines,
    recent_inspections,
    waiting_cases,
)

DASHBOARD_FORM = form("dashboard.ui", greetingLabel=QLabel, tilesGrid=QGridLayout,
                      recentInspections=QTreeWidget, nearestDeadlines=QTreeWidget,
                      waitingCaption=QLabel, waitingCases=QTreeWidget)
TILES_PER_ROW = 6
LIST_LENGTH = 12
WAITING_LENGTH = 50


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dashboard", text)


@dataclass(frozen=True, slots=True)
class Tile:
    caption: str
    value: Callable[[DashboardCounts], int]
    page: str
    preset: str = ""


def tiles() -> list[Tile]:
    return [
        Tile(_tr("在册企业"), lambda c: c.enterprises, "enterprises", ALL),
        Tile(_tr("其中省外入吉"), lambda c: c.out_of_province, "enterprises", OUT_OF_PROVINCE),
        Tile(_tr("在建项目"), lambda c: c.active_projects, "projects", ACTIVE),
        Tile(_tr("本年检查"), lambda c: c.inspections_this_year, "inspections", THIS_YEAR),
        Tile(_tr("办理中的异常名录案件"), lambda c: c.open_cases, "cases", OPEN),
        Tile(_tr("未同步更改"), lambda c: c.pending_changes, "sync"),
    ]


@dataclass(frozen=True, slots=True)
class _Snapshot:
    counts: DashboardCounts
    inspections: list[InspectionRow]
    cases: list[CaseRow]
    waiting: list[CaseRow]
    """Cases waiting on this user's level in their scope, the nearest deadline first."""


class CountTile(QPushButton):
    """A count with its caption; pressing it opens the list behind the number."""

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countTile")
        self.tile = tile
        self.number = QLabel("—", self)
        self.number.setObjectName("tileNumber")
        caption = QLabel(tile.caption, self)
        caption.setObjectName("tileCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        for label in (self.number, caption):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        self.setAccessibleName(tile.caption)
        self.setMinimumHeight(layout.sizeHint().height())

    def show_count(self, counts: DashboardCounts) -> None:
        value = self.tile.value(counts)
        self.number.setText(f"{value:,}")
        self.setAccessibleDescription(str(value))


class Dashboard(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        ui = DASHBOARD_FORM.load(self)
        ui.find(QLabel, "greetingLabel").setText(self.tr("{name}，您好。今天是 {day}。").format(
            name=workspace.actor.display_name, day=workspace.today().isoformat()))
        grid = ui.find(QGridLayout, "tilesGrid")
        self.tiles = [CountTile(t, self) for t in tiles()]
        for n, tile in enumerate(self.tiles):
            grid.addWidget(tile, n // TILES_PER_ROW, n % TILES_PER_ROW)
            tile.clicked.connect(lambda _=False, t=tile.tile: workspace.go(t.page, preset=t.preset))
        self.inspections = ui.find(QTreeWidget, "recentInspections")
        self.cases = ui.find(QTreeWidget, "nearestDeadlines")
        self.waiting = ui.find(QTreeWidget, "waitingCases")
        self.waiting_caption = ui.find(QLabel, "waitingCaption")
        for tree, stretch in ((self.inspections, 1), (self.cases, 0), (self.waiting, 4)):
            tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            tree.header().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
            tree.header().setStretchLastSection(False)
        self.inspections.itemActivated.connect(self._open_inspection)
        self.cases.itemActivated.connect(self._open_case)
        self.waiting.itemActivated.connect(self._open_case)
        self._stale = True
        workspace.changed.connect(self._changed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        today = self._ws.today()
        actor = self._ws.actor

        def work(_state: TaskState) -> _Snapshot:
            with self._ws.store.db.read() as session:
                desk = case_desk(session, actor.role, actor.division_code)
                return _Snapshot(dashboard_counts(session, year=today.year),
                                 recent_inspections(session, today, LIST_LENGTH),
                                 nearest_deadlines(session, LIST_LENGTH),
                                 waiting_cases(session, desk, WAITING_LENGTH))

        self._ws.tasks.run("dashboard", work, self._show)

    def _show(self, snap: _Snapshot) -> None:
        for tile in self.tiles:
            tile.show_count(snap.counts)
        self.inspections.clear()
        for i in snap.inspections:
            item = QTreeWidgetItem([i.number, i.project,
                                    labels.label(labels.INSPECTION_STATUS, i.status),
                                    labels.day(i.day)])
            item.setData(0, Qt.ItemDataRole.UserRole, i.id)
            self.inspections.addTopLevelItem(item)
        self._show_cases(self.cases, snap.cases)
        self._show_cases(self.waiting, snap.waiting)
        self.waiting_caption.setText(
            self.tr("待我办理的异常名录案件（{n} 件）").format(n=len(snap.waiting))
            if snap.waiting else self.tr("待我办理的异常名录案件：暂无"))

    def _show_cases(self, tree: QTreeWidget, cases: list[CaseRow]) -> None:
        tree.clear()
        today = self._ws.today()
        for c in cases:
            overdue = c.overdue_on(today)
            deadline = labels.day(c.deadline)
            if overdue:
                deadline = self.tr("{date}（已逾期）").format(date=deadline)
            texts = [c.enterprise, "、".join(c.grounds), c.state_label, deadline]
            if tree is self.waiting:
                texts.append(c.division)
            item = QTreeWidgetItem(texts)
            item.setData(0, Qt.ItemDataRole.UserRole, c.id)
            if overdue:
                for col in range(item.columnCount()):
                    item.setForeground(col, OVERDUE_COLORS[0])
                    item.setBackground(col, OVERDUE_COLORS[1])
            tree.addTopLevelItem(item)

    @Slot(QTreeWidgetItem, int)
    def _open_inspection(self, item: QTreeWidgetItem, _column: int) -> None:
        self._ws.go("inspections", item.data(0, Qt.ItemDataRole.UserRole))

    @Slot(QTreeWidgetItem, int)
    def _open_case(self, item: QTreeWidgetItem, _column: int) -> None:
        self._ws.go("cases", item.data(0, Qt.ItemDataRole.UserRole))

    @Slot(str, str)
    def _changed(self, _entity: str, _entity_id: str) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True
