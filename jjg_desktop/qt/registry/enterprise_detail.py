"""One enterprise: its registration read-only, its contact details editable and saved as
typed, the projects it takes part in, its dynamic verifications and qualification triggers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.detail_tables import fill_table, setup_table
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.saved_field import SavedField
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.registry.verification_section import QualificationBox, VerificationSection
from jjg_desktop.rules.contact import phone_hint
from jjg_desktop.rules.registration import PROVINCES
from jjg_desktop.services.enterprises import update_contact
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.read.registers import EnterpriseDetail, enterprise_detail

_VALUES = ("creditCodeValue", "homeProvinceValue", "divisionValue", "legalRepValue",
           "qualificationsValue", "safetyLicenceValue", "safetyExpiryValue",
           "registrationNoValue", "registeredOnValue", "commitmentsValue", "syncValue")
_FIELDS = {"address": "address", "contact_person": "contactPerson",
           "contact_phone": "contactPhone"}

JILIN = "220000"
DETAIL_FORM = form(
    "enterprise_detail.ui", backButton=QPushButton, titleLabel=QLabel, statusLabel=QLabel,
    projectsTable=QTableWidget, body=QHBoxLayout, leftColumn=QVBoxLayout,
    registrationBox=QGroupBox,
    **dict.fromkeys(_VALUES, QLabel),
    **{f"{name}{part}": cls for name in _FIELDS.values()
       for part, cls in (("Caption", QLabel), ("Edit", QLineEdit), ("Message", QLabel))},
)


class EnterpriseDetailView(QWidget):
    back = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        ui = DETAIL_FORM.load(self)
        self.enterprise_id: str | None = None
        self.title = ui.find(QLabel, "titleLabel")
        self.status = ui.find(QLabel, "statusLabel")
        self.values = {name: ui.find(QLabel, name) for name in _VALUES}
        self.fields = {
            key: SavedField(key, ui.find(QLabel, f"{name}Caption"),
                            ui.find(QLineEdit, f"{name}Edit"),
                            ui.find(QLabel, f"{name}Message"), self._save, self)
            for key, name in _FIELDS.items()
        }
        self.projects = ui.find(QTableWidget, "projectsTable")
        setup_table(self.projects, (self.tr("项目编号"), self.tr("项目名称"),
                                    self.tr("参与角色"), self.tr("状态")), 1)
        self.projects.itemActivated.connect(self._open_project)
        self.verifications = VerificationSection(workspace, self)
        self.qualification = QualificationBox(workspace, self)
        self._add_sections(ui.find(QHBoxLayout, "body"), ui.find(QVBoxLayout, "leftColumn"),
                           ui.find(QGroupBox, "registrationBox"))
        workspace.changed.connect(self._changed)
        ui.find(QPushButton, "backButton").clicked.connect(self.back)
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence.StandardKey.Back):
            QShortcut(keys, self, self.back.emit,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusProxy(self.fields["address"].edit)

    def _add_sections(self, body: QHBoxLayout, left: QVBoxLayout,
                      registration: QGroupBox) -> None:
        """动态核查 under the projects (sharing their room); 资质核查 under the registration."""
        left.setStretch(left.indexOf(self.projects), 1)
        left.addWidget(self.verifications, 1)
        body.removeWidget(registration)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(registration, 1)
        right.addWidget(self.qualification)
        body.addLayout(right)
        body.setStretch(0, 3)
        body.setStretch(1, 2)

    def show_enterprise(self, enterprise_id: str) -> bool:
        """Show this enterprise (saving any edit to the one shown before); False if gone."""
        self.flush()
        with self._ws.store.db.read() as session:
            detail = enterprise_detail(session, enterprise_id)
        if detail is None:
            return False
        self.enterprise_id = enterprise_id
        self._fill(detail)
        return True

    def flush(self) -> None:
        for field in self.fields.values():
            field.flush()

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()
        super().hideEvent(event)

    def _fill(self, d: EnterpriseDetail) -> None:
        self.title.setText(d.name)
        self.status.setText(d.status)
        set_tone(self.status, "warning" if d.status != "正常" else "")
        v = self.values
        v["creditCodeValue"].setText(d.credit_code)
        v["homeProvinceValue"].setText(d.home_province)
        v["divisionValue"].setText(d.division)
        v["legalRepValue"].setText(d.legal_representative)
        v["qualificationsValue"].setText("\n".join(d.qualifications) or self.tr("（未登记）"))
        v["safetyLicenceValue"].setText(d.safety_licence_no or self.tr("（未登记）"))
        v["safetyExpiryValue"].setText(labels.day(d.safety_licence_expiry))
        v["registrationNoValue"].setText(d.registration_no or self.tr("（无入吉登记）"))
        v["registeredOnValue"].setText(labels.day(d.registered_on))
        v["commitmentsValue"].setText("\n".join(d.commitments))
        v["syncValue"].setText(self.tr("尚未上传到服务器") if d.server_version is None
                               else self.tr("服务器版本 {n}").format(n=d.server_version))
        self.fields["address"].load(d.address)
        self.fields["contact_person"].load(d.contact_person)
        self.fields["contact_phone"].load(d.contact_phone)
        self._hint_phone(d.contact_phone)
        fill_table(self.projects, [(p.id, (p.code, p.name, p.role, p.status))
                                   for p in d.projects])
        self.verifications.setVisible(d.home_province != PROVINCES[JILIN])
        self.verifications.load(d.id)
        self.qualification.load(d.id, d.name)

    @Slot(str, str)
    def _changed(self, entity: str, _entity_id: str) -> None:
        if self.enterprise_id is not None and entity in (
                "verification", "enterprise_fact", "signature"):
            self.verifications.reload()
            self.qualification.reload()

    def _save(self, field: SavedField) -> None:
        if self.enterprise_id is None:
            return
        try:
            changed = update_contact(self._ws.service(), self.enterprise_id,
                                     **{field.key: field.value})
        except InvalidInput as exc:
            field.show_error(str(exc))
            self._ws.message.emit(self.tr("{field}未保存：{reason}。改正后会自动保存。")
                                  .format(field=field.label, reason=exc))
            return
        except NotFound as exc:
            field.show_error(str(exc))
            self._ws.message.emit(self.tr("{field}未保存：{reason}。请返回列表重新查找该企业。")
                                  .format(field=field.label, reason=exc))
            return
        was_refused = field.has_error
        field.clear_message()
        if field.key == "contact_phone":
            self._hint_phone(field.value)
        if changed:
            self._ws.saved(self.tr("已保存 {field}").format(field=field.label),
                           "enterprise", self.enterprise_id)
        elif was_refused:
            self._ws.message.emit(self.tr("{field}与已保存的内容相同，无需保存。")
                                  .format(field=field.label))

    def _hint_phone(self, value: str) -> None:
        hint = phone_hint(value) if value.strip() else None
        if hint:
            self.fields["contact_phone"].show_hint(hint)

    @Slot(QTableWidgetItem)
    def _open_project(self, item: QTableWidgetItem) -> None:
        self._ws.go("projects", item.data(Qt.ItemDataRole.UserRole))
