"""Signatures on the inspection record: the inspected party's representative (named as they
sign) and each member of the team. Each confirmed signature is saved at once by the form."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.signature_pad import TOUCH_BUTTON_HEIGHT, SignaturePad
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.rules.inspection import INSPECTOR_SIGNER, PARTY_SIGNER
from jjg_desktop.store.read.inspections import SignatureRef, TeamMember

PREVIEW_HEIGHT = 44


class InspectionSignatures(QWidget):
    sign = Signal(str, str, bytes)
    """role, name, PNG."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signer = QComboBox(self)
        self.signer.setAccessibleName(self.tr("签名人"))
        self.signer.setMinimumHeight(TOUCH_BUTTON_HEIGHT)
        self.signer.setMinimumWidth(220)
        self.party_name = QLineEdit(self)
        self.party_name.setPlaceholderText(self.tr("受检单位代表姓名"))
        self.party_name.setMinimumHeight(TOUCH_BUTTON_HEIGHT)
        self.pad = SignaturePad(self.tr("请签名人在下方签名，签好后点“确认签名”。"), self)
        self.confirm_button = QPushButton(self.tr("确认签名"), self)
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.setMinimumHeight(TOUCH_BUTTON_HEIGHT)
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm)
        self.pad.changed.connect(
            lambda: self.confirm_button.setEnabled(not self.pad.is_empty()))
        self.signer.currentIndexChanged.connect(self._signer_changed)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.signing = QWidget(self)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("签名人"), self.signing))
        chooser.addWidget(self.signer)
        chooser.addWidget(self.party_name, 1)
        chooser.addWidget(self.confirm_button)
        left = QVBoxLayout(self.signing)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(chooser)
        left.addWidget(self.pad, 1)
        left.addWidget(self.message)
        self.signed = QGridLayout()
        self.none_label = QLabel(self.tr("尚无签名。"), self)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("已签名："), self))
        right.addWidget(self.none_label)
        right.addLayout(self.signed)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.signing, 3)
        layout.addLayout(right, 2)
        self._shown: list[str] = []

    def show_signatures(self, team: tuple[TeamMember, ...], signatures: tuple[SignatureRef, ...],
                        images: dict[str, QImage], locked: bool) -> None:
        signed = {(s.role, s.name) for s in signatures}
        wanted = [(PARTY_SIGNER, "")] + [(INSPECTOR_SIGNER, m.name) for m in team]
        current = self.signer.currentData()
        self.signer.blockSignals(True)
        self.signer.clear()
        for role, name in wanted:
            done = (role == PARTY_SIGNER and any(r == PARTY_SIGNER for r, _ in signed)) \
                or (role, name) in signed
            text = role if not name else self.tr("{role}：{name}").format(role=role, name=name)
            if done:
                text = self.tr("{who}（已签）").format(who=text)
            self.signer.addItem(text, (role, name, done))
        index = next((n for n in range(self.signer.count())
                      if not self.signer.itemData(n)[2]), 0)
        if current is not None:
            for n in range(self.signer.count()):
                if self.signer.itemData(n)[:2] == current[:2] and not self.signer.itemData(n)[2]:
                    index = n
        self.signer.setCurrentIndex(index)
        self.signer.blockSignals(False)
        self._signer_changed()
        ids = [s.id for s in signatures]
        if ids != self._shown:
            while self.signed.count():
                w = self.signed.takeAt(0).widget()
                if w is not None:
                    w.deleteLater()
            for row, s in enumerate(signatures):
                self.signed.addWidget(QLabel(f"{s.role}：{s.name}", self), row, 0)
                image = QLabel(self)
                picture = images.get(s.sha256)
                if picture is not None and not picture.isNull():
                    image.setPixmap(QPixmap.fromImage(picture).scaledToHeight(
                        PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation))
                self.signed.addWidget(image, row, 1, Qt.AlignmentFlag.AlignLeft)
            self._shown = ids
        self.none_label.setVisible(not signatures)
        self.signing.setVisible(not locked)

    def show_message(self, text: str, tone: str = "error") -> None:
        self.message.setText(text)
        set_tone(self.message, tone)
        self.message.setVisible(bool(text))

    @Slot()
    def _signer_changed(self) -> None:
        data = self.signer.currentData()
        self.party_name.setVisible(bool(data) and data[0] == PARTY_SIGNER)

    @Slot()
    def confirm(self) -> None:
        data = self.signer.currentData()
        if not data or self.pad.is_empty():
            return
        role, name, _done = data
        if role == PARTY_SIGNER:
            name = self.party_name.text().strip()
            if not name:
                self.show_message(self.tr("请先填写受检单位代表的姓名"))
                self.party_name.setFocus()
                return
        self.show_message("")
        self.sign.emit(role, name, self.pad.png_bytes())

    def signed_ok(self) -> None:
        """The form saved the signature: clear the pad for the next signer."""
        self.pad.clear()
        self.party_name.clear()
