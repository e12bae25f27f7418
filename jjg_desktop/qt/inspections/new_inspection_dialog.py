"""新建检查: a routine (日常), special (专项) or 四不两直 inspection not made by a draw — the
project, the method, the day, and the team chosen from the pool of officials and experts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.inspections.pool_dialog import PoolDialog
from jjg_desktop.qt.kit.sizing import fit_on_screen
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.inspection import PLANNABLE_METHODS
from jjg_desktop.services import inspections
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.services.inspection_base import TeamEntry
from jjg_desktop.store.read.draws import pool_members
from jjg_desktop.store.read.registers import ProjectFilter, project_ids, project_rows

TOUCH = 40
SHOWN = 30


class NewInspectionDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None,
                 project_id: str = "") -> None:
        super().__init__(parent)
        self._ws = workspace
        self.inspection_id = ""
        self.pool_dialog: PoolDialog | None = None
        self.setWindowTitle(self.tr("新建检查"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("输入项目名称或编号查找在建项目"))
        self.projects = QListWidget(self)
        self.projects.setAccessibleName(self.tr("项目"))
        self.projects.setMinimumHeight(120)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.find_projects)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.method = QComboBox(self)
        self.method.addItems([m for m in PLANNABLE_METHODS])
        self.method.setCurrentText("日常")
        today = workspace.today()
        self.planned_on = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.planned_on.setCalendarPopup(True)
        self.planned_on.setDisplayFormat("yyyy-MM-dd")
        self.team = QListWidget(self)
        self.team.setAccessibleName(self.tr("检查组"))
        self.team.setMinimumHeight(110)
        pool_button = QPushButton(self.tr("管理检查人员库…"), self)
        pool_button.setAutoDefault(False)
        pool_button.clicked.connect(self.manage_pool)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        set_tone(self.message, "error")
        form = QFormLayout()
        for caption, widget in ((self.tr("项目"), self.search), ("", self.projects),
                                (self.tr("检查方式"), self.method),
                                (self.tr("计划日期"), self.planned_on),
                                (self.tr("检查组（勾选）"), self.team), ("", pool_button)):
            widget.setMinimumHeight(max(widget.minimumHeight(), TOUCH))
            form.addRow(caption, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_on_screen(self, 640, 620)
        self.find_projects(project_id)
        self._fill_team()

    @Slot()
    def find_projects(self, select: str = "") -> None:
        with self._ws.store.db.read() as session:
            ids = project_ids(session, ProjectFilter(text=self.search.text().strip(),
                                                     status="在建"), sort="name", order="asc",
                              limit=SHOWN)
            if select and select not in ids:
                ids = [select, *ids]
            rows = project_rows(session, ids)
        self.projects.clear()
        for r in rows:
            item = QListWidgetItem(f"{r.name}（{r.code}）", self.projects)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            if r.id == select:
                self.projects.setCurrentItem(item)
        if self.projects.currentRow() < 0 and self.projects.count():
            self.projects.setCurrentRow(0)

    def _fill_team(self) -> None:
        checked = set(self.team_entries())
        with self._ws.store.db.read() as session:
            members = pool_members(session, self._ws.actor.division_code)
        self.team.clear()
        for m in members:
            label = f"{m.name}（{m.kind}）"
            if m.enforcement_cert_no:
                label += self.tr(" 执法证号 {cert}").format(cert=m.enforcement_cert_no)
            item = QListWidgetItem(label, self.team)
            entry = TeamEntry(name=m.name, kind=m.kind, cert_no=m.enforcement_cert_no,
                              username=m.username)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if entry in checked
                               else Qt.CheckState.Unchecked)
        if not members:
            self.message.setText(self.tr("检查人员库为空：请先点“管理检查人员库…”添加干部和专家。"))

    def team_entries(self) -> list[TeamEntry]:
        return [self.team.item(n).data(Qt.ItemDataRole.UserRole)
                for n in range(self.team.count())
                if self.team.item(n).checkState() == Qt.CheckState.Checked]

    @Slot()
    def manage_pool(self) -> None:
        self.pool_dialog = PoolDialog(self._ws, self)
        self.pool_dialog.finished.connect(lambda _r: self._fill_team())
        self.pool_dialog.open()

    def accept(self) -> None:
        item = self.projects.currentItem()
        if item is None:
            self.message.setText(self.tr("请选择要检查的项目"))
            return
        d = self.planned_on.date()
        try:
            self.inspection_id = inspections.plan(
                self._ws.service(), item.data(Qt.ItemDataRole.UserRole),
                method=self.method.currentText(), planned_on=date(d.year(), d.month(), d.day()),
                team=self.team_entries())
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self._ws.saved(self.tr("已新建检查"), "inspection", self.inspection_id)
        super().accept()
