"""入吉企业: the enterprise register as a searchable list, and one enterprise's detail."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStackedWidget, QWidget

from jjg_desktop.qt.enterprise_detail import EnterpriseDetailView
from jjg_desktop.qt.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.record_list import RecordList
from jjg_desktop.qt.workspace import Destination, Workspace
from jjg_desktop.store.queries import (
    EnterpriseFilter,
    EnterpriseRow,
    enterprise_count,
    enterprise_ids,
    enterprise_rows,
)

SOURCE = ListSource(ids=enterprise_ids, rows=enterprise_rows, count=enterprise_count,
                    default_sort="registered", default_order="desc")
ALL = "all"
IN_PROVINCE = "in_province"
OUT_OF_PROVINCE = "out_of_province"
"""Presets of the page, and the 来源 choices."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("EnterprisePage", text)


def columns() -> list[Column]:
    return [
        Column(_tr("企业名称"), lambda r: r.name, "name", 20),
        Column(_tr("统一社会信用代码"), lambda r: r.credit_code, "credit_code", 11),
        Column(_tr("注册地/来源省份"), lambda r: r.home_province, "home_province", 7),
        Column(_tr("所在区划"), lambda r: r.division, "division", 6),
        Column(_tr("联系人"), lambda r: r.contact_person, None, 5),
        Column(_tr("联系电话"), lambda r: r.contact_phone, None, 9),
        Column(_tr("状态"), lambda r: r.status, "status", 5),
    ]


def row_colors(row: EnterpriseRow) -> tuple[QColor, QColor] | None:
    if row.status == "异常名录":
        return QColor("#9a3412"), QColor("#fff4e5")
    if row.status == "清出":
        return QColor("#6b7280"), QColor("#f3f4f6")
    return None


class EnterprisePage(QStackedWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.model = LazyTableModel(workspace, SOURCE, columns(), EnterpriseFilter(),
                                    row_colors=row_colors, parent=self)
        self.list = RecordList(
            self.model, placeholder=self.tr("名称、统一社会信用代码、联系人或电话"),
            count_text=lambda n: self.tr("共 {n} 家").format(n=n),
            make_filter=self._filter, parent=self)
        self.status = self.list.add_filter(self.tr("状态"), [
            (self.tr("全部"), None), (self.tr("正常"), "正常"),
            (self.tr("异常名录"), "异常名录"), (self.tr("清出"), "清出")])
        self.origin = self.list.add_filter(self.tr("来源"), [
            (self.tr("全部"), None), (self.tr("省内"), IN_PROVINCE),
            (self.tr("省外"), OUT_OF_PROVINCE)])
        self.detail = EnterpriseDetailView(workspace, self)
        self.addWidget(self.list)
        self.addWidget(self.detail)
        self.list.activated.connect(self.open)
        self.detail.back.connect(self.show_list)
        workspace.changed.connect(self._changed)

    def _filter(self, text: str) -> EnterpriseFilter:
        origin = self.origin.currentData()
        return EnterpriseFilter(text=text.strip(), status=self.status.currentData(),
                                out_of_province=None if origin is None
                                else origin == OUT_OF_PROVINCE)

    @Slot(object)
    def open(self, enterprise_id: str) -> None:
        if self.detail.show_enterprise(enterprise_id):
            self.setCurrentWidget(self.detail)
            self.detail.setFocus()
        else:
            self._ws.message.emit(self.tr("该企业已不存在（可能已被删除），列表已刷新。"))
            self.model.reload()

    @Slot()
    def show_list(self) -> None:
        self.detail.flush()
        self.setCurrentWidget(self.list)
        if self.detail.enterprise_id is not None:
            self.list.select_id(self.detail.enterprise_id)
        self.list.table.setFocus()

    def show_destination(self, dest: Destination) -> None:
        if dest.preset in (ALL, OUT_OF_PROVINCE):
            self.list.search.clear()
            self.status.setCurrentIndex(0)
            self.origin.setCurrentIndex(max(self.origin.findData(dest.preset), 0))
            self.list.apply_filter()
        if dest.record_id:
            self.open(dest.record_id)
        elif dest.preset:
            self.show_list()

    @Slot(str, str)
    def _changed(self, entity: str, entity_id: str) -> None:
        if entity == "enterprise":
            self.model.refresh_rows({entity_id})
