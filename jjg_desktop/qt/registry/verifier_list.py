"""Who took part: the user first (always), then whoever else they add."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from jjg_desktop.qt.kit.style import set_tone

CHIP_HEIGHT = 34


class VerifierList(QWidget):
    changed = Signal()

    def __init__(self, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._user = user_name
        self._others: list[str] = []
        self._chips: list[QWidget] = []
        self.user_label = QLabel(self.tr("{name}（本人）").format(name=user_name), self)
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(self.tr("其他核查人员姓名"))
        self.edit.setPlaceholderText(self.tr("其他核查人员姓名，回车添加"))
        self.edit.setMinimumHeight(CHIP_HEIGHT)
        self.edit.returnPressed.connect(self.add_typed)
        self.add_button = QPushButton(self.tr("添加"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.setMinimumHeight(CHIP_HEIGHT)
        self.add_button.clicked.connect(self.add_typed)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.user_label)
        self._layout.addWidget(self.edit, 1)
        self._layout.addWidget(self.add_button)

    def names(self) -> list[str]:
        return [self._user, *self._others]

    @Slot()
    def add_typed(self) -> None:
        name = self.edit.text().strip()
        if name and name not in self.names():
            self.add(name)
        self.edit.clear()

    def set_others(self, names: list[str]) -> None:
        """Replace everyone but the user with `names` (a draft put back)."""
        for name, chip in list(zip(self._others, self._chips, strict=True)):
            self._drop(name, chip)
        for name in names:
            if name not in self.names():
                self._add_chip(name)
        self.changed.emit()

    def add(self, name: str) -> None:
        self._add_chip(name)
        self.changed.emit()

    def _add_chip(self, name: str) -> None:
        self._others.append(name)
        chip = QPushButton(self.tr("{name} ✕").format(name=name), self)
        chip.setAutoDefault(False)
        chip.setMinimumHeight(CHIP_HEIGHT)
        chip.setToolTip(self.tr("移除 {name}").format(name=name))
        chip.setAccessibleName(self.tr("移除核查人员 {name}").format(name=name))
        set_tone(chip, "chip")
        chip.clicked.connect(lambda: self._remove(name, chip))
        self._chips.append(chip)
        self._layout.insertWidget(len(self._chips), chip)

    def _remove(self, name: str, chip: QWidget) -> None:
        self._drop(name, chip)
        self.changed.emit()

    def _drop(self, name: str, chip: QWidget) -> None:
        self._others.remove(name)
        self._chips.remove(chip)
        self._layout.removeWidget(chip)
        chip.deleteLater()
