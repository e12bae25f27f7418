"""动态核查: record one verification of an out-of-province enterprise — date, method,
who, an outcome and a note per check (with photos, and the call log for 能够取得联系),
signatures — then print it or, when a check failed, propose the abnormal list.

Until it is saved, the whole form is kept as a local draft (`services.drafts`, one per
enterprise): written half a second after the last change and whenever the dialog is hidden,
put back when the form is next opened for that enterprise, discarded once the verification is
saved or the user gives it up. A laptop that dies mid-form loses at most the last half second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

import base64
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
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

from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.case_proposal_dialog import CaseProposalDialog
from jjg_desktop.qt.kit.evidence_photos import PhotoStrip
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.signature_section import CollectedSignature, SignatureCollector
from jjg_desktop.qt.kit.sizing import fit_on_screen
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.typing_pause import SAVE_PAUSE_MS
from jjg_desktop.qt.kit.verification_print import print_verification
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.registry.call_log import CallLogEditor
from jjg_desktop.qt.registry.verifier_list import VerifierList
from jjg_desktop.rules.verification import (
    CHECKS,
    FAILED,
    METHODS,
    NOT_CHECKED,
    ON_SITE,
    OUTCOMES,
    REPRESENTATIVE,
    VERIFIER,
    WITNESS,
    CallAttempt,
    Check,
    CheckResult,
)
from jjg_desktop.services import drafts
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.services.signatures import SignatureInput
from jjg_desktop.services.verifications import (
    DRAFT_KIND,
    EvidencePhoto,
    ProposalDraft,
    proposal_draft,
    record_verification,
)
from jjg_desktop.store.read.planning import registered_phone
from jjg_desktop.store.read.registers import EnterpriseDetail, enterprise_detail

log = logging.getLogger(__name__)

BIG = 40
"""Height of the touch-sized controls (outcomes, methods)."""
STYLE = """
QRadioButton[tone="big"] { font-size: 12pt; padding: 4px 14px 4px 4px; }
QRadioButton[tone="big"]::indicator { width: 22px; height: 22px; }
QPushButton[tone="chip"] { padding: 2px 10px; }
"""
DRAFT_VERSION = 1
"""Bumped when the draft's shape changes; a draft of another version is not put back."""


def put_text(edit: QPlainTextEdit, text: str) -> None:
    """Fill a text box put back from a draft, the cursor at the end to go on typing."""
    edit.setPlainText(text)
    edit.moveCursor(QTextCursor.MoveOperation.End)


class CheckPanel(QGroupBox):
    """One check: outcome (three large radio buttons), note, photos."""

    changed = Signal()

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
        self._group.buttonToggled.connect(self.changed)
        self.note.textChanged.connect(self.changed)
        self.photos.changed.connect(self.changed)

    def add_call_log(self, editor: CallLogEditor) -> None:
        self.calls = editor
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, editor)
        editor.changed.connect(self.changed)

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

    def draft_state(self) -> dict[str, Any]:
        """Outcome, note and photos as JSON (the call log is the form's)."""
        return {"outcome": self.outcome(), "note": self.note.toPlainText(),
                "photos": [str(p) for p in self.photos.wanted()]}

    def restore(self, state: dict[str, Any]) -> None:
        outcome = state.get("outcome", NOT_CHECKED)
        self.set_outcome(outcome if outcome in self.outcomes else NOT_CHECKED)
        put_text(self.note, str(state.get("note", "")))
        self.photos.set_paths([Path(p) for p in state.get("photos", [])])


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
        self.representative = QLineEdit(self)
        self.representative.setAccessibleName(self.tr("企业代表"))
        self.representative.setPlaceholderText(self.tr("在场的企业负责人或授权代表姓名"))
        self.refused = QCheckBox(self.tr("企业代表拒签"), self)
        self.witness = QLineEdit(self)
        self.witness.setAccessibleName(self.tr("见证人"))
        self.witness.setPlaceholderText(self.tr("见证拒签的人员姓名（非核查人员）"))
        self.witness.setEnabled(False)
        self.refused.toggled.connect(self.witness.setEnabled)
        self.verifiers.changed.connect(self._verifiers_changed)
        for edit in (self.representative, self.witness):
            edit.textChanged.connect(self._verifiers_changed)
        self.refused.toggled.connect(self._verifiers_changed)
        for button in self.methods.values():
            button.toggled.connect(self._verifiers_changed)
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
        self.draft_bar = self._build_draft_bar()
        self._build_layout()
        fit_on_screen(self, 1060, 720)
        self._start_drafting()

    def _build_draft_bar(self) -> QWidget:
        """The line saying a draft was put back, with 放弃草稿."""
        bar = QWidget(self)
        self.draft_label = QLabel(bar)
        self.draft_label.setWordWrap(True)
        set_tone(self.draft_label, "warning")
        self.discard_draft_button = QPushButton(self.tr("放弃草稿"), bar)
        self.discard_draft_button.setAutoDefault(False)
        self.discard_draft_button.setMinimumHeight(BIG)
        self.discard_draft_button.setToolTip(self.tr("清除恢复的内容，从空白重新填写"))
        self.discard_draft_button.clicked.connect(self.discard_draft)
        line = QHBoxLayout(bar)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.draft_label, 1)
        line.addWidget(self.discard_draft_button)
        bar.hide()
        return bar

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
        sign_box = QGroupBox(self.tr("签名"), self)
        signing = QVBoxLayout(sign_box)
        self.party_row = QWidget(sign_box)
        party = QHBoxLayout(self.party_row)
        party.setContentsMargins(0, 0, 0, 0)
        party.addWidget(QLabel(self.tr("企业代表"), self.party_row))
        party.addWidget(self.representative, 1)
        party.addWidget(self.refused)
        party.addWidget(QLabel(self.tr("见证人"), self.party_row))
        party.addWidget(self.witness, 1)
        signing.addWidget(QLabel(self.tr(
            "核查人员逐一签名；实地核查还须企业代表签名，企业代表拒签的，勾选“企业代表拒签”并由"
            "见证人签名。签名齐全后方可保存，此前的内容作为草稿自动保留。"), sign_box))
        signing.addWidget(self.party_row)
        signing.addWidget(self.signatures)
        for button in self.methods.values():
            button.toggled.connect(
                lambda _on: self.party_row.setVisible(self.method() == ON_SITE))
        self.party_row.setVisible(self.method() == ON_SITE)

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
        layout.addWidget(self.draft_bar)
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

    def _party_signer(self) -> str:
        """Who signs for (or witnesses the refusal of) the enterprise on site."""
        if self.method() != ON_SITE:
            return ""
        edit = self.witness if self.refused.isChecked() else self.representative
        return edit.text().strip()

    @Slot()
    def _verifiers_changed(self) -> None:
        party = self._party_signer()
        names = self.verifiers.names()
        self.signatures.set_signers(names + ([party] if party and party not in names else []))

    def _role_of(self, name: str) -> str:
        if name in self.verifiers.names():
            return VERIFIER
        return WITNESS if self.refused.isChecked() else REPRESENTATIVE

    def has_input(self) -> bool:
        """Whether anything differs from the empty form (what the draft keeps)."""
        return self.draft_state() != self._blank

    def reject(self) -> None:
        """Closing keeps the draft; 丢弃 (asked first) discards it."""
        if self.verification_id is None and self._drafting and self.has_input():
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self, self.tr("放弃这次核查"),
                self.tr("这次核查还没有保存。关闭后，已填写的内容保留为草稿，下次为该企业"
                        "新建核查时自动恢复；也可以丢弃已填写的内容。"),
                buttons.Close | buttons.Discard | buttons.Cancel, buttons.Close)
            if answer == buttons.Discard:
                if not self._forget_draft():
                    return
            elif answer != buttons.Close:
                return
        super().reject()

    # --- the local draft --------------------------------------------------------------------

    def draft_state(self) -> dict[str, Any]:
        """Everything filled in, as JSON: what the draft keeps and `restore` puts back."""
        return {
            "version": DRAFT_VERSION,
            "verified_on": self.verified_on().isoformat(),
            "method": self.method(),
            "verifiers": self.verifiers.names(),
            "verifier_typed": self.verifiers.edit.text(),
            "checks": {key: panel.draft_state() for key, panel in self.checks.items()},
            "calls": [asdict(call) for call in self.call_log.calls()],
            "notes": self.notes.toPlainText(),
            "representative": self.representative.text(),
            "refused": self.refused.isChecked(),
            "witness": self.witness.text(),
            "signatures": [{"name": s.name, "png": base64.b64encode(s.png).decode("ascii")}
                           for s in self.signatures.confirmed()],
            "signer": self.signatures.signer.currentText(),
            "ink": self.signatures.pad.strokes(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Fill the form from a `draft_state()` (replacing what it shows). Raises KeyError,
        TypeError, ValueError or AttributeError on a state it cannot read."""
        day = date.fromisoformat(str(state["verified_on"]))
        self.date.setDate(QDate(day.year, day.month, day.day))
        self.methods.get(str(state.get("method")), self.methods[ON_SITE]).setChecked(True)
        user = self.verifiers.names()[0]
        self.verifiers.set_others([str(n) for n in state.get("verifiers", []) if n and n != user])
        self.verifiers.edit.setText(str(state.get("verifier_typed", "")))
        checks = state.get("checks", {})
        for key, panel in self.checks.items():
            panel.restore(checks.get(key, {}))
        self.call_log.set_calls([CallAttempt(**call) for call in state.get("calls", [])])
        put_text(self.notes, str(state.get("notes", "")))
        self.representative.setText(str(state.get("representative", "")))
        self.refused.setChecked(bool(state.get("refused", False)))
        self.witness.setText(str(state.get("witness", "")))
        signed = [CollectedSignature(str(s["name"]), base64.b64decode(s["png"], validate=True))
                  for s in state.get("signatures", [])]
        self.signatures.restore(signed, str(state.get("signer", "")), state.get("ink", []))

    def _start_drafting(self) -> None:
        self._drafting = True
        self._draft_timer = QTimer(self, singleShot=True, interval=SAVE_PAUSE_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        self._blank = self.draft_state()
        self._written = self._blank
        self._put_back_draft()
        self._watch_edits()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.write_draft)

    def _watch_edits(self) -> None:
        self.date.dateChanged.connect(self._schedule_draft)
        for button in self.methods.values():
            button.toggled.connect(self._schedule_draft)
        self.verifiers.changed.connect(self._schedule_draft)
        self.verifiers.edit.textChanged.connect(self._schedule_draft)
        for panel in self.checks.values():
            panel.changed.connect(self._schedule_draft)
        self.notes.textChanged.connect(self._schedule_draft)
        self.signatures.changed.connect(self._schedule_draft)
        for edit in (self.representative, self.witness):
            edit.textChanged.connect(self._schedule_draft)
        self.refused.toggled.connect(self._schedule_draft)

    def _put_back_draft(self) -> None:
        found = drafts.find_draft(self._ws.store, DRAFT_KIND, self.enterprise_id,
                                  now=self._ws.clock())
        if found is None:
            return
        try:
            if found.data.get("version") != DRAFT_VERSION:
                raise ValueError(f"draft version {found.data.get('version')!r}")
            self.restore(found.data)
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("核查草稿无法恢复：%s", self.enterprise_id, exc_info=True)
            self.restore(self._blank)
            with contextlib.suppress(ServiceError):
                drafts.discard_draft(self._ws.store, DRAFT_KIND, self.enterprise_id)
            self._ws.message.emit(self.tr("上次未保存的核查草稿无法读取，已忽略。"))
            return
        self._written = self.draft_state()
        self.draft_label.setText(self.tr("已恢复上次未保存的核查记录（{time}）").format(
            time=labels.local_time(found.saved_at)))
        self.draft_bar.show()

    @Slot()
    def _schedule_draft(self) -> None:
        if self._drafting:
            self._draft_timer.start()

    @Slot()
    def write_draft(self) -> None:
        """Keep what the form shows as this enterprise's draft, now (nothing if unchanged)."""
        self._draft_timer.stop()
        if not self._drafting:
            return
        state = self.draft_state()
        if state == self._written:
            return
        try:
            if state == self._blank:
                drafts.discard_draft(self._ws.store, DRAFT_KIND, self.enterprise_id)
            else:
                drafts.save_draft(self._ws.store, DRAFT_KIND, self.enterprise_id, state,
                                  now=self._ws.clock())
        except ServiceError as exc:
            self._ws.message.emit(self.tr("{reason}。请尽快保存核查记录。").format(reason=exc))
            return
        self._written = state

    @Slot()
    def discard_draft(self) -> None:
        """放弃草稿: after asking, forget the draft put back and start from the empty form."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, self.tr("放弃草稿"),
            self.tr("清除恢复的核查记录，从空白重新填写吗？已填写的内容和签名将无法找回。"),
            buttons.Discard | buttons.Cancel, buttons.Cancel)
        if answer != buttons.Discard or not self._forget_draft():
            return
        self.restore(self._blank)
        self._written = self._blank
        self._drafting = True
        self.draft_bar.hide()
        self._ws.message.emit(self.tr("已放弃上次未保存的核查记录"))

    def _forget_draft(self) -> bool:
        """Discard the stored draft and stop drafting; False (and says why) if it failed."""
        self._draft_timer.stop()
        try:
            drafts.discard_draft(self._ws.store, DRAFT_KIND, self.enterprise_id)
        except ServiceError as exc:
            self._show_error(str(exc))
            return False
        self._drafting = False
        return True

    def hideEvent(self, event: QHideEvent) -> None:
        self.write_draft()
        super().hideEvent(event)

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
        self.write_draft()  # should the laptop die while saving, the draft has it all
        self._drafting = False
        ctx = self._ws.service()
        enterprise_id = self.enterprise_id
        verified_on, method = self.verified_on(), self.method()
        verifiers = self.verifiers.names()
        checks = {key: panel.result() for key, panel in self.checks.items()}
        photos = [EvidencePhoto(path, key) for key, panel in self.checks.items()
                  for path in panel.photos.paths()]
        notes = self.notes.toPlainText()
        signatures = [SignatureInput(self._role_of(s.name), s.name, s.png)
                      for s in self.signatures.signatures()]

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
        self._drafting = True
        self._schedule_draft()
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
        self.draft_bar.hide()
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
