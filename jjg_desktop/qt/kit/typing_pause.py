"""Saving as the user types: a field's text is reported after a pause in typing, when the user
leaves the field, or when its view asks (`flush`) — never an edit left unsaved."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

SAVE_PAUSE_MS = 500


class TypingPause(QObject):
    """Attach to an edit widget; call `edited()` on each user edit; `committed` carries the text."""

    committed = Signal(str)

    def __init__(self, edit: QWidget, text: Callable[[], str]) -> None:
        super().__init__(edit)
        self._text = text
        self.dirty = False
        self._timer = QTimer(self, singleShot=True, interval=SAVE_PAUSE_MS)
        self._timer.timeout.connect(self.flush)
        edit.installEventFilter(self)

    @Slot()
    def edited(self) -> None:
        self.dirty = True
        self._timer.start()

    @Slot()
    def flush(self) -> None:
        self._timer.stop()
        if self.dirty:
            self.dirty = False
            self.committed.emit(self._text())

    def reset(self) -> None:
        """Forget a pending edit (the field is being loaded with the stored value)."""
        self._timer.stop()
        self.dirty = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False
