"""One project: its particulars, the enterprises taking part, and its key persons
(read-only)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.detail_tables import fill_table, setup_table
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.store.read.registers import ProjectDetail, project_detail

_VALUES = ("codeValue", "divisionValue", "kindValue", "addressValue", "permitValue",
           "startValue", "completionValue", "amountValue")

DETAIL_FORM = form("project_detail.ui", backButton=QPushButton, titleLabel=QLabel,
                   statusLabel=QLabel, partiesTable=QTableWidget, peopleTable=QTableWidget,
                   **dict.fromkeys(_VALUES, QLabel))


class ProjectDetailView(QWidget):
    back = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        ui = DETAIL_FORM.load(self)
        self.project_id: str | None = None
        self.title = ui.find(QLabel, "titleLabel")
        self.status = ui.find(QLabel, "statusLabel")
        self.values = {name: ui.find(QLabel, name) for name in _VALUES}
        self.parties = ui.find(QTableWidget, "partiesTable")
        self.people = ui.find(QTableWidget, "peopleTable")
        setup_table(self.parties, (self.tr("角色"), self.tr("单位名称"),
                                    self.tr("统一社会信用代码")), 1)
        setup_table(self.people, (self.tr("岗位"), self.tr("姓名"), self.tr("证书编号"),
                                   self.tr("电话"), self.tr("所在单位")), 4)
        self.parties.itemActivated.connect(self._open_enterprise)
        ui.find(QPushButton, "backButton").clicked.connect(self.back)
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence.StandardKey.Back):
            QShortcut(keys, self, self.back.emit,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusProxy(self.parties)

    def show_project(self, project_id: str) -> bool:
        with self._ws.store.db.read() as session:
            detail = project_detail(session, project_id)
        if detail is None:
            return False
        self.project_id = project_id
        self._fill(detail)
        return True

    def _fill(self, d: ProjectDetail) -> None:
        self.title.setText(d.row.name)
        self.status.setText(d.row.status)
        v = self.values
        v["codeValue"].setText(d.row.code)
        v["divisionValue"].setText(d.row.division)
        v["kindValue"].setText(d.row.kind)
        v["addressValue"].setText(d.address)
        v["permitValue"].setText(d.permit_no or self.tr("（未登记）"))
        v["startValue"].setText(labels.day(d.start_date))
        v["completionValue"].setText(labels.day(d.planned_completion))
        v["amountValue"].setText(d.contract_amount)
        fill_table(self.parties, [(p.enterprise_id, (p.role, p.name, p.credit_code))
                                   for p in d.parties])
        fill_table(self.people, [(None, (k.role, k.name, k.cert_no, k.phone, k.enterprise))
                                  for k in d.people])

    @Slot(QTableWidgetItem)
    def _open_enterprise(self, item: QTableWidgetItem) -> None:
        self._ws.go("enterprises", item.data(Qt.ItemDataRole.UserRole))
