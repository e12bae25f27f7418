"""The key posts' monthly sheet on the inspection form (吉建规〔2023〕11号): the month, then one
line per person — post, name, days due on site, days on duty — with each person's rate worked
out as it is typed and shown red under the threshold.

The sheet saves itself after a pause in typing, like every field of the form, once each line
it holds is complete and the whole is valid; until then it says which line is missing what and
keeps what was typed — and says so (`drafted`), so that the form keeps it as a draft on this
machine until the sheet is whole. A new sheet starts with one line per post, the project's
项目负责人 and 总监理工程师 filled in from the project's key people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.typing_pause import SAVE_PAUSE_MS
from jjg_desktop.rules import key_posts
from jjg_desktop.rules.inspection import NOT_APPLICABLE
from jjg_desktop.store.read.inspections import ItemView

HEADERS = ("岗位", "姓名", "应在岗天数", "在岗天数", "在岗率", "")
LINE_HEIGHT = 40
"""Tall enough for a finger on a tablet at the site."""


@dataclass(frozen=True, slots=True)
class _Line:
    post: str
    name: str
    due: str
    on_duty: str

    @property
    def blank(self) -> bool:
        return not (self.name or self.due or self.on_duty)

    @property
    def complete(self) -> bool:
        return bool(self.name and self.due and self.on_duty)


class _PersonLine:
    """The widgets of one person's line."""

    def __init__(self, sheet: KeyPostSheet, posts: Iterable[str], line: _Line) -> None:
        self.post = QComboBox(sheet)
        self.post.addItems(list(posts))
        self.post.setCurrentText(line.post)
        self.name = QLineEdit(line.name, sheet)
        self.name.setPlaceholderText(sheet.tr("姓名"))
        self.name.setMaxLength(key_posts.MAX_NAME)
        self.due = QLineEdit(line.due, sheet)
        self.on_duty = QLineEdit(line.on_duty, sheet)
        for days in (self.due, self.on_duty):
            days.setValidator(QIntValidator(0, 31, days))
            days.setMaximumWidth(90)
            days.setPlaceholderText(sheet.tr("天"))
        self.rate = QLabel(sheet)
        self.remove = QToolButton(sheet)
        self.remove.setText(sheet.tr("删除"))
        self.remove.setAutoRaise(True)
        self.post.setAccessibleName(sheet.tr("岗位"))
        self.name.setAccessibleName(sheet.tr("姓名"))
        self.due.setAccessibleName(sheet.tr("应在岗天数"))
        self.on_duty.setAccessibleName(sheet.tr("在岗天数"))
        self.rate.setAccessibleName(sheet.tr("在岗率"))
        self.name.setMaximumWidth(220)
        for w in (self.post, self.name, self.due, self.on_duty, self.remove):
            w.setMinimumHeight(LINE_HEIGHT)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.post, self.name, self.due, self.on_duty, self.rate, self.remove)

    def line(self) -> _Line:
        return _Line(self.post.currentText(), self.name.text().strip(), self.due.text().strip(),
                     self.on_duty.text().strip())


def _month_date(month: str) -> QDate:
    """A stored month ('2026-11') as the month box shows it; ValueError if it is none."""
    day = QDate.fromString(month, "yyyy-MM")
    if not day.isValid():
        raise ValueError(f"not a month: {month!r}")
    return day


class KeyPostSheet(QWidget):
    committed = Signal(str)
    """The sheet as stored (compact JSON), or 不适用."""
    drafted = Signal(object)
    """What was typed but cannot be saved yet (`draft_state()`), or None once it is saved."""

    def __init__(self, item: ItemView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyPostSheet")
        self._item = item
        self._posts = tuple(p.post for p in item.posts)
        self._known: dict[str, str] = {}
        self._today = date.today()
        self._threshold = 0.8
        self._stored = ""
        self._pending = False
        self._locked = False
        self._lines: list[_PersonLine] = []
        self._timer = QTimer(self, singleShot=True, interval=SAVE_PAUSE_MS)
        self._timer.timeout.connect(self.flush)

        self.month = QDateEdit(self)
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(False)
        self.month.setMinimumHeight(LINE_HEIGHT)
        self.month.setAccessibleName(self.tr("{code} 统计月份").format(code=item.code))
        self.month.dateChanged.connect(self._edited)
        self.not_applicable = QPushButton(NOT_APPLICABLE, self)
        self.not_applicable.setObjectName("answerButton")
        self.not_applicable.setProperty("answer", NOT_APPLICABLE)
        self.not_applicable.setCheckable(True)
        self.not_applicable.setAutoDefault(False)
        self.not_applicable.setToolTip(self.tr("本项目不适用（如尚未开工或已停工）"))
        self.not_applicable.clicked.connect(self._choose_not_applicable)
        self.add = QPushButton(self.tr("添加人员"), self)
        self.add.setAutoDefault(False)
        self.add.clicked.connect(self._add_line)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setColumnStretch(len(HEADERS), 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # names are typed by people

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("统计月份"), self))
        top.addWidget(self.month)
        top.addStretch(1)
        top.addWidget(self.add)
        top.addWidget(self.not_applicable)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.grid)
        layout.addWidget(self.status)
        self._set_lines(self._fresh_lines())

    # --- what the form tells it -----------------------------------------------------------

    def set_context(self, people: Iterable[tuple[str, str]], today: date,
                    threshold: float) -> None:
        """The project's key people (role, name), today and the threshold of the rule."""
        known: dict[str, str] = {}
        for role, name in people:
            known.setdefault(role, name)
        changed = (today, threshold) != (self._today, self._threshold) or known != self._known
        self._known, self._today, self._threshold = known, today, threshold
        self.month.setMaximumDate(QDate(today.year, today.month, 28))
        if changed and not self._pending and key_posts.sheet_of(self._item, self._stored) is None:
            self._set_month(self._default_month())
            self._set_lines(self._fresh_lines())
            self._show_status()

    def load(self, value: str) -> None:
        """Show the stored sheet, unless the inspector has typed something not yet saved."""
        if self._pending or (value == self._stored and self._lines):
            self.not_applicable.setChecked(value == NOT_APPLICABLE)
            return
        self._stored = value
        sheet = key_posts.sheet_of(self._item, value)
        self.not_applicable.setChecked(value == NOT_APPLICABLE)
        if sheet is None:
            self._set_month(self._default_month())
            self._set_lines(self._fresh_lines())
        else:
            self._set_month(_month_date(sheet.month))
            self._set_lines([_Line(p.post, p.name, str(p.due), str(p.on_duty))
                             for p in sheet.people])
        self._show_status()

    def reset(self) -> None:
        """Forget what this sheet showed: another record is being opened in the form."""
        self._timer.stop()
        self._pending = False
        self._stored = ""
        self._set_lines([])

    def draft_state(self) -> dict[str, object]:
        return {"month": self._month_text(),
                "lines": [[line.post, line.name, line.due, line.on_duty]
                          for line in (p.line() for p in self._lines)]}

    def restore(self, draft: dict[str, object], saved_at: str) -> None:
        """Put back lines typed but never saved (kept as a draft); they save once whole."""
        month, lines = draft.get("month"), draft.get("lines")
        if not isinstance(month, str) or not isinstance(lines, list):
            raise ValueError("not a key posts' draft")
        self._set_month(_month_date(month))
        self._set_lines([_Line(*(str(v) for v in line)) for line in lines])
        self._pending = True
        _value, problem = self._value()
        self._show_status(self.tr("已恢复上次未填完的在岗情况（{time}）。{problem}").format(
            time=saved_at, problem=problem))

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        self.month.setReadOnly(locked)
        self.add.setVisible(not locked)
        self.not_applicable.setEnabled(not locked)
        for line in self._lines:
            line.post.setEnabled(not locked)
            for edit in (line.name, line.due, line.on_duty):
                edit.setReadOnly(locked)
            line.remove.setVisible(not locked)

    def first_input(self) -> QWidget:
        return self._lines[0].name if self._lines else self.add

    # --- the lines ------------------------------------------------------------------------

    def _default_month(self) -> QDate:
        """The last full month before today: the one the platform's figures cover."""
        first = QDate(self._today.year, self._today.month, 1)
        return first.addMonths(-1)

    def _month_text(self) -> str:
        """The chosen month as a sheet stores it ('2026-11')."""
        return self.month.date().toString("yyyy-MM")

    def _set_month(self, month: QDate) -> None:
        self.month.blockSignals(True)
        self.month.setDate(month)
        self.month.blockSignals(False)

    def _fresh_lines(self) -> list[_Line]:
        return [_Line(post, self._known.get(post, ""), "", "") for post in self._posts]

    def _set_lines(self, lines: list[_Line]) -> None:
        for old in self._lines:
            for w in old.widgets():
                self.grid.removeWidget(w)
                w.deleteLater()
        for column, header in enumerate(HEADERS):
            if self.grid.itemAtPosition(0, column) is None and header:
                label = QLabel(self.tr(header), self)
                set_tone(label, "hint")
                self.grid.addWidget(label, 0, column)
        self._lines = []
        for line in lines:
            self._append(line)
        self.set_locked(self._locked)

    def _append(self, line: _Line) -> _PersonLine:
        person = _PersonLine(self, self._posts, line)
        row = len(self._lines) + 1
        for column, w in enumerate(person.widgets()):
            self.grid.addWidget(w, row, column)
        person.post.currentIndexChanged.connect(self._edited)
        for edit in (person.name, person.due, person.on_duty):
            edit.textEdited.connect(self._edited)
            edit.editingFinished.connect(self.flush)
        person.remove.clicked.connect(lambda _=False, p=person: self._remove_line(p))
        self._lines.append(person)
        self._show_rate(person)
        return person

    @Slot()
    def _add_line(self) -> None:
        person = self._append(_Line(self._posts[-1] if self._posts else "", "", "", ""))
        self.set_locked(self._locked)
        person.name.setFocus()

    def _remove_line(self, person: _PersonLine) -> None:
        lines = [p.line() for p in self._lines if p is not person]
        self._set_lines(lines)
        self._edited()
        self.flush()

    def _show_rate(self, person: _PersonLine) -> None:
        line = person.line()
        text, tone = "", "hint"
        if line.due.isdigit() and line.on_duty.isdigit() and int(line.due) > 0:
            rate = int(line.on_duty) / int(line.due)
            text = f"{rate * 100:.1f}%"
            tone = "error" if rate < self._threshold else "hint"
        person.rate.setText(text)
        set_tone(person.rate, tone)

    # --- saving ---------------------------------------------------------------------------

    @Slot()
    def _edited(self) -> None:
        self._pending = True
        for person in self._lines:
            self._show_rate(person)
        self._timer.start()

    @Slot()
    def flush(self) -> None:
        """Save what was typed if it is a whole, valid sheet; otherwise say what is missing."""
        self._timer.stop()
        if not self._pending:
            return
        value, problem = self._value()
        if problem:
            self._show_status(problem)
            self.drafted.emit(self.draft_state())
            return
        self._pending = False
        self.drafted.emit(None)
        if value != self._stored:
            self._stored = value
            self.committed.emit(value)
        self._show_status()

    def entered(self) -> tuple[str, str]:
        """The sheet as typed, stored form, and what is wrong with it ('' when whole)."""
        return self._value()

    def _value(self) -> tuple[str, str]:
        lines = [p.line() for p in self._lines]
        for n, line in enumerate(lines, start=1):
            if not line.blank and not line.complete:
                return "", self.tr("第 {n} 行（{post}）尚未填完：填写姓名和两项天数，或删除该行，"
                                   "填完后自动保存").format(n=n, post=line.post)
        people = [(line.post, line.name, int(line.due), int(line.on_duty))
                  for line in lines if not line.blank]
        if not people:
            return "", self.tr("请至少填写一名关键岗位人员的在岗天数")
        value = key_posts.encode(self._month_text(), people)
        try:
            key_posts.parse(self._item, value, self._today)
        except key_posts.SheetError as e:
            return "", str(e)
        return value, ""

    @Slot()
    def _choose_not_applicable(self) -> None:
        self._timer.stop()
        self._pending = False
        self._stored = NOT_APPLICABLE
        self.drafted.emit(None)
        self.committed.emit(NOT_APPLICABLE)

    def _show_status(self, problem: str = "") -> None:
        if problem:
            self.status.setText(problem)
            set_tone(self.status, "error")
            return
        sheet = key_posts.sheet_of(self._item, self._stored)
        if sheet is None:
            hint = self.tr("逐人填写该月应在岗天数和在岗天数（一日内至少两次打卡且间隔不少于"
                           "4小时方计为在岗）")
            self.status.setText(self.tr("已填“不适用”") if self._stored == NOT_APPLICABLE
                                else hint)
            set_tone(self.status, "hint")
            return
        short = sheet.short(self._threshold)
        missing = key_posts.missing_posts(self._item, sheet)
        parts = [self.tr("已保存：{month} {n} 人").format(month=sheet.month_label,
                                                       n=len(sheet.people))]
        if short:
            parts.append(self.tr("在岗率不足 {t:g}%：{who}").format(
                t=self._threshold * 100, who="、".join(f"{p.post}{p.name}" for p in short)))
        if missing:
            parts.append(self.tr("未填写岗位：{posts}").format(
                posts="、".join(p.post for p in missing)))
        self.status.setText("；".join(parts))
        set_tone(self.status, "error" if short else "hint")

