"""工作台: the counts a clerk watches and the nearest work, each a way into its page —
including overdue rectifications, inspections due for a re-inspection, and the division's
active projects not yet inspected this year (检查全覆盖)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.presets import (
    ACTIVE,
    ALL,
    OPEN,
    OPEN_FORM,
    OUT_OF_PROVINCE,
    OVERDUE_COLORS,
    THIS_YEAR,
    Destination,
)

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.tasks import TaskState
    from jjg_desktop.qt.kit.workspace import Workspace
    from jjg_desktop.store.read.dashboard import DashboardSnapshot
    from jjg_desktop.store.read.worklists import CaseRow, DashboardCounts

TILES_PER_ROW = 6
COVERAGE_SHOWN = 50
"""Projects not yet inspected listed here (the 项目 page lists them all): a county with
hundreds would make the first screen slow to lay out."""
MIN_COLUMN_EMS = 6


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dashboard", text)


def _set_record_id(item: QTreeWidgetItem, record_id: str | None) -> None:
    item.setData(0, QtCore.Qt.ItemDataRole.UserRole, record_id)


def _record_id(item: QTreeWidgetItem) -> str:
    return item.data(0, QtCore.Qt.ItemDataRole.UserRole)


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


class CountTile(QPushButton):
    """A count with its caption; pressing it opens the list behind the number."""

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countTile")
        self.tile = tile
        self.number = QLabel("—", self)
        self.number.setObjectName("tileNumber")
        caption = QLabel(tile.caption, self)
        caption.setWordWrap(True)  # a narrow window (125 % on 1366×768) wraps, never clips
        caption.setObjectName("tileCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        for label in (self.number, caption):  # a label ignores the mouse: the tile is pressed
            layout.addWidget(label)
        layout.addStretch(1)  # numbers level across the row when one caption wraps
        self.setAccessibleName(tile.caption)
        self.setMinimumHeight(layout.sizeHint().height())

    def show_count(self, counts: DashboardCounts) -> None:
        value = self.tile.value(counts)
        self.number.setText(f"{value:,}")
        self.setAccessibleDescription(str(value))


class Dashboard(QWidget):
    """Painted first, before the store is open: it shows the snapshot the start read with
    `sqlite3` (`show_snapshot`) and navigates through `go`; once the window has a workspace
    (`attach`) it refreshes itself from the read model whenever a record changes."""

    def __init__(self, name: str, today: date, go: Callable[[Destination], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        self._go = go
        self._today = today
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(0, 0, 0, 0)
        greeting = QLabel(self.tr("{name}，您好。今天是 {day}。").format(
            name=name, day=today.isoformat()), self)
        greeting.setObjectName("greetingLabel")
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        self.tiles = [CountTile(t, self) for t in tiles()]
        for n, tile in enumerate(self.tiles):
            grid.addWidget(tile, n // TILES_PER_ROW, n % TILES_PER_ROW)
            tile.clicked.connect(
                lambda _=False, t=tile.tile: go(Destination(t.page, preset=t.preset)))
        lists = {name: self._list(name, caption, headers) for name, caption, headers in (
            ("waitingCases", _tr("待我办理的异常名录案件"),
             ("企业", "事由", "状态", "期限", "办理地区")),
            ("recentInspections", _tr("最近的检查"), ("检查编号", "项目", "状态", "检查日期")),
            ("nearestDeadlines", _tr("期限最近的异常名录案件"), ("企业", "事由", "状态", "期限")),
            ("overdueRectifications", _tr("逾期未整改的问题"),
             ("检查编号", "项目", "问题", "整改期限")),
            ("dueReinspections", _tr("应复查的检查"), ("检查编号", "项目", "待整改", "整改期满")),
            ("coverageList", _tr("本年尚未检查的在建项目"), ("项目", "施工单位", "上次检查")))}
        self.waiting_caption, self.waiting = lists["waitingCases"]
        self.inspections = lists["recentInspections"][1]
        self.cases = lists["nearestDeadlines"][1]
        self.overdue_caption, self.overdue = lists["overdueRectifications"]
        self.reinspection_caption, self.reinspections = lists["dueReinspections"]
        self.coverage_caption, self.coverage = lists["coverageList"]
        layout.addWidget(greeting)
        layout.addLayout(grid)
        layout.addLayout(self._side_by_side(lists["waitingCases"]), 2)
        layout.addLayout(self._side_by_side(lists["recentInspections"],
                                            lists["nearestDeadlines"]), 3)
        layout.addLayout(self._side_by_side(lists["overdueRectifications"],
                                            lists["dueReinspections"], lists["coverageList"]), 3)
        em = self.fontMetrics().horizontalAdvance("中")
        for tree, stretch in ((self.inspections, 1), (self.cases, 0), (self.waiting, 4),
                              (self.overdue, 2), (self.reinspections, 1), (self.coverage, 0)):
            # a narrow window scrolls sideways rather than squeeze the names to "郑州…"
            tree.header().setMinimumSectionSize(MIN_COLUMN_EMS * em)
            tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            tree.header().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
            tree.header().setStretchLastSection(False)
        self.inspections.itemActivated.connect(self._open_inspection)
        self.cases.itemActivated.connect(self._open_case)
        self.waiting.itemActivated.connect(self._open_case)
        self.overdue.itemActivated.connect(self._open_inspection_form)
        self.reinspections.itemActivated.connect(self._open_inspection_form)
        self.coverage.itemActivated.connect(self._open_project)
        self._stale = True
        self._from_read_model = False

    def _list(self, name: str, caption: str,
               headers: tuple[str, ...]) -> tuple[QLabel, QTreeWidget]:
        """A captioned list of the 工作台 (in code, not a Designer form: it is on the first
        paint, before which a form loader costs ~40 ms)."""
        tree = QTreeWidget(self)
        tree.setObjectName(name)
        tree.setAccessibleName(caption)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setHeaderLabels([_tr(h) for h in headers])
        label = QLabel(caption, self)
        label.setWordWrap(True)  # a long caption takes two lines, not its neighbours' room
        label.setBuddy(tree)
        return label, tree

    @staticmethod
    def _side_by_side(*lists: tuple[QLabel, QTreeWidget]) -> QHBoxLayout:
        """Captioned lists in equal columns."""
        row = QHBoxLayout()
        row.setSpacing(12)
        for caption, tree in lists:
            column = QVBoxLayout()
            column.addWidget(caption)
            column.addWidget(tree)
            row.addLayout(column, 1)
        return row

    def attach(self, workspace: Workspace) -> None:
        self._ws = workspace
        workspace.changed.connect(self._changed)
        if self._stale and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self._ws is not None:
            self.refresh()

    def refresh(self) -> None:
        assert self._ws is not None
        self._stale = False
        today = self._ws.today()
        actor = self._ws.actor
        store = self._ws.store

        def work(_state: TaskState) -> DashboardSnapshot:
            from jjg_desktop.store.read.dashboard import read_dashboard

            with store.db.read() as session:
                return read_dashboard(session, actor.role, actor.division_code, today)

        self._ws.tasks.run("dashboard", work, self._show_from_read_model)

    def _show_from_read_model(self, snap: DashboardSnapshot) -> None:
        self._from_read_model = True
        self.show_snapshot(snap)

    def show_first_snapshot(self, snap: DashboardSnapshot) -> None:
        """The start's own read: shown unless the read model has answered already."""
        if self._from_read_model:
            return
        self._stale = False
        self.show_snapshot(snap)

    def show_snapshot(self, snap: DashboardSnapshot) -> None:
        for tile in self.tiles:
            tile.show_count(snap.counts)
        self.inspections.clear()
        for i in snap.inspections:
            item = QTreeWidgetItem([i.number, i.project,
                                    labels.label(labels.INSPECTION_STATUS, i.status),
                                    labels.day(i.day)])
            _set_record_id(item, i.id)
            self.inspections.addTopLevelItem(item)
        self._show_cases(self.cases, snap.cases)
        self._show_cases(self.waiting, snap.waiting)
        self.waiting_caption.setText(
            self.tr("待我办理的异常名录案件（{n} 件）").format(n=len(snap.waiting))
            if snap.waiting else self.tr("待我办理的异常名录案件：暂无"))
        self._show_inspection_work(snap)

    def _show_inspection_work(self, snap: DashboardSnapshot) -> None:
        self.overdue.clear()
        for o in snap.overdue:
            item = QTreeWidgetItem([o.inspection_number, o.project,
                                    f"{o.item_code} {o.problem}".strip(),
                                    self.tr("{date}（逾期 {n} 天）").format(
                                        date=labels.day(o.deadline), n=o.days_overdue)])
            _set_record_id(item, o.inspection_id)
            item.setToolTip(2, o.problem)
            for col in range(item.columnCount()):
                item.setForeground(col, OVERDUE_COLORS[0])
                item.setBackground(col, OVERDUE_COLORS[1])
            self.overdue.addTopLevelItem(item)
        self.overdue_caption.setText(
            self.tr("逾期未整改的问题（{n} 个，应发督办函）").format(n=len(snap.overdue))
            if snap.overdue else self.tr("逾期未整改的问题：暂无"))
        self.reinspections.clear()
        for r in snap.reinspections:
            item = QTreeWidgetItem([r.inspection_number, r.project, str(r.open_findings),
                                    labels.day(r.last_deadline)])
            _set_record_id(item, r.scheduled_id or r.inspection_id)
            if r.scheduled_id:
                item.setToolTip(0, self.tr("已安排复查 {number}").format(
                    number=r.scheduled_number))
            self.reinspections.addTopLevelItem(item)
        self.reinspection_caption.setText(
            self.tr("应复查的检查（{n} 次）").format(n=len(snap.reinspections))
            if snap.reinspections else self.tr("应复查的检查：暂无"))
        self.coverage.clear()
        for c in snap.coverage.not_inspected[:COVERAGE_SHOWN]:
            last = labels.day(c.last_inspected) or self.tr("从未检查")
            if c.planned:
                last = self.tr("{last}（本年已计划）").format(last=last)
            item = QTreeWidgetItem([c.name, c.contractor, last])
            _set_record_id(item, c.project_id)
            self.coverage.addTopLevelItem(item)
        cov = snap.coverage
        missing = len(cov.not_inspected)
        self.coverage_caption.setText(self.tr(
            "本年检查覆盖 {done}/{total}（{ratio:.0%}），尚未检查的在建项目：").format(
            done=cov.inspected, total=cov.active_projects, ratio=cov.ratio)
            if missing <= COVERAGE_SHOWN else self.tr(
            "本年检查覆盖 {done}/{total}（{ratio:.0%}），尚未检查的在建项目 {n} 个"
            "（下列前 {shown} 个，全部见“项目”页）：").format(
            done=cov.inspected, total=cov.active_projects, ratio=cov.ratio, n=missing,
            shown=COVERAGE_SHOWN))

    def _show_cases(self, tree: QTreeWidget, cases: list[CaseRow]) -> None:
        tree.clear()
        today = self._ws.today() if self._ws else self._today
        for c in cases:
            overdue = c.overdue_on(today)
            deadline = labels.day(c.deadline)
            if overdue:
                deadline = self.tr("{date}（已逾期）").format(date=deadline)
            if c.open:
                deadline += labels.calendar_caveat(c.deadline, today, short=True)
            texts = [c.enterprise, "、".join(c.grounds), c.state_label, deadline]
            if tree is self.waiting:
                texts.append(c.division)
            item = QTreeWidgetItem(texts)
            _set_record_id(item, c.id)
            if overdue:
                for col in range(item.columnCount()):
                    item.setForeground(col, OVERDUE_COLORS[0])
                    item.setBackground(col, OVERDUE_COLORS[1])
            tree.addTopLevelItem(item)

    @Slot(QTreeWidgetItem, int)
    def _open_inspection(self, item: QTreeWidgetItem, _column: int) -> None:
        self._go(Destination("inspections", _record_id(item)))

    @Slot(QTreeWidgetItem, int)
    def _open_inspection_form(self, item: QTreeWidgetItem, _column: int) -> None:
        self._go(Destination("inspections", _record_id(item), OPEN_FORM))

    @Slot(QTreeWidgetItem, int)
    def _open_project(self, item: QTreeWidgetItem, _column: int) -> None:
        self._go(Destination("projects", _record_id(item)))

    @Slot(QTreeWidgetItem, int)
    def _open_case(self, item: QTreeWidgetItem, _column: int) -> None:
        self._go(Destination("cases", _record_id(item)))

    @Slot(str, str)
    def _changed(self, _entity: str, _entity_id: str) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True
