"""The findings of an inspection, each editable while the record is open (problem, legal
basis, requirement, responsible party, deadline), a manual finding, and — on a re-inspection
— each earlier finding with 已整改 / 未整改. Rows say what was edited; the form saves."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.inspections.inspection_items import TOUCH, DebouncedLine
from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.rules.inspection import (
    FINDING_FIELD_LABELS,
    RESPONSIBLE_ROLES,
    REVIEW_CLOSED,
    REVIEW_REOPENED,
)
from jjg_desktop.store.read.inspections import FindingView, ReviewView


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = QDateEdit(qdate(value), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumHeight(TOUCH - 8)
    edit.setMaximumWidth(220)
    return edit


class FindingRow(QFrame):
    edited = Signal(str, str, object)
    """finding id, field, new value."""

    def __init__(self, finding: FindingView, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding_id = finding.id
        self.setObjectName("findingRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.lines: dict[str, DebouncedLine] = {}
        form = QFormLayout()
        for key in ("problem", "legal_basis", "requirement"):
            line = DebouncedLine(self)
            line.setMinimumHeight(TOUCH - 8)
            line.setAccessibleName(FINDING_FIELD_LABELS[key])
            line.committed.connect(lambda text, k=key: self.edited.emit(self.finding_id, k, text))
            self.lines[key] = line
            form.addRow(FINDING_FIELD_LABELS[key], line)
        self.role = QComboBox(self)
        self.role.addItems(list(RESPONSIBLE_ROLES))
        self.role.setMinimumHeight(TOUCH - 8)
        self.role.activated.connect(lambda _n: self.edited.emit(
            self.finding_id, "responsible_role", self.role.currentText()))
        self.deadline = _date_edit(self, finding.deadline or today)
        self.deadline.setMinimumDate(qdate(today))
        self.deadline.editingFinished.connect(self._deadline_done)
        self.enterprise = QLabel(self)
        who = QHBoxLayout()
        who.addWidget(self.role)
        who.addWidget(self.enterprise, 1)
        form.addRow(FINDING_FIELD_LABELS["responsible_role"], who)
        form.addRow(FINDING_FIELD_LABELS["deadline"], self.deadline)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.show_finding(finding, 0)

    def show_finding(self, f: FindingView, n: int) -> None:
        item = self.tr("检查项 {code}").format(code=f.item_code) if f.item_code \
            else self.tr("现场发现")
        self.title.setText(self.tr("<b>问题 {n}</b>　{item}　{status}").format(
            n=n, item=item, status=f.status_label))
        for key, line in self.lines.items():
            line.load(getattr(f, key))
        if not self.role.hasFocus():
            self.role.setCurrentText(f.responsible_role)
        self.enterprise.setText(f.enterprise)
        if f.deadline is not None and not self.deadline.hasFocus():
            self.deadline.setDate(qdate(f.deadline))

    def set_locked(self, locked: bool) -> None:
        for line in self.lines.values():
            line.setReadOnly(locked)
        self.role.setEnabled(not locked)
        self.deadline.setReadOnly(locked)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        set_tone(self.message, "error")
        self.message.setVisible(bool(text))

    def flush(self) -> None:
        for line in self.lines.values():
            line.flush()

    @Slot()
    def _deadline_done(self) -> None:
        if not self.deadline.isReadOnly():
            self.edited.emit(self.finding_id, "deadline", pydate(self.deadline.date()))


class FindingDialog(QDialog):
    """A finding seen on site beyond the checklist."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加问题"))
        self.problem = DebouncedLine(self)
        self.basis = DebouncedLine(self)
        self.requirement = DebouncedLine(self)
        self.role = QComboBox(self)
        self.role.addItems(list(RESPONSIBLE_ROLES))
        self.role.setCurrentText("施工单位")
        self.deadline = _date_edit(self, date.fromordinal(today.toordinal() + 15))
        self.deadline.setMinimumDate(qdate(today))
        form = QFormLayout(self)
        for caption, widget in ((FINDING_FIELD_LABELS["problem"], self.problem),
                                (FINDING_FIELD_LABELS["legal_basis"], self.basis),
                                (FINDING_FIELD_LABELS["requirement"], self.requirement),
                                (FINDING_FIELD_LABELS["responsible_role"], self.role),
                                (FINDING_FIELD_LABELS["deadline"], self.deadline)):
            widget.setMinimumHeight(TOUCH - 8)
            widget.setMinimumWidth(420)
            form.addRow(caption, widget)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        set_tone(self.message, "error")
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def values(self) -> dict[str, Any]:
        return {"problem": self.problem.text(), "legal_basis": self.basis.text(),
                "requirement": self.requirement.text(),
                "responsible_role": self.role.currentText(),
                "deadline": pydate(self.deadline.date())}


class FindingsPanel(QWidget):
    edited = Signal(str, str, object)
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, FindingRow] = {}
        self.empty = QLabel(self.tr("暂无问题。答“不符合”的检查项会自动列为问题。"), self)
        set_tone(self.empty, "hint")
        self.add_button = QPushButton(self.tr("添加问题…"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.setMinimumHeight(TOUCH)
        self.add_button.clicked.connect(self.add_requested)
        self._list = QVBoxLayout()
        bar = QHBoxLayout()
        bar.addWidget(self.empty, 1)
        bar.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._list)
        layout.addLayout(bar)
        self._locked = False

    def show_findings(self, findings: tuple[FindingView, ...], today: date) -> None:
        wanted = [f.id for f in findings]
        for fid in [i for i in self.rows if i not in wanted]:
            row = self.rows.pop(fid)
            self._list.removeWidget(row)
            row.deleteLater()
        for n, f in enumerate(findings, start=1):
            row = self.rows.get(f.id)
            if row is None:
                row = FindingRow(f, today, self)
                row.edited.connect(self.edited)
                self.rows[f.id] = row
                row.set_locked(self._locked)
            self._list.removeWidget(row)
            self._list.insertWidget(n - 1, row)
            row.show_finding(f, n)
        self.empty.setVisible(not findings)

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        self.add_button.setVisible(not locked)
        for row in self.rows.values():
            row.set_locked(locked)

    def flush(self) -> None:
        for row in self.rows.values():
            row.flush()


class ReviewRow(QFrame):
    """One earlier finding under re-inspection. Its outcome is the answer to its checklist
    item (answered once, above); here only a new deadline is set when it is still not
    rectified."""

    reviewed = Signal(str, str, str, object)
    """finding id, outcome, note, new deadline."""

    def __init__(self, review: ReviewView, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding_id = review.finding.id
        self.setObjectName("findingRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.deadline = _date_edit(self, date.fromordinal(today.toordinal() + 15))
        self.deadline.setMinimumDate(qdate(date.fromordinal(today.toordinal() + 1)))
        self.deadline.setToolTip(self.tr("未整改时的新整改期限"))
        self.deadline.editingFinished.connect(self._resend)
        self.deadline_row = QWidget(self)
        line = QHBoxLayout(self.deadline_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel(self.tr("新整改期限"), self.deadline_row))
        line.addWidget(self.deadline)
        line.addStretch(1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.outcome)
        layout.addWidget(self.deadline_row)
        layout.addWidget(self.message)
        self._current, self._note = "", ""
        self.show_review(review)

    def show_review(self, r: ReviewView) -> None:
        f = r.finding
        self.title.setText(self.tr("<b>{number}</b> {code} {problem}<br/>原整改期限：{deadline}")
                           .format(number=f.inspection_number, code=f.item_code,
                                   problem=f.problem,
                                   deadline=labels.day(r.previous_deadline or f.deadline)))
        how = (self.tr("请在上方检查项 {code} 中作出结论：符合即已整改，不符合即未整改").format(
            code=f.item_code) if r.outcome not in (REVIEW_CLOSED, REVIEW_REOPENED)
            else self.tr("（按检查项 {code} 的结论）").format(code=f.item_code))
        self.outcome.setText(self.tr("复查结果：{label}{how}").format(label=r.outcome_label,
                                                                   how=how))
        self._current, self._note = r.outcome, r.note
        self.deadline_row.setVisible(r.outcome == REVIEW_REOPENED)
        if r.new_deadline is not None:
            self.deadline.setDate(qdate(r.new_deadline))

    def set_locked(self, locked: bool) -> None:
        self.deadline.setReadOnly(locked)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        set_tone(self.message, "error")
        self.message.setVisible(bool(text))

    @Slot()
    def _resend(self) -> None:
        if self._current == REVIEW_REOPENED and not self.deadline.isReadOnly():
            self.reviewed.emit(self.finding_id, self._current, self._note,
                               pydate(self.deadline.date()))


class ReviewsPanel(QWidget):
    reviewed = Signal(str, str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, ReviewRow] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def show_reviews(self, reviews: tuple[ReviewView, ...], today: date, locked: bool) -> None:
        for r in reviews:
            row = self.rows.get(r.finding.id)
            if row is None:
                row = ReviewRow(r, today, self)
                row.reviewed.connect(self.reviewed)
                self.rows[r.finding.id] = row
                self._layout.addWidget(row)
            row.show_review(r)
            row.set_locked(locked)
