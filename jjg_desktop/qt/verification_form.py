"""动态核查: record one verification of an out-of-province enterprise — date, method,
who, an outcome and a note per check (with photos, and the call log for 能够取得联系),
signatures — then print it or, when a check failed, propose the abnormal list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt import labels
from jjg_desktop.qt.call_log import CallLogEditor
from jjg_desktop.qt.case_proposal_dialog import CaseProposalDialog
from jjg_desktop.qt.evidence_photos import PhotoStrip
from jjg_desktop.qt.pdf_preview import PdfPreview
from jjg_desktop.qt.service_task import run_service
from jjg_desktop.qt.signature_section import SignatureCollector
from jjg_desktop.qt.style import set_tone
from jjg_desktop.qt.tasks import TaskState
from jjg_desktop.qt.verification_print import print_verification
from jjg_desktop.qt.verifier_list import VerifierList
from jjg_desktop.qt.workspace import Workspace
from jjg_desktop.rules.verification import (
    CHECKS,
    FAILED,
    METHODS,
    NOT_CHECKED,
    ON_SITE,
    OUTCOMES,
    Check,
    CheckResult,
)
from jjg_desktop.services.signatures import SignatureInput
from jjg_desktop.services.verifications import (
    EvidencePhoto,
    ProposalDraft,
    proposal_draft,
    record_verification,
)
from jjg_desktop.store.queries import EnterpriseDetail, enterprise_detail
from jjg_desktop.store.registry_queries import registered_phone

BIG = 40
"""Height of the touch-sized controls (outcomes, methods)."""
STYLE = """
QRadioButton[tone="big"] { font-size: 12pt; padding: 4px 14px 4px 4px; }
QRadioButton[tone="big"]::indicator { width: 22px; height: 22px; }
QPushButton[tone="chip"] { padding: 2px 10px; }
"""


class CheckPanel(QGroupBox):
    """One check: outcome (three large radio buttons), note, photos."""

    def __init__(self, number: int, check: Check, workspace: Workspace,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"{number}. {check.label}", parent)
        self.check = check
        question = QLabel(check.question, self)
        set_tone(question, "hint")
        self.outcomes: dict[str, QRadioButton] = {}
        self._group = QButtonGroup(self)
        outcome_row = QHBoxLayout()
        for outcome in OUTCOMES:
            button = QRadioButton(self.tr(outcome), self)
            button.setMinimumHeight(BIG)
            set_tone(button, "big")
            self._group.addButton(button)
            self.outcomes[outcome] = button
            outcome_row.addWidget(button)
        outcome_row.addStretch(1)
        self.outcomes[NOT_CHECKED].setChecked(True)
        self.note = QPlainTextEdit(self)
        self.note.setAccessibleName(self.tr("{label}情况说明").format(label=check.label))
        self.note.setPlaceholderText(self.tr("情况说明（判定不通过时必填）"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.photos = PhotoStrip(workspace.tasks, check.label, self)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(outcome_row)
        layout.addWidget(self.note)
        layout.addWidget(self.photos)
        self.calls: CallLogEditor | None = None

    def add_call_log(self, editor: CallLogEditor) -> None:
        self.calls = editor
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, editor)

    def outcome(self) -> str:
        for outcome, button in self.outcomes.items():
            if button.isChecked():
                return outcome
        return NOT_CHECKED

    def set_outcome(self, outcome: str) -> None:
        self.outcomes[outcome].setChecked(True)

    def result(self) -> CheckResult:
        return CheckResult(outcome=self.outcome(), note=self.note.toPlainText().strip(),
                           calls=self.calls.calls() if self.calls else [])


@dataclass(frozen=True, slots=True)
class Saved:
    verification_id: str
    draft: ProposalDraft | None


class VerificationForm(QDialog):
    saved = Signal(str)
    """The id of the verification just recorded."""

    def __init__(self, workspace: Workspace, enterprise_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.enterprise_id = enterprise_id
        with workspace.store.db.read() as session:
            found = enterprise_detail(session, enterprise_id)
            phone = registered_phone(session, enterprise_id)
        if found is None:
            raise LookupError(enterprise_id)
        self.enterprise: EnterpriseDetail = found
        self.verification_id: str | None = None
        self.draft: ProposalDraft | None = None
        self.proposal: CaseProposalDialog | None = None
        self.preview: PdfPreview | None = None
        self.setWindowTitle(self.tr("动态核查 — {name}").format(name=found.name))
        self.setStyleSheet(STYLE)

        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        today = workspace.today()
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.date.setMinimumHeight(BIG)
        self.date.setMinimumWidth(180)
        self.date.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.methods: dict[str, QRadioButton] = {}
        method_row = QHBoxLayout()
        method_group = QButtonGroup(self)
        for method in METHODS:
            button = QRadioButton(self.tr(method), self)
            button.setMinimumHeight(BIG)
            set_tone(button, "big")
            method_group.addButton(button)
            self.methods[method] = button
            method_row.addWidget(button)
        method_row.addStretch(1)
        self.methods[ON_SITE].setChecked(True)
        self.verifiers = VerifierList(workspace.actor.display_name, self)

        self.checks = {c.key: CheckPanel(n, c, workspace, self)
                       for n, c in enumerate(CHECKS, start=1)}
        self.call_log = CallLogEditor(phone, self._call_time, self)
        self.checks["reachable"].add_call_log(self.call_log)
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(self.tr("其他情况"))
        self.notes.setPlaceholderText(self.tr("其他需要说明的情况"))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.signatures = SignatureCollector(self)
        self.verifiers.changed.connect(self._verifiers_changed)
        self._verifiers_changed()

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_tone(self.error, "error")
        self.error.hide()
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.save_button = QPushButton(self.tr("保存(&S)"), self)
        self.save_button.setMinimumHeight(BIG)
        self.save_button.setToolTip(self.tr("保存核查记录（Ctrl+S）"))
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.setMinimumHeight(BIG)
        self.cancel_button.clicked.connect(self.reject)
        self.print_button = QPushButton(self.tr("打印核查记录…"), self)
        self.print_button.setMinimumHeight(BIG)
        self.print_button.clicked.connect(self.print_record)
        self.propose_button = QPushButton(self.tr("发起异常名录拟列入…"), self)
        self.propose_button.setMinimumHeight(BIG)
        self.propose_button.clicked.connect(self.propose)
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.setMinimumHeight(BIG)
        self.close_button.clicked.connect(self.accept)
        for button in (self.save_button, self.cancel_button, self.print_button,
                       self.propose_button, self.close_button):
            button.setAutoDefault(False)
        for button in (self.print_button, self.propose_button, self.close_button):
            button.hide()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        self._build_layout()
        self.resize(1060, 720)

    def _build_layout(self) -> None:
        found = self.enterprise
        title = QLabel(found.name, self)
        title.setObjectName("titleLabel")
        about = QLabel(self.tr("统一社会信用代码 {code} · 来源 {home} · 在吉办公地址 {address} · "
                               "联系人 {person} {phone}").format(
            code=found.credit_code, home=found.home_province, address=found.address or "—",
            person=found.contact_person or "—", phone=found.contact_phone), self)
        about.setWordWrap(True)
        set_tone(about, "hint")

        basics = QGroupBox(self.tr("核查信息"), self)
        form = QFormLayout(basics)
        form.addRow(self.tr("核查日期"), self.date)
        form.addRow(self.tr("核查方式"), self._row_widget(basics, self.methods.values()))
        form.addRow(self.tr("核查人员"), self.verifiers)
        notes_box = QGroupBox(self.tr("其他情况"), self)
        QVBoxLayout(notes_box).addWidget(self.notes)
        sign_box = QGroupBox(self.tr("核查人员签名"), self)
        QVBoxLayout(sign_box).addWidget(self.signatures)

        body = QWidget(self)
        column = QVBoxLayout(body)
        column.addWidget(basics)
        for panel in self.checks.values():
            column.addWidget(panel)
        column.addWidget(notes_box)
        column.addWidget(sign_box)
        column.addStretch(1)
        self.body = body
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        buttons = QHBoxLayout()
        buttons.addWidget(self.result_label, 1)
        buttons.addStretch(0)
        for button in (self.print_button, self.propose_button, self.close_button,
                       self.save_button, self.cancel_button):
            button.setMinimumWidth(120)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    @staticmethod
    def _row_widget(parent: QWidget, widgets: Iterable[QWidget]) -> QWidget:
        row = QWidget(parent)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            line.addWidget(widget)
        line.addStretch(1)
        return row

    # --- reading the form ------------------------------------------------------------------

    def method(self) -> str:
        return next((m for m, b in self.methods.items() if b.isChecked()), ON_SITE)

    def verified_on(self) -> date:
        d = self.date.date()
        return date(d.year(), d.month(), d.day())

    def _call_time(self) -> str:
        return f"{self.verified_on().isoformat()} {labels.local_time(self._ws.clock())[11:]}"

    @Slot()
    def _verifiers_changed(self) -> None:
        self.signatures.set_signers(self.verifiers.names())

    def has_input(self) -> bool:
        """Whether anything was filled in that closing the form would lose."""
        return bool(len(self.verifiers.names()) > 1 or self.notes.toPlainText().strip()
                    or self.call_log.rows or self.signatures.signatures()
                    or any(p.outcome() != NOT_CHECKED or p.note.toPlainText().strip()
                           or p.photos.paths() for p in self.checks.values()))

    def reject(self) -> None:
        if self.verification_id is None and self.has_input():
            answer = QMessageBox.question(
                self, self.tr("放弃这次核查"),
                self.tr("这次核查还没有保存，关闭后已填写的内容将丢失。确定放弃吗？"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    # --- saving -----------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        if self.verification_id is not None or not self.save_button.isEnabled():
            return
        self.verifiers.add_typed()
        problems = self.call_log.problems()
        if problems:
            self._show_error("；".join(problems))
            return
        ctx = self._ws.service()
        enterprise_id = self.enterprise_id
        verified_on, method = self.verified_on(), self.method()
        verifiers = self.verifiers.names()
        checks = {key: panel.result() for key, panel in self.checks.items()}
        photos = [EvidencePhoto(path, key) for key, panel in self.checks.items()
                  for path in panel.photos.paths()]
        notes = self.notes.toPlainText()
        role = self.tr("核查人员")
        signatures = [SignatureInput(role, s.name, s.png) for s in self.signatures.signatures()]

        def work(_state: TaskState) -> Saved:
            vid = record_verification(ctx, enterprise_id, verified_on=verified_on,
                                      method=method, verifiers=verifiers, checks=checks,
                                      notes=notes, photos=photos, signatures=signatures)
            return Saved(vid, proposal_draft(ctx, vid))

        self.error.hide()
        self.save_button.setEnabled(False)
        self.save_button.setText(self.tr("正在保存…"))
        run_service(self._ws.tasks, f"verification-save-{id(self)}", work, self._saved,
                    self._refused)

    def _refused(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.save_button.setText(self.tr("保存(&S)"))
        self._show_error(self.tr("未保存：{reason}").format(reason=message))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self._ws.message.emit(text)

    def _saved(self, saved: Saved) -> None:
        self.verification_id = saved.verification_id
        self.draft = saved.draft
        for edit in self.body.findChildren(QLineEdit) + self.body.findChildren(QPlainTextEdit):
            edit.setPlaceholderText("")
        self.signatures.finish()
        self.body.setEnabled(False)
        self.save_button.hide()
        self.cancel_button.hide()
        self.print_button.show()
        self.close_button.show()
        self.propose_button.setVisible(saved.draft is not None)
        failed = [panel.check.label for panel in self.checks.values()
                  if panel.outcome() == FAILED]
        text = self.tr("已保存核查记录。") + (
            self.tr("不通过：{checks}。可以发起异常名录拟列入。").format(checks="、".join(failed))
            if failed else self.tr("各项核查未发现问题。"))
        self.result_label.setText(text)
        self.result_label.show()
        self._ws.saved(self.tr("已保存 {name} 的动态核查记录（{day} {method}）").format(
            name=self.enterprise.name, day=self.verified_on().isoformat(), method=self.method()),
            "verification", saved.verification_id)
        self.saved.emit(saved.verification_id)
        (self.propose_button if saved.draft else self.print_button).setFocus()

    # --- after saving -----------------------------------------------------------------------

    @Slot()
    def print_record(self) -> None:
        if self.verification_id is not None:
            print_verification(self._ws, self.verification_id, self, self._shown)

    def _shown(self, preview: PdfPreview) -> None:
        self.preview = preview

    @Slot()
    def propose(self) -> None:
        if self.draft is None:
            return
        if self.proposal is not None:
            self.proposal.deleteLater()
        self.proposal = CaseProposalDialog(self._ws, self.draft, self)
        self.proposal.proposed.connect(self._proposed)
        self.proposal.open()

    @Slot(str)
    def _proposed(self, _case_id: str) -> None:
        self.propose_button.setEnabled(False)
        self.propose_button.setText(self.tr("已发起拟列入"))
