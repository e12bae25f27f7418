"""异常名录: the abnormal-list cases by state and deadline (overdue ones highlighted, the ones
waiting on this user's level a filter away), and one case's page, where the steps are taken."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QWidget

from jjg_desktop.qt.cases.case_detail import CaseDetailView, escalation_text
from jjg_desktop.qt.cases.case_new_dialog import NewProposalDialog
from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.export_action import ListExport, export_shown
from jjg_desktop.qt.kit.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.kit.presets import (
    CLOSED,
    ESCALATION_COLORS,
    MINE,
    OPEN,
    OVERDUE,
    OVERDUE_COLORS,
    STATE_PREFIX,
)
from jjg_desktop.qt.kit.record_list import RecordList
from jjg_desktop.qt.kit.workspace import Destination, Workspace
from jjg_desktop.rules.workflow import LEVEL_LABELS
from jjg_desktop.store.read.worklists import (
    CaseDesk,
    CaseFilter,
    CaseRow,
    case_count,
    case_desk,
    case_ids,
    case_rows,
)
from jjg_desktop.store.rulebook import abnormal_list_workflow

SOURCE = ListSource(ids=case_ids, rows=case_rows, count=case_count,
                    default_sort="deadline", default_order="asc")


def _tr(text: str) -> str:
    return QCoreApplication.translate("CasePage", text)


def deadline_text(row: CaseRow, today: date) -> str:
    if row.deadline is None or not row.open:
        return row.deadline.isoformat() if row.deadline else ""
    return _open_deadline(row, today) + labels.calendar_caveat(row.deadline, today, short=True)


def _open_deadline(row: CaseRow, today: date) -> str:
    assert row.deadline is not None
    state = abnormal_list_workflow().states.get(row.state)
    if state is not None and state.deadline_label:
        passed = _tr("（已过）") if row.deadline < today else ""
        return _tr("{label}至 {date}{passed}").format(
            label=state.deadline_label, date=row.deadline.isoformat(), passed=passed)
    if row.overdue_on(today):
        days = (today - row.deadline).days
        return _tr("{date}（已逾期 {days} 天）").format(date=row.deadline.isoformat(), days=days)
    return row.deadline.isoformat()


def level_text(level: int | None) -> str:
    return LEVEL_LABELS.get(level, "") if level else ""


def waiting_label(row: CaseRow) -> str:
    """Who the case waits on: a level, or the party when no official does."""
    if not row.open:
        return ""
    state = abnormal_list_workflow().states.get(row.state)
    return level_text(row.waiting_level) or (state.waiting_on if state else "")


def row_colors(row: CaseRow, today: date) -> tuple[QColor, QColor] | None:
    if row.overdue_on(today):
        return OVERDUE_COLORS
    if row.escalation_due(today):
        return ESCALATION_COLORS
    return None


def load_desk(workspace: Workspace) -> CaseDesk:
    with workspace.store.db.read() as session:
        return case_desk(session, workspace.actor.role, workspace.actor.division_code)


class CasePage(QStackedWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.desk = load_desk(workspace)
        today = workspace.today
        cols = [
            Column(_tr("企业"), lambda r: r.enterprise, "enterprise", 16),
            Column(_tr("信用代码"), lambda r: r.credit_code, "credit_code", 11),
            Column(_tr("事由"), lambda r: "、".join(r.grounds), None, 11),
            Column(_tr("状态"), lambda r: r.state_label, "state", 10),
            Column(_tr("期限"), lambda r: deadline_text(r, today()), "deadline", 17),
            Column(_tr("待办层级"), waiting_label, None, 5),
            Column(_tr("提示"), lambda r: escalation_text() if r.escalation_due(today())
                   else "", None, 8),
        ]
        self.model = LazyTableModel(
            workspace, SOURCE, cols, CaseFilter(),
            row_colors=lambda r: row_colors(r, today()), parent=self)
        self.list = RecordList(
            self.model, placeholder=self.tr("企业名称、统一社会信用代码"),
            count_text=lambda n: self.tr("共 {n} 件").format(n=n),
            make_filter=self._filter, parent=self)
        states = [(s.label, STATE_PREFIX + key)
                  for key, s in abnormal_list_workflow().states.items()]
        self.state = self.list.add_filter(self.tr("状态"), [
            (self.tr("全部"), None), (self.tr("办理中"), OPEN), (self.tr("已逾期"), OVERDUE),
            (self.tr("已办结"), CLOSED), *states])
        self.state.insertSeparator(4)
        self.mine = self.list.add_filter(self.tr("办理"), [
            (self.tr("全部案件"), None), (self.tr("只看待我办理"), MINE)])
        self.mine.setEnabled(self.desk.level is not None)
        self.mine.setToolTip(self.tr("等待本级（{level}）办理、且在本辖区内的案件").format(
            level=level_text(self.desk.level)) if self.desk.level
            else self.tr("您的角色不办理异常名录案件"))
        self.new_button = QPushButton(self.tr("新建拟列入…"), self)
        self.new_button.setToolTip(self.tr("选择入吉企业，以其核查记录和检查发现的问题为证据，"
                                           "发起异常名录拟列入"))
        self.new_button.clicked.connect(self.new_proposal)
        self.new_button.setVisible(workspace.actor.role == "county_clerk")
        self.new_dialog: NewProposalDialog | None = None
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        self.export_button = QPushButton(self.tr("导出…"), self)
        self.export_button.setToolTip(self.tr("把当前筛选、排序后的列表导出为 Excel"))
        title = self.tr("异常名录案件")
        self.export_button.clicked.connect(
            lambda: export_shown(self.exporter, workspace.store, title, self.model, SOURCE,
                                 self.list.current_query()))
        self.exporter = ListExport(workspace, self, what=title, unit=self.tr("件"),
                                   file_stem=title)
        bar.addWidget(self.export_button)
        self.list.add_header(bar)
        self.detail = CaseDetailView(workspace, self)
        self.addWidget(self.list)
        self.addWidget(self.detail)
        self.setFocusProxy(self.list)
        self.list.activated.connect(self.open)
        self.detail.back.connect(self.show_list)
        workspace.changed.connect(self._changed)

    def _filter(self, text: str) -> CaseFilter:
        state = self.state.currentData()
        mine = self.mine.currentData() == MINE and self.desk.level is not None
        return CaseFilter(
            text=text.strip(),
            open={OPEN: True, CLOSED: False}.get(state),
            overdue_on=self._ws.today() if state == OVERDUE else None,
            state=state.removeprefix(STATE_PREFIX)
            if isinstance(state, str) and state.startswith(STATE_PREFIX) else None,
            waiting_level=self.desk.level if mine else None,
            division_codes=self.desk.division_codes if mine else ())

    @Slot()
    def new_proposal(self) -> None:
        if self.new_dialog is not None:
            self.new_dialog.deleteLater()
        self.new_dialog = NewProposalDialog(self._ws, self)
        self.new_dialog.open()

    @Slot(object)
    def open(self, case_id: str) -> None:
        if self.detail.show_case(case_id):
            self.setFocusProxy(self.detail)
            self.setCurrentWidget(self.detail)
            self.detail.setFocus()
        else:
            self._ws.message.emit(self.tr("该案件已不存在（可能已被删除），列表已刷新。"))
            self.model.reload()

    @Slot()
    def show_list(self) -> None:
        self.setFocusProxy(self.list)
        self.setCurrentWidget(self.list)
        self.list.table.setFocus()
        shown = self.detail.case_id
        if shown is not None and not self.list.select_id(shown):
            self.model.reloaded.connect(lambda: self.list.select_id(shown),
                                        type=Qt.ConnectionType.SingleShotConnection)

    def show_destination(self, dest: Destination) -> None:
        if dest.preset in (OPEN, MINE):
            self.list.search.clear()
            self.state.setCurrentIndex(self.state.findData(OPEN) if dest.preset == OPEN else 0)
            self.mine.setCurrentIndex(max(self.mine.findData(dest.preset), 0))
            self.list.apply_filter()
        if dest.record_id:
            self.state.setCurrentIndex(0)
            self.mine.setCurrentIndex(0)
            with self._ws.store.db.read() as session:
                rows = case_rows(session, [dest.record_id])
            if rows:
                self.list.reveal(dest.record_id, rows[0].credit_code)
            self.open(dest.record_id)
        elif dest.preset:
            self.show_list()

    @Slot(str, str)
    def _changed(self, entity: str, _entity_id: str) -> None:
        if entity == "abnormal_case":
            self.model.reload()
