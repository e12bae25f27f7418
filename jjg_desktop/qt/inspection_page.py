"""检查: the inspections, searchable by number or project; read-only until the inspection
form arrives. Opening a row opens the inspected project."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from jjg_desktop.qt import labels
from jjg_desktop.qt.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.record_list import RecordList
from jjg_desktop.qt.workspace import Destination, Workspace
from jjg_desktop.store.worklists import (
    InspectionFilter,
    inspection_count,
    inspection_ids,
    inspection_rows,
)

SOURCE = ListSource(ids=inspection_ids, rows=inspection_rows, count=inspection_count,
                    default_sort="day", default_order="desc")
THIS_YEAR = "this_year"
"""Preset: inspections dated this year."""
YEARS_OFFERED = 5


def _tr(text: str) -> str:
    return QCoreApplication.translate("InspectionPage", text)


def columns() -> list[Column]:
    return [
        Column(_tr("编号"), lambda r: r.number, "number", 10),
        Column(_tr("项目"), lambda r: r.project, "project", 24),
        Column(_tr("方式"), lambda r: labels.label(labels.INSPECTION_METHOD, r.method),
               "method", 6),
        Column(_tr("状态"), lambda r: labels.label(labels.INSPECTION_STATUS, r.status),
               "status", 5),
        Column(_tr("检查日期"), lambda r: labels.day(r.day), "day", 7),
    ]


class InspectionPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.model = LazyTableModel(workspace, SOURCE, columns(), InspectionFilter(),
                                    parent=self)
        self.list = RecordList(
            self.model, placeholder=self.tr("检查编号或项目名称"),
            count_text=lambda n: self.tr("共 {n} 次检查").format(n=n),
            make_filter=self._filter, parent=self)
        self.status = self.list.add_filter(self.tr("状态"), [(self.tr("全部"), None)] + [
            (labels.label(labels.INSPECTION_STATUS, key), key)
            for key in labels.INSPECTION_STATUS])
        year = workspace.today().year
        self.year = self.list.add_filter(self.tr("年度"), [(self.tr("全部"), None)] + [
            (self.tr("{year}年").format(year=y), y) for y in range(year, year - YEARS_OFFERED, -1)])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.setFocusProxy(self.list)
        self.list.activated.connect(self._open_project)

    def _filter(self, text: str) -> InspectionFilter:
        return InspectionFilter(text=text.strip(), status=self.status.currentData(),
                                year=self.year.currentData())

    def show_destination(self, dest: Destination) -> None:
        if dest.preset == THIS_YEAR:
            self.list.search.clear()
            self.status.setCurrentIndex(0)
            self.year.setCurrentIndex(self.year.findData(self._ws.today().year))
            self.list.apply_filter()
        if dest.record_id:
            with self._ws.store.db.read() as session:
                rows = inspection_rows(session, [dest.record_id])
            if rows:
                self.list.reveal(dest.record_id, rows[0].number)

    @Slot(object)
    def _open_project(self, inspection_id: str) -> None:
        row = self.model.record(inspection_id)
        if row is not None:
            self._ws.go("projects", row.project_id)

