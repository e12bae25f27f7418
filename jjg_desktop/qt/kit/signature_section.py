"""Collecting signatures for a record: choose who signs, sign on the pad, confirm; repeat."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.signature_pad import TOUCH_BUTTON_HEIGHT, SignaturePad, Strokes

PREVIEW_HEIGHT = 40


@dataclass(frozen=True, slots=True)
class CollectedSignature:
    name: str
    png: bytes


class SignatureCollector(QWidget):
    changed = Signal()
    """A signature was confirmed or removed, ink drawn or cleared, or another signer chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed: dict[str, bytes] = {}
        self._rows: dict[str, QWidget] = {}
        self.signer = QComboBox(self)
        self.signer.setAccessibleName(self.tr("签名人"))
        self.signer.setMinimumHeight(TOUCH_BUTTON_HEIGHT)
        self.signer.setMinimumWidth(160)
        self.pad = SignaturePad(self.tr("请签名人在下方签名，签好后点“确认签名”。"), self)
        self.confirm_button = QPushButton(self.tr("确认签名"), self)
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.setMinimumHeight(TOUCH_BUTTON_HEIGHT)
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm)
        self.pad.changed.connect(self._pad_changed)
        self.signer.currentIndexChanged.connect(self.changed)
        self._signed_layout = QVBoxLayout()
        self.none_label = QLabel(self.tr("尚无签名。"), self)
        self._signed_layout.addWidget(self.none_label)
        self.signing = QWidget(self)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("签名人"), self.signing))
        chooser.addWidget(self.signer)
        chooser.addStretch(1)
        chooser.addWidget(self.confirm_button)
        left = QVBoxLayout(self.signing)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(chooser)
        left.addWidget(self.pad, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("已签名："), self))
        right.addLayout(self._signed_layout)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.signing, 3)
        layout.addLayout(right, 1)

    def finish(self) -> None:
        """The record is saved: show who signed, no longer offer to sign."""
        self.signing.hide()
        for row in self._rows.values():
            for button in row.findChildren(QPushButton):
                button.hide()

    def set_signers(self, names: list[str]) -> None:
        current = self.signer.currentText()
        self.signer.clear()
        self.signer.addItems(names)
        index = self.signer.findText(current)
        self.signer.setCurrentIndex(index if index >= 0 else self._first_unsigned(names))
        for name in list(self._signed):
            if name not in names:
                self._drop(name)

    def signatures(self) -> list[CollectedSignature]:
        """Everything confirmed, plus ink still on the pad for the chosen signer."""
        signed = dict(self._signed)
        name = self.signer.currentText()
        if not self.pad.is_empty() and name:
            signed[name] = self.pad.png_bytes()
        return [CollectedSignature(n, png) for n, png in signed.items()]

    def confirmed(self) -> list[CollectedSignature]:
        """The signatures confirmed so far (not the ink still on the pad)."""
        return [CollectedSignature(n, png) for n, png in self._signed.items()]

    def restore(self, confirmed: list[CollectedSignature], signer: str, ink: Strokes) -> None:
        """Put back what `confirmed()`, the chosen signer and the pad's strokes were; call after
        `set_signers`. A signature of someone no longer among the signers is left out."""
        for name in list(self._signed):
            self._drop(name)
        names = [self.signer.itemText(i) for i in range(self.signer.count())]
        for signature in confirmed:
            if signature.name in names:
                self._signed[signature.name] = signature.png
                self._show_signed(signature.name, signature.png)
        index = self.signer.findText(signer)
        self.signer.setCurrentIndex(index if index >= 0 else self._first_unsigned(names))
        self.pad.set_strokes(ink)
        self.changed.emit()

    @Slot()
    def confirm(self) -> None:
        name = self.signer.currentText()
        if not name or self.pad.is_empty():
            return
        if name in self._signed:
            self._drop(name)
        self._signed[name] = self.pad.png_bytes()
        self._show_signed(name, self._signed[name])
        self.pad.clear()
        names = [self.signer.itemText(i) for i in range(self.signer.count())]
        self.signer.setCurrentIndex(self._first_unsigned(names))
        self.changed.emit()

    @Slot()
    def _pad_changed(self) -> None:
        self.confirm_button.setEnabled(not self.pad.is_empty())
        self.changed.emit()

    def _first_unsigned(self, names: list[str]) -> int:
        for n, name in enumerate(names):
            if name not in self._signed:
                return n
        return 0 if names else -1

    def _show_signed(self, name: str, png: bytes) -> None:
        row = QWidget(self)
        image = QLabel(row)
        pixmap = QPixmap()
        pixmap.loadFromData(QByteArray(png), "PNG")
        image.setPixmap(pixmap.scaledToHeight(PREVIEW_HEIGHT,
                                              Qt.TransformationMode.SmoothTransformation))
        remove = QPushButton(self.tr("重签"), row)
        remove.setAutoDefault(False)
        remove.setToolTip(self.tr("删除 {name} 的签名").format(name=name))
        remove.clicked.connect(lambda: self._drop(name))
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel(name, row))
        line.addWidget(image, 1)
        line.addWidget(remove)
        self._rows[name] = row
        self._signed_layout.addWidget(row)
        self.none_label.hide()

    def _drop(self, name: str) -> None:
        self._signed.pop(name, None)
        row = self._rows.pop(name, None)
        if row is not None:
            self._signed_layout.removeWidget(row)
            row.deleteLater()
        self.none_label.setVisible(not self._signed)
        self.changed.emit()
