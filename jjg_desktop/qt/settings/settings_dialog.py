"""设置: the sync server, its CA certificate, the data folder, the sync interval and the
printing defaults. 确定 checks every field and saves; a refused value is explained beside its
field and the dialog stays open.

The main window imports this module at start; what only the open dialog needs (the settings
model and pydantic, the profile transfer, QtPrintSupport) is imported when it opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from jjg_desktop.config import APP_AUTHOR, APP_NAME
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace

if TYPE_CHECKING:
    from jjg_desktop.qt.settings.profile_actions import ProfileTransfer
    from jjg_desktop.settings import Settings

SETTINGS_FORM = form(
    "settings_dialog.ui", serverUrlEdit=QLineEdit, serverUrlError=QLabel, plainHttpCheck=QCheckBox,
    caBundleEdit=QLineEdit, caBundleBrowse=QPushButton, caBundleError=QLabel,
    syncIntervalSpin=QSpinBox, syncIntervalError=QLabel, dataDirEdit=QLineEdit,
    dataDirBrowse=QPushButton, dataDirError=QLabel, dataDirNote=QLabel,
    currentDataLabel=QLabel, exportButton=QPushButton, importButton=QPushButton,
    printerCombo=QComboBox, copiesSpin=QSpinBox, duplexCheck=QCheckBox, newerLabel=QLabel,
    fileLabel=QLabel, saveError=QLabel, buttonBox=QDialogButtonBox,
    documentsGroup=QGroupBox, penaltyAuthorityEdit=QLineEdit, contactPhoneEdit=QLineEdit)


def _show_row(label: QLabel, visible: bool) -> None:
    """Show or collapse the form row that holds an error message."""
    form = label.parentWidget().layout()
    if isinstance(form, QFormLayout):
        form.setRowVisible(label, visible)
    else:
        label.setVisible(visible)


def _available_printers() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo  # loaded when the dialog opens, not at start

    return list(QPrinterInfo.availablePrinterNames())


class SettingsDialog(QDialog):
    """`saved` holds the settings once 确定 has written them. With a workspace the data
    section also offers the profile export and import."""

    def __init__(self, parent: QWidget | None = None, *, workspace: Workspace | None = None,
                 path: Path | None = None, printers: list[str] | None = None) -> None:
        from jjg_desktop.settings import SETTINGS_VERSION, load_settings, settings_path

        super().__init__(parent)
        self.path = path or settings_path()
        self.saved: Settings | None = None
        self.transfer: ProfileTransfer | None = None
        ui = SETTINGS_FORM.load(self)
        self.server_url = ui.find(QLineEdit, "serverUrlEdit")
        self.ca_bundle = ui.find(QLineEdit, "caBundleEdit")
        self.plain_http = ui.find(QCheckBox, "plainHttpCheck")
        self.sync_minutes = ui.find(QSpinBox, "syncIntervalSpin")
        self.data_dir = ui.find(QLineEdit, "dataDirEdit")
        self.printer = ui.find(QComboBox, "printerCombo")
        self.copies = ui.find(QSpinBox, "copiesSpin")
        self.duplex = ui.find(QCheckBox, "duplexCheck")
        self.ca_browse = ui.find(QPushButton, "caBundleBrowse")
        self.data_browse = ui.find(QPushButton, "dataDirBrowse")
        self.buttons = ui.find(QDialogButtonBox, "buttonBox")
        self.save_error = ui.find(QLabel, "saveError")
        self.export_button = ui.find(QPushButton, "exportButton")
        self.import_button = ui.find(QPushButton, "importButton")
        self.errors = {
            "server_url": (ui.find(QLabel, "serverUrlError"), self.server_url),
            "ca_bundle": (ui.find(QLabel, "caBundleError"), self.ca_bundle),
            "sync_interval_minutes": (ui.find(QLabel, "syncIntervalError"), self.sync_minutes),
            "data_dir": (ui.find(QLabel, "dataDirError"), self.data_dir),
        }
        for label, _field in self.errors.values():
            set_tone(label, "error")
            _show_row(label, False)
        set_tone(self.save_error, "error")
        self.save_error.hide()
        self._align_captions()
        for spin in (self.sync_minutes, self.copies):
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(8 * self.fontMetrics().horizontalAdvance("中"))
        self.data_note = ui.find(QLabel, "dataDirNote")
        self.current_data = ui.find(QLabel, "currentDataLabel")
        self.file_label = ui.find(QLabel, "fileLabel")
        for hint in (self.data_note, self.current_data, self.file_label):
            set_tone(hint, "hint")
        self.file_label.setText(self.tr("设置保存在 {path}").format(path=self.path))

        settings = load_settings(self.path)
        newer = ui.find(QLabel, "newerLabel")
        set_tone(newer, "warning")
        newer.setVisible(settings.version > SETTINGS_VERSION)
        newer.setText(self.tr("这些设置由更新版本的吉建管保存。在这里点“确定”会按本版本的格式"
                              "重新保存，本版本不认识的设置项将不再保留。"))
        self.data_dir.setPlaceholderText(self.tr("留空使用默认位置：{path}").format(
            path=platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)))
        self._fill(settings, _available_printers() if printers is None else printers)

        self._workspace = workspace
        self.penalty_authority = ui.find(QLineEdit, "penaltyAuthorityEdit")
        self.contact_phone = ui.find(QLineEdit, "contactPhoneEdit")
        if workspace is None:
            ui.find(QGroupBox, "documentsGroup").hide()  # the store's, not the file's
        else:
            from jjg_desktop.store.read.local_settings import (
                CONTACT_PHONE,
                PENALTY_AUTHORITY,
                document_setting,
            )

            with workspace.store.db.read() as session:
                self.penalty_authority.setText(document_setting(session, PENALTY_AUTHORITY))
                self.contact_phone.setText(document_setting(session, CONTACT_PHONE))
        if workspace is None:
            self.current_data.hide()
            self.export_button.hide()
            self.import_button.hide()
        else:
            from jjg_desktop.qt.settings.profile_actions import ProfileTransfer

            self.current_data.setText(self.tr("本次运行使用的数据目录：{path}").format(
                path=workspace.store.paths.data_dir))
            self.transfer = ProfileTransfer(workspace, self)
            self.export_button.clicked.connect(self.transfer.ask_export)
            self.import_button.clicked.connect(self.transfer.ask_import)
        self.ca_browse.clicked.connect(self.choose_ca_bundle)
        self.data_browse.clicked.connect(self.choose_data_dir)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _align_captions(self) -> None:
        """One caption width in every group, so the fields line up."""
        forms = [box.layout() for box in self.findChildren(QGroupBox)]
        captions = [item.widget() for form in forms if isinstance(form, QFormLayout)
                    for row in range(form.rowCount())
                    if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None]
        width = max(c.sizeHint().width() for c in captions)
        for caption in captions:
            caption.setMinimumWidth(width)
        for label, _field in self.errors.values():
            form = label.parentWidget().layout()
            assert isinstance(form, QFormLayout)
            label.setIndent(width + form.horizontalSpacing())

    def _fill(self, settings: Settings, printers: list[str]) -> None:
        self.server_url.setText(settings.server_url)
        self.plain_http.setChecked(settings.allow_plain_http)
        self.ca_bundle.setText(settings.ca_bundle)
        self.sync_minutes.setValue(settings.sync_interval_minutes)
        self.data_dir.setText(settings.data_dir)
        self.printer.addItem(self.tr("系统默认"), "")
        for name in printers:
            self.printer.addItem(name, name)
        if settings.printer_name and settings.printer_name not in printers:
            self.printer.addItem(self.tr("{name}（当前未连接）").format(
                name=settings.printer_name), settings.printer_name)
        self.printer.setCurrentIndex(max(0, self.printer.findData(settings.printer_name)))
        self.copies.setValue(settings.print_copies)
        self.duplex.setChecked(settings.duplex)

    def values(self) -> dict[str, object]:
        return {"server_url": self.server_url.text(), "ca_bundle": self.ca_bundle.text(),
                "allow_plain_http": self.plain_http.isChecked(),
                "data_dir": self.data_dir.text(),
                "sync_interval_minutes": self.sync_minutes.value(),
                "printer_name": self.printer.currentData() or "",
                "print_copies": self.copies.value(), "duplex": self.duplex.isChecked()}

    @Slot()
    def save(self) -> None:
        from pydantic import ValidationError

        from jjg_desktop.settings import Settings, problems, save_settings

        for label, field in self.errors.values():
            _show_row(label, False)
            set_tone(field, "")
        self.save_error.hide()
        try:
            settings = Settings.model_validate(self.values())
        except ValidationError as exc:
            self._show_problems(problems(exc))
            return
        try:
            save_settings(settings, self.path)
        except OSError as exc:
            self.save_error.setText(self.tr("无法保存设置到 {path}：{error}").format(
                path=self.path, error=exc.strerror or exc))
            self.save_error.show()
            return
        if self._workspace is not None:
            from jjg_desktop.services.errors import ServiceError
            from jjg_desktop.services.notices import set_document_setting
            from jjg_desktop.store.read.local_settings import CONTACT_PHONE, PENALTY_AUTHORITY

            try:
                for key, field in ((PENALTY_AUTHORITY, self.penalty_authority),
                                   (CONTACT_PHONE, self.contact_phone)):
                    set_document_setting(self._workspace.service(), key, field.text())
            except ServiceError as exc:
                self.save_error.setText(str(exc))
                self.save_error.show()
                return
        self.saved = settings
        self.accept()

    def _show_problems(self, found: dict[str, str]) -> None:
        first: QWidget | None = None
        for name, text in found.items():
            label, field = self.errors.get(name, (self.save_error, None))
            label.setText(text)
            if field is None:
                label.show()
            else:
                _show_row(label, True)
                set_tone(field, "error")
                first = first or field
        if first is not None:
            first.setFocus()
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for every wrapped line (messages appear under their fields)."""
        self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.resize(self.width(), self.heightForWidth(self.width()))

    @Slot()
    def choose_ca_bundle(self) -> None:
        start = self.ca_bundle.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择 CA 证书文件"), start,
            self.tr("PEM 证书 (*.pem *.crt *.cer);;所有文件 (*)"))
        if chosen:
            self.ca_bundle.setText(chosen)

    @Slot()
    def choose_data_dir(self) -> None:
        start = self.data_dir.text() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, self.tr("选择数据目录"), start)
        if chosen:
            self.data_dir.setText(chosen)
