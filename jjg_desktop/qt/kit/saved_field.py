"""An editable field that saves itself as the user types: after a pause, on Enter, on
leaving the field, and whenever its view closes. There is never an unsaved edit to lose."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QLineEdit

from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.typing_pause import TypingPause


class SavedField(QObject):
    def __init__(self, key: str, caption: QLabel, edit: QLineEdit, message: QLabel,
                 save: Callable[[SavedField], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.caption = caption
        self.edit = edit
        self.message = message
        self._save = save
        self.has_error = False
        self._pause = TypingPause(edit, edit.text)
        self._pause.committed.connect(lambda _text: self._save(self))
        edit.textEdited.connect(self._pause.edited)
        edit.editingFinished.connect(self._pause.flush)
        message.hide()

    @property
    def label(self) -> str:
        """The field's name as the form shows it."""
        return self.caption.text()

    @property
    def value(self) -> str:
        return self.edit.text()

    def load(self, value: str) -> None:
        self._pause.reset()
        self.edit.setText(value)
        self.edit.setCursorPosition(0)
        self.clear_message()

    @Slot()
    def flush(self) -> None:
        """Save now if there is an edit not yet saved."""
        self._pause.flush()

    def show_error(self, text: str) -> None:
        self._show(text, "error")
        self.has_error = True

    def show_hint(self, text: str) -> None:
        self._show(text, "hint")
        self.has_error = False

    def clear_message(self) -> None:
        self.has_error = False
        self.message.clear()
        self.message.hide()
        set_tone(self.edit, "")
        self.edit.setAccessibleDescription("")

    def _show(self, text: str, tone: str) -> None:
        self.message.setText(text)
        set_tone(self.message, tone)
        set_tone(self.edit, tone)
        self.message.show()
        self.edit.setAccessibleDescription(text)
