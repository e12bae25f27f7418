"""记录企业情况: a credit grade, an accident, a year's output or a move of key personnel — the
facts the qualification-verification triggers (seed 九) read."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.qualification import ACCIDENT, CREDIT, FACT_KINDS, OUTPUT, PERSONNEL
from jjg_desktop.services.enterprise_facts import GRADES, record_fact

FACT_FORM = form("fact_dialog.ui", enterpriseLabel=QLabel, factForm=QFormLayout,
                 kindCombo=QComboBox, yearSpin=QSpinBox, dateEdit=QDateEdit,
                 gradeCombo=QComboBox, valueEdit=QLineEdit, detailEdit=QLineEdit,
                 errorLabel=QLabel, buttonBox=QDialogButtonBox)
DETAIL_HINTS = {
    CREDIT: "评价文件或说明（可不填）",
    ACCIDENT: "事故名称、项目和等级，如“某项目塔吊倒塌较大事故”",
    OUTPUT: "说明（可不填）",
    PERSONNEL: "调动的人员和岗位，如“项目负责人张某调离”",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("FactDialog", text)


class FactDialog(QDialog):
    recorded = Signal(str)

    def __init__(self, workspace: Workspace, enterprise_id: str, enterprise_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.enterprise_id = enterprise_id
        ui = FACT_FORM.load(self)
        ui.find(QLabel, "enterpriseLabel").setText(_tr("企业：{name}").format(
            name=enterprise_name))
        self._form = ui.find(QFormLayout, "factForm")
        self.kind = ui.find(QComboBox, "kindCombo")
        self.year = ui.find(QSpinBox, "yearSpin")
        self.day = ui.find(QDateEdit, "dateEdit")
        self.grade = ui.find(QComboBox, "gradeCombo")
        self.value = ui.find(QLineEdit, "valueEdit")
        self.detail = ui.find(QLineEdit, "detailEdit")
        self.error = ui.find(QLabel, "errorLabel")
        set_tone(self.error, "error")
        self.error.hide()
        today = workspace.today()
        self.year.setMaximum(today.year)
        self.year.setValue(today.year - 1)
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.kind.addItems([_tr(k) for k in FACT_KINDS])
        for n, kind in enumerate(FACT_KINDS):
            self.kind.setItemData(n, kind)
        self.grade.addItems(list(GRADES))
        self.grade.setPlaceholderText(_tr("请选择评价等级"))
        self.grade.setCurrentIndex(-1)
        buttons = ui.find(QDialogButtonBox, "buttonBox")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def chosen_kind(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.chosen_kind()
        self._form.setRowVisible(self.year, kind in (CREDIT, OUTPUT))
        self._form.setRowVisible(self.day, kind in (ACCIDENT, PERSONNEL))
        self._form.setRowVisible(self.grade, kind == CREDIT)
        self._form.setRowVisible(self.value, kind == OUTPUT)
        self.detail.setPlaceholderText(_tr(DETAIL_HINTS.get(kind, "")))
        self.adjustSize()

    @Slot()
    def save(self) -> None:
        kind = self.chosen_kind()
        yearly = kind in (CREDIT, OUTPUT)
        d = self.day.date()
        value = (self.grade.currentText() if kind == CREDIT
                 else self.value.text().strip() if kind == OUTPUT else "")
        ctx = self._ws.service()
        args = {"kind": kind, "year": self.year.value() if yearly else None,
                "occurred_on": None if yearly else date(d.year(), d.month(), d.day()),
                "value": value, "detail": self.detail.text()}
        self.save_button.setEnabled(False)
        run_service(self._ws.tasks, f"fact-{id(self)}",
                    lambda _state: record_fact(ctx, self.enterprise_id, **args),
                    lambda fact_id: self._done(fact_id, args), self._refused)

    def _done(self, fact_id: str, args: dict[str, object]) -> None:
        when = (_tr("{year}年度").format(year=args["year"]) if args["year"]
                else str(args["occurred_on"]))
        self._ws.saved(_tr("已记录{kind}：{when} {value}").format(
            kind=args["kind"], when=when, value=args["value"] or args["detail"]).strip(),
            "enterprise_fact", fact_id)
        self.recorded.emit(fact_id)
        self.accept()

    def _refused(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(_tr("未保存：{reason}").format(reason=message))
        self.error.show()
