"""入吉企业: the enterprise register as a searchable list, one enterprise's detail, the
planning lists (待核查, 资质核查), and importing / exporting the register."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QStackedWidget, QWidget

from jjg_desktop.qt.kit.export_action import ListExport, Progress
from jjg_desktop.qt.kit.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.kit.presets import ALL, IN_PROVINCE, OUT_OF_PROVINCE
from jjg_desktop.qt.kit.record_list import RecordList
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Destination, Workspace
from jjg_desktop.qt.registry.enterprise_detail import EnterpriseDetailView
from jjg_desktop.qt.registry.planning_views import (
    DUE,
    FLAGS,
    REGISTER,
    DueList,
    FlagsList,
    PlanningList,
    ViewSwitch,
)
from jjg_desktop.qt.registry.registration_import_dialog import (
    RegistrationImportDialog,
    choose_sheet,
)
from jjg_desktop.services.exports import export_enterprises
from jjg_desktop.store.read.planning import ProvinceChoice, home_province_choices
from jjg_desktop.store.read.registers import (
    EnterpriseFilter,
    EnterpriseRow,
    enterprise_count,
    enterprise_ids,
    enterprise_rows,
)
from jjg_desktop.store.read.worklists import division_choices, subtree_codes

SOURCE = ListSource(ids=enterprise_ids, rows=enterprise_rows, count=enterprise_count,
                    default_sort="registered", default_order="desc")
PLANNING_PRESETS = (DUE, FLAGS)
"""Presets opening the planning lists."""


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
        self.province = self.list.add_filter(self.tr("注册地省份"),
                                             [(self.tr("全部省份"), None)])
        self.division = self.list.add_filter(self.tr("区划"), self._division_options())
        self.province.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_provinces()

        self.switch = ViewSwitch(self)
        self.import_button = QPushButton(self.tr("导入登记表…"), self)
        self.import_button.setToolTip(self.tr("从省厅下发的入吉企业登记表（Excel）导入或更新企业"))
        self.export_button = QPushButton(self.tr("导出…"), self)
        self.export_button.setToolTip(self.tr("把当前筛选、排序后的列表导出为 Excel"))
        self.import_button.clicked.connect(self.import_registrations)
        self.export_button.clicked.connect(self.export_list)
        bar = QHBoxLayout()
        bar.addWidget(self.switch)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.export_button)
        self.list.add_header(bar)
        self.exporter = ListExport(workspace, self, what=self.tr("入吉企业"), unit=self.tr("家"),
                                   file_stem=self.tr("入吉企业"))
        self.import_dialog: RegistrationImportDialog | None = None

        self.detail = EnterpriseDetailView(workspace, self)
        self.due = DueList(workspace, self)
        self.flags = FlagsList(workspace, self)
        self._views: dict[str, QWidget] = {REGISTER: self.list, DUE: self.due, FLAGS: self.flags}
        self._switches = [self.switch, self.due.switch, self.flags.switch]
        for widget in (self.list, self.detail, self.due, self.flags):
            self.addWidget(widget)
        for switch in self._switches:
            switch.chosen.connect(self.show_view)
        self._back_to = REGISTER
        self.list.activated.connect(self.open)
        self.due.activated.connect(lambda eid: self.open(eid, back_to=DUE))
        self.flags.activated.connect(lambda eid: self.open(eid, back_to=FLAGS))
        self.detail.back.connect(self.show_list)
        workspace.changed.connect(self._changed)

    # --- filters ----------------------------------------------------------------------------

    def _division_options(self) -> list[tuple[str, tuple[str, ...] | None]]:
        """全部, then the user's division and each below it (indented by level)."""
        with self._ws.store.db.read() as session:
            scope = set(subtree_codes(session, self._ws.actor.division_code))
            choices = [c for c in division_choices(session) if c.code in scope]
            options: list[tuple[str, tuple[str, ...] | None]] = [(self.tr("全部区划"), None)]
            top = min((c.level for c in choices), default=0)
            for choice in choices:
                name = choice.full_name.rsplit(" ", 1)[-1]
                options.append(("\u3000" * (choice.level - top) + name,
                                tuple(subtree_codes(session, choice.code))))
        return options

    def _fill_provinces(self) -> None:
        """The provinces enterprises come from (a GROUP BY over the register: off the GUI
        thread)."""
        store = self._ws.store

        def work(_state: TaskState) -> list[ProvinceChoice]:
            with store.db.read() as session:
                return home_province_choices(session)

        self._ws.tasks.run(f"provinces-{id(self)}", work, self._show_provinces)

    def _show_provinces(self, choices: list[ProvinceChoice]) -> None:
        current = self.province.currentData()
        self.province.blockSignals(True)
        while self.province.count() > 1:
            self.province.removeItem(1)
        for choice in choices:
            self.province.addItem(self.tr("{name}（{n}）").format(name=choice.name,
                                                                 n=choice.enterprises),
                                  choice.code)
        self.province.setCurrentIndex(max(self.province.findData(current), 0))
        self.province.blockSignals(False)

    def _filter(self, text: str) -> EnterpriseFilter:
        origin = self.origin.currentData()
        return EnterpriseFilter(text=text.strip(), status=self.status.currentData(),
                                home_province_code=self.province.currentData(),
                                out_of_province=None if origin is None
                                else origin == OUT_OF_PROVINCE,
                                division_codes=tuple(self.division.currentData() or ()))

    # --- views ------------------------------------------------------------------------------

    @Slot(str)
    def show_view(self, key: str) -> None:
        """Switch between 企业名录, 待核查 and 资质核查."""
        self.detail.flush()
        for switch in self._switches:
            switch.show_view(key)
        view = self._views[key]
        self.setCurrentWidget(view)
        view.setFocus()
        if key == REGISTER:
            self.list.table.setFocus()

    @Slot(object)
    def open(self, enterprise_id: str, back_to: str = REGISTER) -> None:
        if self.detail.show_enterprise(enterprise_id):
            self._back_to = back_to
            self.setCurrentWidget(self.detail)
            self.detail.setFocus()
        else:
            self._ws.message.emit(self.tr("该企业已不存在（可能已被删除），列表已刷新。"))
            self.model.reload()

    @Slot()
    def show_list(self) -> None:
        """Back from the detail to the list it was opened from."""
        self.detail.flush()
        back = self._views[self._back_to]
        for switch in self._switches:
            switch.show_view(self._back_to)
        self.setCurrentWidget(back)
        if self.detail.enterprise_id is not None:
            if isinstance(back, PlanningList):
                back.select_id(self.detail.enterprise_id)
            else:
                self.list.select_id(self.detail.enterprise_id)
        if isinstance(back, PlanningList):
            back.table.setFocus()
        else:
            self.list.table.setFocus()

    def show_destination(self, dest: Destination) -> None:
        if dest.preset in (ALL, OUT_OF_PROVINCE):
            self.list.search.clear()
            self.status.setCurrentIndex(0)
            self.province.setCurrentIndex(0)
            self.division.setCurrentIndex(0)
            self.origin.setCurrentIndex(max(self.origin.findData(dest.preset), 0))
            self.list.apply_filter()
        if dest.record_id:
            self.open(dest.record_id)
        elif dest.preset in PLANNING_PRESETS:
            self.show_view(dest.preset)
        elif dest.preset:
            self._back_to = REGISTER
            self.show_list()

    # --- import / export --------------------------------------------------------------------

    @Slot()
    def import_registrations(self) -> None:
        path = choose_sheet(self, Path.home())
        if path is not None:
            self.open_import(path)

    def open_import(self, path: Path) -> RegistrationImportDialog:
        if self.import_dialog is not None:
            self.import_dialog.deleteLater()
        self.import_dialog = RegistrationImportDialog(self._ws, self.window())
        self.import_dialog.open()
        self.import_dialog.load(path)
        return self.import_dialog

    @Slot()
    def export_list(self) -> None:
        filter_, sort, order = self.list.current_query()
        store = self._ws.store

        def export(path: Path, progress: Progress) -> int:
            return export_enterprises(store, filter_, path, sort=sort or SOURCE.default_sort,
                                      order=order or SOURCE.default_order, progress=progress)

        self.exporter.ask_and_run(export)

    # --- changes ----------------------------------------------------------------------------

    @Slot(str, str)
    def _changed(self, entity: str, entity_id: str) -> None:
        if entity == "enterprise":
            if entity_id:
                self.model.refresh_rows({entity_id})
            else:  # many at once (an import)
                self._fill_provinces()
                self.model.reload()
        if entity in ("enterprise", "verification", "enterprise_fact"):
            self.due.mark_stale()
            self.flags.mark_stale()


__all__ = ["ALL", "DUE", "FLAGS", "IN_PROVINCE", "OUT_OF_PROVINCE", "EnterprisePage"]
