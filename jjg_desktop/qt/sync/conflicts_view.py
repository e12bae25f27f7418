"""Changes the server refused, each beside the server's version, and the user's decision:
send mine again on top of the server's version, or take the server's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.sync.conflicts import ConflictView, keep_mine, open_conflicts, take_theirs

CONFLICTS_FORM = form("conflicts_view.ui", emptyLabel=QLabel, conflictSplitter=QSplitter,
                      conflictList=QTableWidget, conflictTitle=QLabel, reasonLabel=QLabel,
                      fieldTable=QTableWidget, keepMineButton=QPushButton,
                      takeTheirsButton=QPushButton, whyNotLabel=QLabel)

DIFFERENT = QColor("#fff1c2")
def decided(view: ConflictView) -> str:
    if not view.decided_by:
        return "—"
    when = labels.local_time(view.decided_at)
    return f"{view.decided_by} · {when}" if when else view.decided_by


class ConflictsView(QWidget):
    count_changed = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.conflicts: list[ConflictView] = []
        ui = CONFLICTS_FORM.load(self)
        self.empty = ui.find(QLabel, "emptyLabel")
        self.splitter = ui.find(QSplitter, "conflictSplitter")
        self.list = ui.find(QTableWidget, "conflictList")
        self.title = ui.find(QLabel, "conflictTitle")
        self.reason = ui.find(QLabel, "reasonLabel")
        self.fields = ui.find(QTableWidget, "fieldTable")
        self.keep_mine_button = ui.find(QPushButton, "keepMineButton")
        self.take_theirs_button = ui.find(QPushButton, "takeTheirsButton")
        self.why_not = ui.find(QLabel, "whyNotLabel")
        set_tone(self.why_not, "hint")
        self._setup_tables()
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.list.itemSelectionChanged.connect(self._show_selected)
        self.keep_mine_button.clicked.connect(self.keep_mine)
        self.take_theirs_button.clicked.connect(self.take_theirs)
        self.setFocusProxy(self.list)
        self._fill([])

    def _setup_tables(self) -> None:
        self.list.setColumnCount(4)
        self.list.setHorizontalHeaderLabels(
            [self.tr("记录"), self.tr("服务器的答复"), self.tr("决定人 · 时间"),
             self.tr("发现时间")])
        header = self.list.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().horizontalAdvance("中")
        for column, width in ((0, 18), (2, 12), (3, 9)):
            self.list.setColumnWidth(column, width * em)
        self.fields.setColumnCount(3)
        self.fields.setHorizontalHeaderLabels(
            [self.tr("字段"), self.tr("我的修改"), self.tr("服务器上的版本")])
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.fields.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)

    def current(self) -> ConflictView | None:
        row = self.list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def reload(self) -> None:
        store = self._ws.store

        def work(_state: TaskState) -> list[ConflictView]:
            return open_conflicts(store)

        self._ws.tasks.run("sync-conflicts", work, self._fill)

    def select(self, conflict_id: int) -> None:
        for row, view in enumerate(self.conflicts):
            if view.id == conflict_id:
                self.list.selectRow(row)
                return

    def _fill(self, conflicts: list[ConflictView]) -> None:
        previous = self.current()
        self.conflicts = conflicts
        self.list.setRowCount(len(conflicts))
        for row, view in enumerate(conflicts):
            for column, text in enumerate((view.title, view.reason, decided(view),
                                           labels.local_time(view.detected_at))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.list.setItem(row, column, item)
        self.empty.setVisible(not conflicts)
        self.splitter.setVisible(bool(conflicts))
        if conflicts:
            keep = next((n for n, v in enumerate(conflicts)
                         if previous is not None and v.id == previous.id), 0)
            self.list.selectRow(keep)
        self._show_selected()
        self.count_changed.emit(len(conflicts))

    @Slot()
    def _show_selected(self) -> None:
        view = self.current()
        self.fields.setRowCount(0)
        for button in (self.keep_mine_button, self.take_theirs_button):
            button.setEnabled(view is not None)
        if view is None:
            self.title.clear()
            self.reason.clear()
            self.why_not.clear()
            return
        self.title.setText(self.tr("{what}：{title}").format(what=view.command_name,
                                                              title=view.title))
        reason = self.tr("服务器的答复：{reason}").format(reason=view.reason or "—")
        if view.theirs is None:
            reason += self.tr("\n服务器上没有这条记录（可能已被删除）。")
        self.reason.setText(reason)
        self.fields.setRowCount(len(view.fields))
        bold = QFont(self.fields.font())
        bold.setBold(True)
        for row, field in enumerate(view.fields):
            for column, text in enumerate((field.label, field.mine, field.theirs)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if field.differs:
                    item.setBackground(QBrush(DIFFERENT))
                    item.setFont(bold)
                self.fields.setItem(row, column, item)
        self.keep_mine_button.setEnabled(view.can_keep_mine)
        self.keep_mine_button.setToolTip(view.why_not if not view.can_keep_mine else self.tr(
            "把我的修改写在服务器版本之上，下次同步时重新提交，由服务器再次检查"))
        self.take_theirs_button.setToolTip(self.tr("放弃我的修改，改用服务器上的版本"))
        self.why_not.setText(view.why_not)

    @Slot()
    def keep_mine(self) -> None:
        self._decide(keep_mine, self.tr("已保留我的修改，将在下次同步时重新提交：{title}"))

    @Slot()
    def take_theirs(self) -> None:
        self._decide(take_theirs, self.tr("已采用服务器版本：{title}"))

    def _decide(self, action: Callable[[ServiceContext, int], None], said: str) -> None:
        view = self.current()
        if view is None:
            return
        ctx = self._ws.service()
        for button in (self.keep_mine_button, self.take_theirs_button):
            button.setEnabled(False)

        def work(_state: TaskState) -> None:
            action(ctx, view.id)

        def done(_result: None) -> None:
            self._ws.saved(said.format(title=view.title), view.entity, view.entity_id)
            self.reload()

        def failed(message: str) -> None:
            self._ws.message.emit(message)
            self.reload()

        run_service(self._ws.tasks, "sync-conflict-decision", work, done, failed)
