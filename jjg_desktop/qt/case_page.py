"""异常名录: the abnormal-list cases, overdue ones highlighted; read-only for now. Opening a
row opens the enterprise."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from jjg_desktop.qt.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.record_list import RecordList
from jjg_desktop.qt.workspace import Destination, Workspace
from jjg_desktop.store.worklists import CaseFilter, CaseRow, case_count, case_ids, case_rows

SOURCE = ListSource(ids=case_ids, rows=case_rows, count=case_count,
                    default_sort="deadline", default_order="asc")
OPEN = "open"
"""Preset: cases still being handled."""
OVERDUE_COLORS = (QColor("#991b1b"), QColor("#fde8e8"))


def _tr(text: str) -> str:
    return QCoreApplication.translate("CasePage", text)


def deadline_text(row: CaseRow, today: date) -> str:
    if row.deadline is None:
        return ""
    if row.overdue_on(today):
        days = (today - row.deadline).days
        return _tr("{date}（已逾期 {days} 天）").format(date=row.deadline.isoformat(), days=days)
    return row.deadline.isoformat()


class CasePage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        today = workspace.today
        cols = [
            Column(_tr("企业"), lambda r: r.enterprise, "enterprise", 20),
            Column(_tr("信用代码"), lambda r: r.credit_code, "credit_code", 11),
            Column(_tr("事由"), lambda r: "、".join(r.grounds), None, 16),
            Column(_tr("状态"), lambda r: r.state_label, "state", 10),
            Column(_tr("期限"), lambda r: deadline_text(r, today()), "deadline", 10),
        ]
        self.model = LazyTableModel(
            workspace, SOURCE, cols, CaseFilter(),
            row_colors=lambda r: OVERDUE_COLORS if r.overdue_on(today()) else None, parent=self)
        self.list = RecordList(
            self.model, placeholder=self.tr("企业名称、统一社会信用代码"),
            count_text=lambda n: self.tr("共 {n} 件").format(n=n),
            make_filter=self._filter, parent=self)
        self.state = self.list.add_filter(self.tr("状态"), [
            (self.tr("全部"), None), (self.tr("办理中"), OPEN),
            (self.tr("已逾期"), "overdue"), (self.tr("已办结"), "closed")])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.setFocusProxy(self.list)
        self.list.activated.connect(self._open_enterprise)

    def _filter(self, text: str) -> CaseFilter:
        state = self.state.currentData()
        return CaseFilter(
            text=text.strip(),
            open={OPEN: True, "closed": False}.get(state),
            overdue_on=self._ws.today() if state == "overdue" else None)

    def show_destination(self, dest: Destination) -> None:
        if dest.preset == OPEN:
            self.list.search.clear()
            self.state.setCurrentIndex(self.state.findData(OPEN))
            self.list.apply_filter()
        if dest.record_id:
            with self._ws.store.db.read() as session:
                rows = case_rows(session, [dest.record_id])
            if rows:
                self.state.setCurrentIndex(0)
                self.list.reveal(dest.record_id, rows[0].credit_code)

    @Slot(object)
    def _open_enterprise(self, case_id: str) -> None:
        row = self.model.record(case_id)
        if row is not None:
            self._ws.go("enterprises", row.enterprise_id)
