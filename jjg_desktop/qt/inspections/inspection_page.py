"""检查: the inspections, searchable by number or project (sealed spot checks only for their
team and drawer); opening one (Enter / double-click) shows it in the inspection form.
新建检查… plans a routine or special inspection; 抽取检查对象… makes a 双随机 draw."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QWidget

from jjg_desktop.qt.inspections.draw_dialog import DrawDialog
from jjg_desktop.qt.inspections.inspection_form import InspectionForm
from jjg_desktop.qt.inspections.new_inspection_dialog import NewInspectionDialog
from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.export_action import ListExport, Progress, export_shown
from jjg_desktop.qt.kit.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.kit.presets import OPEN_FORM, THIS_YEAR
from jjg_desktop.qt.kit.record_list import RecordList
from jjg_desktop.qt.kit.workspace import Destination, Workspace
from jjg_desktop.services.exports import export_findings
from jjg_desktop.store.read.worklists import (
    InspectionFilter,
    inspection_count,
    inspection_ids,
    inspection_rows,
)

SOURCE = ListSource(ids=inspection_ids, rows=inspection_rows, count=inspection_count,
                    default_sort="day", default_order="desc")
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


class InspectionPage(QStackedWidget):
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
        self.new_button = QPushButton(self.tr("新建检查…"), self)
        self.new_button.setToolTip(self.tr("安排一次日常、专项或四不两直检查（不经抽取）"))
        self.new_button.clicked.connect(self.new_inspection)
        self.draw_button = QPushButton(self.tr("抽取检查对象…"), self)
        self.draw_button.setToolTip(self.tr("双随机：随机抽取检查项目和检查组"))
        self.draw_button.clicked.connect(self.draw)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.draw_button)
        self.export_button = QPushButton(self.tr("导出…"), self)
        self.export_button.setToolTip(self.tr("把当前筛选、排序后的列表导出为 Excel"))
        self.export_button.clicked.connect(
            lambda: export_shown(self.exporter, workspace.store, self.tr("检查"), self.model,
                                 SOURCE, self.list.current_query()))
        self.exporter = ListExport(workspace, self, what=self.tr("检查"), unit=self.tr("次"),
                                   file_stem=self.tr("检查"))
        bar.addWidget(self.export_button)
        self.findings_button = QPushButton(self.tr("导出问题清单…"), self)
        self.findings_button.setToolTip(self.tr(
            "把当前列表中各次检查发现的问题（含责任单位、整改期限、状态和整改通知书）导出为 Excel"))
        self.findings_exporter = ListExport(workspace, self, what=self.tr("检查发现的问题"),
                                            unit=self.tr("条"), file_stem=self.tr("问题清单"))
        self.findings_button.clicked.connect(self.export_findings)
        bar.addWidget(self.findings_button)
        self.list.add_header(bar)
        self.form = InspectionForm(workspace, self)
        self.addWidget(self.list)
        self.addWidget(self.form)
        self.dialog: QWidget | None = None
        self.list.activated.connect(self.open)
        self.form.back.connect(self.show_list)
        self.form.open_inspection.connect(self.open)
        self.form.open_project.connect(lambda pid: workspace.go("projects", pid))

    @Slot()
    def export_findings(self) -> None:
        filter_, sort, order = self.list.current_query()
        store = self._ws.store

        def export(path: Path, progress: Progress) -> int:
            return export_findings(store, filter_, path, sort=sort or SOURCE.default_sort,
                                   order=order or SOURCE.default_order, progress=progress)

        self.findings_exporter.ask_and_run(export)

    def _filter(self, text: str) -> InspectionFilter:
        return InspectionFilter(text=text.strip(), status=self.status.currentData(),
                                year=self.year.currentData())

    def show_destination(self, dest: Destination) -> None:
        if dest.preset == THIS_YEAR:
            self.show_list()
            self.list.search.clear()
            self.status.setCurrentIndex(0)
            self.year.setCurrentIndex(self.year.findData(self._ws.today().year))
            self.list.apply_filter()
        if dest.record_id and dest.preset == OPEN_FORM:
            self.open(dest.record_id)
        elif dest.record_id:
            self.show_list()
            with self._ws.store.db.read() as session:
                rows = inspection_rows(session, [dest.record_id])
            if rows:
                self.list.reveal(dest.record_id, rows[0].number)

    @Slot(object)
    def open(self, inspection_id: str) -> None:
        self.form.show_inspection(inspection_id)
        self.setCurrentWidget(self.form)
        self.form.setFocus()

    @Slot()
    def show_list(self) -> None:
        if self.currentWidget() is self.form:
            self.form.flush()
            self.setCurrentWidget(self.list)
            self.model.reload()
            if self.form.inspection_id:
                self.list.select_id(self.form.inspection_id)
            self.list.table.setFocus()

    @Slot()
    def new_inspection(self) -> None:
        dialog = NewInspectionDialog(self._ws, self)
        dialog.accepted.connect(lambda: self.open(dialog.inspection_id))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def draw(self) -> None:
        dialog = DrawDialog(self._ws, self)
        dialog.open_inspection.connect(self.open)
        dialog.finished.connect(lambda _r: self.model.reload())
        self.dialog = dialog
        dialog.open()
