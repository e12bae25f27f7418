"""One step on an abnormal-list case: the dialog asks only for what the step requires (the
workflow's `requires`) and will not close until each of those is filled in."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.rules.workflow import (
    REQUIREMENT_LABELS,
    TransitionDef,
    decision_number_problem,
    normalized_decision_number,
)
from jjg_desktop.services.cases import StepInput
from jjg_desktop.store.base import new_id
from jjg_desktop.store.read.cases import NOTE, EvidenceChoice

STEP_FORM = form(
    "case_step_dialog.ui", introLabel=QLabel, stepForm=QFormLayout, commentEdit=QPlainTextEdit,
    evidenceList=QListWidget, noteEdit=QLineEdit, addNoteButton=QPushButton,
    decisionNoEdit=QLineEdit, decisionDateEdit=QDateEdit, messageLabel=QLabel,
    buttonBox=QDialogButtonBox)
FORM_ROWS = {"comment": 0, "evidence": 1, "decision_no": 2, "decision_date": 3}
"""The form row asking for each requirement."""
ITEM_ROLE = Qt.ItemDataRole.UserRole


class CaseStepDialog(QDialog):
    def __init__(self, transition: TransitionDef, *, enterprise: str, target_label: str,
                 choices: Sequence[EvidenceChoice], cited: Collection[str], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ui = STEP_FORM.load(self)
        self.transition = transition
        self._today = today
        self.comment = ui.find(QPlainTextEdit, "commentEdit")
        self.evidence = ui.find(QListWidget, "evidenceList")
        self.note = ui.find(QLineEdit, "noteEdit")
        self.add_note_button = ui.find(QPushButton, "addNoteButton")
        self.decision_no = ui.find(QLineEdit, "decisionNoEdit")
        self.decision_date = ui.find(QDateEdit, "decisionDateEdit")
        self.message = ui.find(QLabel, "messageLabel")
        buttons = ui.find(QDialogButtonBox, "buttonBox")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定办理"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self.setWindowTitle(self.tr("{action} · {enterprise}").format(
            action=transition.label, enterprise=enterprise))
        needed = "、".join(REQUIREMENT_LABELS[r] for r in transition.requires
                          if r in FORM_ROWS)
        intro = self.tr("对“{enterprise}”的异常名录案件办理“{action}”，办理后案件转为“{target}”。"
                        ).format(enterprise=enterprise, action=transition.label,
                                 target=target_label)
        if needed:
            intro += self.tr("请填写：{needed}。").format(needed=needed)
        ui.find(QLabel, "introLabel").setText(intro)
        rows = ui.find(QFormLayout, "stepForm")
        for key, row in FORM_ROWS.items():
            rows.setRowVisible(row, key in transition.requires)

        self._fill_choices(choices, cited)
        self.add_note_button.clicked.connect(self._add_note)
        self.note.returnPressed.connect(self._add_note)
        self.decision_no.setPlaceholderText(self.tr("如：吉建管异〔{year}〕3号").format(
            year=today.year))
        self.decision_date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.decision_date.setDate(QDate(today.year, today.month, today.day))
        first = next((w for key, w in (("comment", self.comment),
                                       ("evidence", self.evidence),
                                       ("decision_no", self.decision_no),
                                       ("decision_date", self.decision_date))
                      if key in transition.requires), self.ok_button)
        first.setFocus()
        self.resize(self.sizeHint().expandedTo(self.size()))

    def _fill_choices(self, choices: Sequence[EvidenceChoice], cited: Collection[str]) -> None:
        for choice in choices:
            text = choice.text
            if choice.item.get("id") in cited:
                text = self.tr("{text}（案卷中已有）").format(text=text)
            self._add_item(text, choice.item, checked=False)
        if not choices:
            empty = QListWidgetItem(self.tr(
                "本机没有该企业的核查记录或未整改的检查问题；可在下方添加书面材料。"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.evidence.addItem(empty)

    def _add_item(self, text: str, item: dict[str, str], *, checked: bool) -> QListWidgetItem:
        entry = QListWidgetItem(text)
        entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                       | Qt.ItemFlag.ItemIsSelectable)
        entry.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        entry.setData(ITEM_ROLE, item)
        self.evidence.addItem(entry)
        return entry

    @Slot()
    def _add_note(self) -> None:
        text = self.note.text().strip()
        if not text:
            self.note.setFocus()
            return
        entry = self._add_item(self.tr("书面材料：{text}").format(text=text),
                               {"kind": NOTE, "id": new_id(), "summary": text}, checked=True)
        self.evidence.scrollToItem(entry)
        self.note.clear()

    def check(self, item_id: str) -> None:
        """Tick the evidence item citing the record `item_id`."""
        for n in range(self.evidence.count()):
            entry = self.evidence.item(n)
            if (entry.data(ITEM_ROLE) or {}).get("id") == item_id:
                entry.setCheckState(Qt.CheckState.Checked)

    def chosen_evidence(self) -> list[dict[str, str]]:
        out = []
        for n in range(self.evidence.count()):
            entry = self.evidence.item(n)
            if entry.data(ITEM_ROLE) and entry.checkState() == Qt.CheckState.Checked:
                out.append(dict(entry.data(ITEM_ROLE)))
        return out

    def step_input(self) -> StepInput:
        """What the user filled in, limited to what the step asks for."""
        requires = self.transition.requires
        day = self.decision_date.date()
        return StepInput(
            comment=self.comment.toPlainText().strip() if "comment" in requires else "",
            evidence=self.chosen_evidence() if "evidence" in requires else (),
            decision_no=normalized_decision_number(self.decision_no.text())
            if "decision_no" in requires else "",
            decision_date=date(day.year(), day.month(), day.day())
            if "decision_date" in requires else None)

    def problems(self) -> list[str]:
        step = self.step_input()
        filled = {"comment": bool(step.comment), "evidence": bool(step.evidence),
                  "decision_no": bool(step.decision_no),
                  "decision_date": step.decision_date is not None}
        missing = [REQUIREMENT_LABELS[r] for r in self.transition.requires
                   if r in filled and not filled[r]]
        out = [self.tr("请填写：{fields}").format(fields="、".join(missing))] if missing else []
        if step.decision_date is not None and step.decision_date > self._today:
            out.append(self.tr("决定日期不能晚于今天"))
        if step.decision_no and (
                problem := decision_number_problem(step.decision_no, step.decision_date)):
            out.append(problem)
        return out

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            self.message.setText("；".join(problems) + self.tr("。"))
            set_tone(self.message, "error")
            return
        super().accept()
