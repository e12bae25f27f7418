"""检查人员库: the officials (干部, with 执法证号) and experts (专家, with specialty) a division
draws teams from, and each one's employment history (what 回避 is judged on)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.labels import day
from jjg_desktop.qt.kit.sizing import fit_on_screen
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.draw import EXPERT, OFFICIAL
from jjg_desktop.services import draws
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store.read.draws import PoolMemberView, pool_members

TOUCH = 40


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class PoolDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.setWindowTitle(self.tr("检查人员库"))
        self.members: list[PoolMemberView] = []
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("姓名"), self.tr("类别"), self.tr("执法证号"),
                                   self.tr("专业"), self.tr("工作单位"), self.tr("任职经历")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName(self.tr("检查人员"))
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(self._selected)

        add = QGroupBox(self.tr("添加人员"), self)
        self.kind = QComboBox(add)
        self.kind.addItems([OFFICIAL, EXPERT])
        self.name = QLineEdit(add)
        self.cert_no = QLineEdit(add)
        self.cert_no.setPlaceholderText(self.tr("干部必填"))
        self.specialty = QLineEdit(add)
        self.specialty.setPlaceholderText(self.tr("专家填写，如 建筑市场、造价"))
        self.employer = QLineEdit(add)
        self.phone = QLineEdit(add)
        self.username = QLineEdit(add)
        self.username.setPlaceholderText(self.tr("本系统用户名（可不填）"))
        self.add_button = QPushButton(self.tr("添加到人员库"), add)
        self.add_button.clicked.connect(self.add_member)
        form = QFormLayout(add)
        for caption, widget in ((self.tr("类别"), self.kind), (self.tr("姓名"), self.name),
                                (self.tr("执法证号"), self.cert_no),
                                (self.tr("专业"), self.specialty),
                                (self.tr("工作单位"), self.employer),
                                (self.tr("电话"), self.phone),
                                (self.tr("用户名"), self.username)):
            widget.setMinimumHeight(TOUCH)
            form.addRow(caption, widget)
        self.add_button.setMinimumHeight(TOUCH)
        self.update_button = QPushButton(self.tr("保存对所选人员的修改"), add)
        self.update_button.clicked.connect(self.update_member)
        self.deactivate_button = QPushButton(self.tr("停用所选人员"), add)
        self.deactivate_button.setToolTip(self.tr("停用后不再参与抽取；已有的检查记录不变"))
        self.deactivate_button.clicked.connect(self.deactivate_member)
        for button in (self.update_button, self.deactivate_button):
            button.setMinimumHeight(TOUCH)
            button.setEnabled(False)
        actions = QHBoxLayout()
        for button in (self.add_button, self.update_button, self.deactivate_button):
            actions.addWidget(button)
        form.addRow("", actions)

        job = QGroupBox(self.tr("为所选人员记录任职经历"), self)
        self.job_box = job
        self.credit_code = QLineEdit(job)
        self.credit_code.setPlaceholderText(self.tr("统一社会信用代码"))
        self.enterprise = QLineEdit(job)
        self.start = QDateEdit(_qdate(workspace.today()), job)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.still = QCheckBox(self.tr("至今在职"), job)
        self.end = QDateEdit(_qdate(workspace.today()), job)
        self.end.setCalendarPopup(True)
        self.end.setDisplayFormat("yyyy-MM-dd")
        self.still.toggled.connect(lambda on: self.end.setEnabled(not on))
        self.job_button = QPushButton(self.tr("记录任职经历"), job)
        self.job_button.clicked.connect(self.add_job)
        jform = QFormLayout(job)
        ends = QHBoxLayout()
        ends.addWidget(self.end, 1)
        ends.addWidget(self.still)
        for caption, widget in ((self.tr("信用代码"), self.credit_code),
                                (self.tr("单位名称"), self.enterprise),
                                (self.tr("起始"), self.start)):
            widget.setMinimumHeight(TOUCH)
            jform.addRow(caption, widget)
        self.end.setMinimumHeight(TOUCH)
        jform.addRow(self.tr("结束"), ends)
        self.job_button.setMinimumHeight(TOUCH)
        jform.addRow("", self.job_button)
        job.setEnabled(False)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        forms = QHBoxLayout()
        forms.addWidget(add, 1)
        forms.addWidget(job, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(forms)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_on_screen(self, 980, 640)
        self.reload()

    def reload(self, select: str = "") -> None:
        with self._ws.store.db.read() as session:
            self.members = pool_members(session, self._ws.actor.division_code)
        self.tree.clear()
        for m in self.members:
            history = "；".join(
                f"{j.enterprise_name or j.credit_code} {day(j.start)}～{day(j.end) or '至今'}"
                for j in m.history)
            item = QTreeWidgetItem([m.name, m.kind, m.enforcement_cert_no, m.specialty,
                                    m.employer, history])
            item.setData(0, Qt.ItemDataRole.UserRole, m.id)
            self.tree.addTopLevelItem(item)
            if m.id == select:
                self.tree.setCurrentItem(item)

    def current_id(self) -> str:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else ""

    def _member(self) -> PoolMemberView | None:
        return next((m for m in self.members if m.id == self.current_id()), None)

    @Slot()
    def _selected(self) -> None:
        item = self.tree.currentItem()
        self.job_box.setEnabled(item is not None)
        member = self._member()
        for button in (self.update_button, self.deactivate_button):
            button.setEnabled(member is not None)
        if item is not None:
            self.job_box.setTitle(self.tr("为 {name} 记录任职经历").format(name=item.text(0)))
        if member is not None:  # the form shows the member, to correct
            self.kind.setCurrentText(member.kind)
            for edit, value in ((self.name, member.name),
                                (self.cert_no, member.enforcement_cert_no),
                                (self.specialty, member.specialty),
                                (self.employer, member.employer), (self.phone, member.phone),
                                (self.username, member.username)):
                edit.setText(value)

    def _save(self, member: PoolMemberView, *, active: bool) -> bool:
        try:
            draws.update_pool_member(
                self._ws.service(), member.id, name=self.name.text(),
                enforcement_cert_no=self.cert_no.text(), specialty=self.specialty.text(),
                employer=self.employer.text(), phone=self.phone.text(), active=active)
        except ServiceError as exc:
            self._say(self.tr("未保存：{reason}").format(reason=exc), "error")
            return False
        return True

    @Slot()
    def update_member(self) -> None:
        member = self._member()
        if member is not None and self._save(member, active=True):
            self.reload(select=member.id)
            self._say(self.tr("已保存 {name} 的修改").format(name=self.name.text().strip()))
            self._ws.saved(self.message.text(), "pool_member", member.id)

    @Slot()
    def deactivate_member(self) -> None:
        member = self._member()
        if member is not None and self._save(member, active=False):
            self.reload()
            self._say(self.tr("已停用 {name}：不再参与抽取").format(name=member.name))
            self._ws.saved(self.message.text(), "pool_member", member.id)

    def _say(self, text: str, tone: str = "") -> None:
        self.message.setText(text)
        set_tone(self.message, tone)

    @Slot()
    def add_member(self) -> None:
        try:
            member_id = draws.add_pool_member(
                self._ws.service(), kind=self.kind.currentText(), name=self.name.text(),
                enforcement_cert_no=self.cert_no.text(), specialty=self.specialty.text(),
                employer=self.employer.text(), phone=self.phone.text(),
                username=self.username.text().strip() or None)
        except ServiceError as exc:
            self._say(self.tr("未添加：{reason}").format(reason=exc), "error")
            return
        name = self.name.text().strip()
        self.reload()  # nothing selected: the form is blank for the next one to add
        self.tree.setCurrentItem(None)
        for edit in (self.name, self.cert_no, self.specialty, self.employer, self.phone,
                     self.username):
            edit.clear()
        self._say(self.tr("已将 {name} 添加到检查人员库").format(name=name))
        self._ws.saved(self.tr("已将 {name} 添加到检查人员库").format(name=name),
                       "pool_member", member_id)

    @Slot()
    def add_job(self) -> None:
        member_id = self.current_id()
        if not member_id:
            return
        try:
            job_id = draws.add_employment(
                self._ws.service(), member_id, credit_code=self.credit_code.text(),
                enterprise_name=self.enterprise.text(), start=_pydate(self.start.date()),
                end=None if self.still.isChecked() else _pydate(self.end.date()))
        except ServiceError as exc:
            self._say(self.tr("未记录：{reason}").format(reason=exc), "error")
            return
        self.credit_code.clear()
        self.enterprise.clear()
        self.reload(select=member_id)
        self._say(self.tr("任职经历已记录"))
        self._ws.saved(self.tr("任职经历已记录"), "pool_employment", job_id)
