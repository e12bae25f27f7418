"""The calls made to reach an enterprise (能够取得联系): when, which number, answered or not."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.rules.verification import CallAttempt

ROW_HEIGHT = 36


class CallRow(QWidget):
    removed = Signal(object)
    changed = Signal()

    def __init__(self, call: CallAttempt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.at = QLineEdit(call.at, self)
        self.at.setAccessibleName(self.tr("拨打时间"))
        self.at.setPlaceholderText(self.tr("如 2026-05-18 09:30"))
        self.at.setMaximumWidth(150)
        self.number = QLineEdit(call.number, self)
        self.number.setAccessibleName(self.tr("拨打号码"))
        self.number.setMaximumWidth(160)
        self.answered = QRadioButton(self.tr("接通"), self)
        self.unanswered = QRadioButton(self.tr("未接通"), self)
        (self.answered if call.answered else self.unanswered).setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.answered)
        group.addButton(self.unanswered)
        self.note = QLineEdit(call.note, self)
        self.note.setAccessibleName(self.tr("通话情况"))
        self.note.setPlaceholderText(self.tr("通话情况，如“关机”“空号”“对方称已撤场”"))
        remove = QPushButton(self.tr("删除"), self)
        remove.setAutoDefault(False)
        remove.clicked.connect(lambda: self.removed.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.at, self.number, self.answered, self.unanswered, self.note, remove):
            widget.setMinimumHeight(ROW_HEIGHT)
            layout.addWidget(widget, 1 if widget is self.note else 0)
        for edit in (self.at, self.number, self.note):
            edit.textChanged.connect(self.changed)
        self.answered.toggled.connect(self.changed)

    def call(self) -> CallAttempt:
        return CallAttempt(at=self.at.text().strip(), number=self.number.text().strip(),
                           answered=self.answered.isChecked(), note=self.note.text().strip())


class CallLogEditor(QWidget):
    changed = Signal()

    def __init__(self, default_number: str, default_time: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._number = default_number
        self._time = default_time
        self.rows: list[CallRow] = []
        caption = QLabel(self.tr("通话记录（拨打登记电话的每一次呼叫）"), self)
        self.add_button = QPushButton(self.tr("添加呼叫"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.setMinimumHeight(ROW_HEIGHT)
        self.add_button.clicked.connect(self.add_call)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(4)
        bar = QHBoxLayout()
        bar.addWidget(caption)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(self._rows)

    @Slot()
    def add_call(self) -> CallRow:
        row = self._add_row(CallAttempt(at=self._time(), number=self._number, answered=False))
        row.at.setFocus()
        self.changed.emit()
        return row

    def set_calls(self, calls: list[CallAttempt]) -> None:
        """Replace the rows with these calls (a draft put back)."""
        for row in list(self.rows):
            self._drop(row)
        for call in calls:
            self._add_row(call)
        self.changed.emit()

    def _add_row(self, call: CallAttempt) -> CallRow:
        row = CallRow(call, self)
        row.removed.connect(self._remove)
        row.changed.connect(self.changed)
        self.rows.append(row)
        self._rows.addWidget(row)
        return row

    def calls(self) -> list[CallAttempt]:
        return [row.call() for row in self.rows]

    def problems(self) -> list[str]:
        return [self.tr("第 {n} 次呼叫请填写拨打时间和号码").format(n=n)
                for n, call in enumerate(self.calls(), start=1)
                if not call.at or not call.number]

    @Slot(object)
    def _remove(self, row: CallRow) -> None:
        self._drop(row)
        self.changed.emit()

    def _drop(self, row: CallRow) -> None:
        self.rows.remove(row)
        self._rows.removeWidget(row)
        row.deleteLater()
