"""Who works on this computer: asked once, on a fresh database."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.services.context import Actor, Store
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.services.startup import ROLES, set_profile
from jjg_desktop.store.read.worklists import division_choices

PROFILE_FORM = form("profile_dialog.ui", usernameEdit=QLineEdit, displayNameEdit=QLineEdit,
                    roleCombo=QComboBox, divisionCombo=QComboBox, certEdit=QLineEdit,
                    errorLabel=QLabel, buttonBox=QDialogButtonBox)
DEFAULT_ROLE = "county_clerk"


class ProfileDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.actor: Actor | None = None
        ui = PROFILE_FORM.load(self)
        self.username = ui.find(QLineEdit, "usernameEdit")
        self.display_name = ui.find(QLineEdit, "displayNameEdit")
        self.role = ui.find(QComboBox, "roleCombo")
        self.division = ui.find(QComboBox, "divisionCombo")
        self.cert = ui.find(QLineEdit, "certEdit")
        self.error = ui.find(QLabel, "errorLabel")
        self.error.hide()
        for key, label in ROLES.items():
            self.role.addItem(label, key)
        self.role.setCurrentIndex(self.role.findData(DEFAULT_ROLE))
        with store.db.read() as session:
            choices = division_choices(session)
        for choice in choices:
            self.division.addItem(choice.full_name, choice.code)
        self.division.setCurrentIndex(-1)
        self.division.lineEdit().setPlaceholderText(self.tr("输入县（市、区）名称查找，如“珲春”"))
        completer = QCompleter(self.division.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.division.setCompleter(completer)
        buttons = ui.find(QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("开始使用"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def division_code(self) -> str | None:
        """The division whose full name is in the box (typed or chosen)."""
        index = self.division.findText(self.division.currentText().strip(),
                                       Qt.MatchFlag.MatchExactly)
        return self.division.itemData(index) if index >= 0 else None

    @Slot()
    def save(self) -> None:
        code = self.division_code()
        if code is None:
            self._fail(self.tr("请从列表中选择行政区划（可输入县市区名称查找）。"), self.division)
            return
        try:
            self.actor = set_profile(
                self._store, username=self.username.text(),
                display_name=self.display_name.text(), role=self.role.currentData(),
                division_code=code, enforcement_cert_no=self.cert.text().strip() or None)
        except InvalidInput as exc:
            self._fail(str(exc), self.username if not self.username.text().strip()
                       else self.display_name)
            return
        self.accept()

    def _fail(self, text: str, focus: QWidget) -> None:
        self.error.setText(text)
        set_tone(self.error, "error")
        self.error.show()
        focus.setFocus()


def ask_profile(store: Store, parent: QWidget | None = None) -> Actor | None:
    """The profile the user sets up, or None if they cancel."""
    dialog = ProfileDialog(store, parent)
    dialog.exec()
    return dialog.actor
