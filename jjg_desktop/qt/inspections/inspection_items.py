"""One checklist item on the inspection form, built from the template: the question, large
符合 / 不符合 / 不适用 buttons (a number with its unit, or a text, where the item asks for one),
the key posts' monthly sheet where the item asks for one, the remark, and the item's
photos. The row saves nothing itself: it says what the inspector did, and the form calls the
service.

Keys on a row: 1 / Y 符合, 2 / N 不符合, 3 / A 不适用; ↑ / ↓ the previous / next item."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QDoubleValidator, QIcon, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.inspections.key_post_sheet import KeyPostSheet
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.typing_pause import TypingPause
from jjg_desktop.rules.inspection import COMPLIANT, NONCOMPLIANT, NOT_APPLICABLE
from jjg_desktop.store.read.inspections import ItemView

TOUCH = 48
THUMB = 72
ANSWER_KEYS = {Qt.Key.Key_1: COMPLIANT, Qt.Key.Key_Y: COMPLIANT,
               Qt.Key.Key_2: NONCOMPLIANT, Qt.Key.Key_N: NONCOMPLIANT,
               Qt.Key.Key_3: NOT_APPLICABLE, Qt.Key.Key_A: NOT_APPLICABLE}
CHOICES = (COMPLIANT, NONCOMPLIANT, NOT_APPLICABLE)


class DebouncedLine(QLineEdit):
    """A line edit that reports its text after a pause in typing, on Enter and on leaving."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pause = TypingPause(self, self.text)
        self._pause.committed.connect(self.committed)
        self.textEdited.connect(self._pause.edited)
        self.editingFinished.connect(self._pause.flush)

    def load(self, text: str) -> None:
        """Show the stored value, unless the inspector is in the middle of typing."""
        if not self._pause.dirty and self.text() != text:
            self.setText(text)
            self.setCursorPosition(0)

    @Slot()
    def flush(self) -> None:
        self._pause.flush()


class ItemRow(QFrame):
    answered = Signal(str, str)
    """item code, value."""
    remarked = Signal(str, str)
    """item code, remark."""
    add_photos = Signal(str)
    remove_photo = Signal(str)
    view_photo = Signal(str, str)
    """(item code, attachment id): show that photo at full size."""
    """attachment id."""
    move = Signal(str, int)
    """item code, -1 / +1: the inspector pressed ↑ / ↓."""

    def __init__(self, item: ItemView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = item.code
        self.answer_type = item.answer_type
        self.value = ""
        self.setObjectName("itemRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"{item.code} {item.text}")
        basic = self.tr("【基本项】") if item.basic else ""
        self.question = QLabel(f"<b>{item.code}</b> {basic}{item.text}", self)
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.question.setSizePolicy(QSizePolicy.Policy.Expanding,
                                    QSizePolicy.Policy.Preferred)
        self.basis = QLabel(self.tr("依据：{basis}").format(basis=item.basis), self)
        self.basis.setWordWrap(True)
        set_tone(self.basis, "hint")
        self.basis.setVisible(bool(item.basis))

        self.buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.number: DebouncedLine | None = None
        self.text_answer: DebouncedLine | None = None
        self.sheet: KeyPostSheet | None = None
        answer = QHBoxLayout()
        answer.setSpacing(6)
        choices: tuple[str, ...] = CHOICES
        if item.answer_type == "number":
            self.number = DebouncedLine(self)
            self.number.setValidator(QDoubleValidator(0, 1e9, 2, self.number))
            self.number.setPlaceholderText(self.tr("填写数值"))
            self.number.setMinimumHeight(TOUCH)
            self.number.setMaximumWidth(140)
            self.number.setAccessibleName(self.tr("{code} 数值").format(code=item.code))
            self.number.committed.connect(lambda text: self.answered.emit(self.code, text))
            answer.addWidget(self.number)
            answer.addWidget(QLabel(item.unit, self))
            choices = (NOT_APPLICABLE,)
        elif item.answer_type == "text":
            self.text_answer = DebouncedLine(self)
            self.text_answer.setPlaceholderText(self.tr("填写检查情况（无问题填“无”）"))
            self.text_answer.setMinimumHeight(TOUCH)
            self.text_answer.setMinimumWidth(260)
            self.text_answer.setAccessibleName(self.tr("{code} 内容").format(code=item.code))
            self.text_answer.committed.connect(
                lambda text: self.answered.emit(self.code, text))
            answer.addWidget(self.text_answer)
            choices = ()
        elif item.answer_type == "key_posts":
            self.sheet = KeyPostSheet(item, self)
            self.sheet.committed.connect(lambda value: self.answered.emit(self.code, value))
            choices = ()
        for n, value in enumerate(CHOICES, start=1):
            if value not in choices:
                continue
            button = QPushButton(value, self)
            button.setObjectName("answerButton")
            button.setProperty("answer", value)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumSize(QSize(88, TOUCH))
            button.setToolTip(self.tr("{value}（按 {n}）").format(value=value, n=n))
            button.clicked.connect(lambda _=False, v=value: self._choose(v))
            button.installEventFilter(self)
            self.group.addButton(button)
            self.buttons[value] = button
            answer.addWidget(button)

        self.remark = DebouncedLine(self)
        self.remark.setPlaceholderText(self.tr("情况说明（可不填）"))
        self.remark.setMinimumHeight(TOUCH - 8)
        self.remark.setAccessibleName(self.tr("{code} 情况说明").format(code=item.code))
        self.remark.committed.connect(lambda text: self.remarked.emit(self.code, text))
        self.photo_button = QPushButton(self.tr("照片…"), self)
        self.photo_button.setAutoDefault(False)
        self.photo_button.setMinimumHeight(TOUCH - 8)
        self.photo_button.setToolTip(self.tr("为 {code} 添加照片").format(code=item.code))
        self.photo_button.clicked.connect(lambda: self.add_photos.emit(self.code))
        self.photos = QListWidget(self)
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB, THUMB))
        self.photos.setFlow(QListView.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.setFixedHeight(THUMB + 16)
        self.photos.setAccessibleName(self.tr("{code} 照片").format(code=item.code))
        self.photos.hide()
        self.photos.itemActivated.connect(lambda entry: self.view_photo.emit(
            self.code, entry.data(Qt.ItemDataRole.UserRole)))
        self.remove_button = QPushButton(self.tr("移除所选照片"), self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.setMinimumHeight(TOUCH - 8)
        self.remove_button.hide()
        self.remove_button.clicked.connect(self._remove_current)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()

        top = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.question)
        text.addWidget(self.basis)
        top.addLayout(text, 1)
        top.addLayout(answer)
        second = QHBoxLayout()
        second.addWidget(self.remark, 1)
        second.addWidget(self.photo_button)
        second.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        if self.sheet is not None:
            layout.addWidget(self.sheet)
        layout.addLayout(second)
        layout.addWidget(self.photos)
        layout.addWidget(self.message)
        for w in (self.remark, self.number, self.text_answer):
            if w is not None:
                w.installEventFilter(self)
        self.show_item(item, {})

    # --- showing ------------------------------------------------------------------------

    def show_item(self, item: ItemView, thumbnails: dict[str, QImage]) -> None:
        self.value = item.value
        for value, button in self.buttons.items():
            button.setChecked(value == item.value)
        if self.number is not None:
            self.number.load("" if item.value == NOT_APPLICABLE else item.value)
        if self.text_answer is not None:
            self.text_answer.load(item.value)
        if self.sheet is not None:
            self.sheet.load(item.value)
        self.remark.load(item.remark)
        self.setProperty("finding", item.finding)
        self.setProperty("answered", bool(item.value))
        self.style().unpolish(self)
        self.style().polish(self)
        shown = [self.photos.item(n).data(Qt.ItemDataRole.UserRole)
                 for n in range(self.photos.count())]
        if shown != [p.id for p in item.photos]:
            self.photos.clear()
            for photo in item.photos:
                entry = QListWidgetItem(self.photos)
                entry.setData(Qt.ItemDataRole.UserRole, photo.id)
                entry.setToolTip(self.tr("{caption}（双击查看原图）").format(
                    caption=photo.caption or self.tr("照片")))
        for n, photo in enumerate(item.photos):  # thumbnails that arrived since
            entry = self.photos.item(n)
            image = thumbnails.get(photo.sha256)
            if entry.icon().isNull() and image is not None and not image.isNull():
                entry.setIcon(QIcon(QPixmap.fromImage(image)))
        self.photos.setVisible(self.photos.count() > 0)
        self.remove_button.setVisible(self.photos.count() > 0 and self.photo_button.isEnabled())

    def set_locked(self, locked: bool) -> None:
        for w in (*self.buttons.values(), self.photo_button, self.remove_button):
            w.setEnabled(not locked)
        for edit in (self.remark, self.number, self.text_answer):
            if edit is not None:
                edit.setReadOnly(locked)
        if self.sheet is not None:
            self.sheet.set_locked(locked)
        if locked:
            self.remove_button.hide()

    def show_message(self, text: str, tone: str = "error") -> None:
        self.message.setText(text)
        set_tone(self.message, tone)
        self.message.setVisible(bool(text))

    def flush(self) -> None:
        for edit in (self.remark, self.number, self.text_answer, self.sheet):
            if edit is not None:
                edit.flush()

    def first_input(self) -> QWidget:
        if self.buttons:
            return next(iter(self.buttons.values()))
        if self.sheet is not None:
            return self.sheet.first_input()
        return self.number or self.text_answer or self.remark

    # --- acting -------------------------------------------------------------------------

    def answer_key(self, key: int) -> bool:
        value = ANSWER_KEYS.get(Qt.Key(key))
        if value is None or value not in self.buttons or not self.buttons[value].isEnabled():
            return False
        self._choose(value)
        return True

    def _choose(self, value: str) -> None:
        for v, button in self.buttons.items():
            button.setChecked(v == value)
        if self.number is not None:
            self.number.load("")
        self.answered.emit(self.code, value)

    @Slot()
    def _remove_current(self) -> None:
        item = self.photos.currentItem()
        if item is not None:
            self.remove_photo.emit(item.data(Qt.ItemDataRole.UserRole))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if isinstance(watched, QLineEdit):
                if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                    self.move.emit(self.code, -1 if event.key() == Qt.Key.Key_Up else 1)
                    return True
                return False
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move.emit(self.code, -1 if event.key() == Qt.Key.Key_Up else 1)
            return True
        return self.answer_key(event.key())
