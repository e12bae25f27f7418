"""项目: the projects as a searchable list (exportable as shown), and one project's detail."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QWidget

from jjg_desktop.qt.kit.export_action import ListExport, Progress
from jjg_desktop.qt.kit.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.kit.presets import ACTIVE
from jjg_desktop.qt.kit.record_list import RecordList
from jjg_desktop.qt.kit.workspace import Destination, Workspace
from jjg_desktop.qt.registry.project_detail import ProjectDetailView
from jjg_desktop.services.exports import export_projects
from jjg_desktop.store.read.registers import ProjectFilter, project_count, project_ids, project_rows

SOURCE = ListSource(ids=project_ids, rows=project_rows, count=project_count,
                    default_sort="registered", default_order="desc")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProjectPage", text)


def columns() -> list[Column]:
    return [
        Column(_tr("项目编号"), lambda r: r.code, "code", 9),
        Column(_tr("项目名称"), lambda r: r.name, "name", 22),
        Column(_tr("区划"), lambda r: r.division, "division", 5),
        Column(_tr("类型"), lambda r: r.kind, None, 5),
        Column(_tr("状态"), lambda r: r.status, "status", 4),
        Column(_tr("建设单位"), lambda r: r.builder, None, 11),
        Column(_tr("施工单位"), lambda r: r.contractor, None, 11),
        Column(_tr("监理单位"), lambda r: r.supervisor, None, 11),
    ]


class ProjectPage(QStackedWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.model = LazyTableModel(workspace, SOURCE, columns(), ProjectFilter(), parent=self)
        self.list = RecordList(
            self.model, placeholder=self.tr("项目名称或项目编号"),
            count_text=lambda n: self.tr("共 {n} 个项目").format(n=n),
            make_filter=self._filter, parent=self)
        self.status = self.list.add_filter(self.tr("状态"), [
            (self.tr("全部"), None), (self.tr("在建"), ACTIVE), (self.tr("停工"), "停工"),
            (self.tr("竣工"), "竣工")])
        self.export_button = QPushButton(self.tr("导出…"), self)
        self.export_button.setToolTip(self.tr("把当前筛选、排序后的列表导出为 Excel"))
        self.export_button.clicked.connect(self.export_list)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        self.list.add_header(bar)
        self.exporter = ListExport(workspace, self, what=self.tr("项目"), unit=self.tr("个"),
                                   file_stem=self.tr("项目"))
        self.detail = ProjectDetailView(workspace, self)
        self.addWidget(self.list)
        self.addWidget(self.detail)
        self.list.activated.connect(self.open)
        self.detail.back.connect(self.show_list)

    @Slot()
    def export_list(self) -> None:
        filter_, sort, order = self.list.current_query()
        store = self._ws.store

        def export(path: Path, progress: Progress) -> int:
            return export_projects(store, filter_, path, sort=sort or SOURCE.default_sort,
                                   order=order or SOURCE.default_order, progress=progress)

        self.exporter.ask_and_run(export)

    def _filter(self, text: str) -> ProjectFilter:
        return ProjectFilter(text=text.strip(), status=self.status.currentData())

    @Slot(object)
    def open(self, project_id: str) -> None:
        if self.detail.show_project(project_id):
            self.setCurrentWidget(self.detail)
            self.detail.setFocus()
        else:
            self._ws.message.emit(self.tr("该项目已不存在（可能已被删除），列表已刷新。"))
            self.model.reload()

    @Slot()
    def show_list(self) -> None:
        self.setCurrentWidget(self.list)
        if self.detail.project_id is not None:
            self.list.select_id(self.detail.project_id)
        self.list.table.setFocus()

    def show_destination(self, dest: Destination) -> None:
        if dest.preset == ACTIVE:
            self.list.search.clear()
            self.status.setCurrentIndex(self.status.findData(ACTIVE))
            self.list.apply_filter()
        if dest.record_id:
            self.open(dest.record_id)
        elif dest.preset:
            self.show_list()
