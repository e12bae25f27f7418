"""One abnormal-list case: its particulars, its evidence, every step taken so far, and buttons
for exactly the steps the current user may take now.

A step is taken on the version of the case the page showed; when the service refuses it (the
case moved on elsewhere, the period ran out…) the page says why in the service's words and
shows the case as it now is, so the user can decide again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QWidget,
)

from jjg_desktop.qt.cases.case_print import print_case_decision
from jjg_desktop.qt.cases.case_step_dialog import CaseStepDialog
from jjg_desktop.qt.cases.case_timeline import LINK_SCHEME, evidence_kind, timeline_html
from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.detail_tables import setup_table
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.verification_print import print_verification
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.decisions import document_title
from jjg_desktop.rules.workflow import LEVEL_LABELS, TransitionDef
from jjg_desktop.services.cases import StepInput, actions_for, take_step
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store.read.cases import (
    VERIFICATION,
    CaseView,
    EvidenceView,
    case_view,
    document_reference,
    evidence_choices,
)
from jjg_desktop.store.rulebook import abnormal_list_workflow, escalation_due, escalation_years

_VALUES = ("creditCodeValue", "enterpriseStatusValue", "divisionValue", "groundsValue",
           "waitingValue", "deadlineValue", "decisionNoValue", "decisionDateValue")
DETAIL_FORM = form(
    "case_detail.ui", backButton=QPushButton, titleLabel=QLabel, statusLabel=QLabel,
    noticeLabel=QLabel, escalationLabel=QLabel, actionButtons=QHBoxLayout, actionsHint=QLabel,
    printButton=QPushButton, enterpriseButton=QPushButton, evidenceTable=QTableWidget,
    openEvidenceButton=QPushButton, timelineView=QTextBrowser, **dict.fromkeys(_VALUES, QLabel))
EVIDENCE_ROLE = Qt.ItemDataRole.UserRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseDetail", text)


def escalation_text() -> str:
    return _tr("列入满{years}年，应转入严重违法失信名单").format(years=escalation_years())


def waiting_text(level: int | None) -> str:
    return _tr("待{level}办理").format(level=LEVEL_LABELS[level]) if level else ""


class CaseDetailView(QWidget):
    back = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        ui = DETAIL_FORM.load(self)
        self.case_id: str | None = None
        self.view: CaseView | None = None
        self.actions: list[TransitionDef] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self.step_dialog: CaseStepDialog | None = None
        self.preview: PdfPreview | None = None
        self.title = ui.find(QLabel, "titleLabel")
        self.status = ui.find(QLabel, "statusLabel")
        self.notice = ui.find(QLabel, "noticeLabel")
        self.escalation = ui.find(QLabel, "escalationLabel")
        self.values = {name: ui.find(QLabel, name) for name in _VALUES}
        self._buttons_bar = ui.find(QHBoxLayout, "actionButtons")
        self.actions_hint = ui.find(QLabel, "actionsHint")
        self.print_button = ui.find(QPushButton, "printButton")
        self.enterprise_button = ui.find(QPushButton, "enterpriseButton")
        self.evidence = ui.find(QTableWidget, "evidenceTable")
        self.open_evidence_button = ui.find(QPushButton, "openEvidenceButton")
        self.timeline = ui.find(QTextBrowser, "timelineView")
        set_tone(self.notice, "error")
        set_tone(self.escalation, "warning")
        set_tone(self.actions_hint, "hint")
        self.notice.hide()
        self.escalation.hide()
        setup_table(self.evidence, (self.tr("类别"), self.tr("内容")), 1)
        self.evidence.verticalHeader().setDefaultSectionSize(
            self.evidence.fontMetrics().height() + 10)
        self.evidence.horizontalHeader().sectionResized.connect(self._fit_evidence_rows)
        self.timeline.anchorClicked.connect(self._open_link)
        self.evidence.itemActivated.connect(self._open_evidence_item)
        self.evidence.currentCellChanged.connect(self._evidence_selected)
        self.open_evidence_button.clicked.connect(self.open_evidence)
        self.print_button.clicked.connect(self.print_decision)
        self.enterprise_button.clicked.connect(self._open_enterprise)
        self.back_button = ui.find(QPushButton, "backButton")
        self.back_button.clicked.connect(self.back)
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence.StandardKey.Back):
            QShortcut(keys, self, self.back.emit,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusProxy(self.timeline)

    # --- showing ------------------------------------------------------------------------

    def show_case(self, case_id: str) -> bool:
        """Show this case as it is now; False if it is gone."""
        if case_id != self.case_id:
            self.show_notice("")
        with self._ws.store.db.read() as session:
            view = case_view(session, case_id)
        if view is None:
            return False
        self.case_id = case_id
        self.view = view
        self.actions = actions_for(self._ws.service(), case_id)
        self._fill(view)
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_evidence_rows()

    def reload(self) -> bool:
        return self.case_id is not None and self.show_case(self.case_id)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _fill(self, v: CaseView) -> None:
        d = v.detail
        wf = abnormal_list_workflow()
        state = wf.states.get(d.state)
        today = self._ws.today()
        is_open = state is not None and not state.terminal
        self.title.setText(d.enterprise)
        self.status.setText(wf.label(d.state) if state else d.state)
        set_tone(self.status, "warning" if is_open else "")
        values = self.values
        values["creditCodeValue"].setText(d.credit_code)
        values["enterpriseStatusValue"].setText(v.enterprise_status)
        set_tone(values["enterpriseStatusValue"],
                 "warning" if v.enterprise_status not in ("", "正常") else "")
        values["divisionValue"].setText(" ".join(p for p in (d.prefecture, d.division) if p))
        values["groundsValue"].setText("、".join(d.grounds))
        waiting = (waiting_text(state.waiting_level) or self.tr(
            "等待{party}提出异议或申请移出（由县级登记）").format(party=state.waiting_on)
            if state.waiting_on else "") if is_open and state else self.tr("已办结")
        values["waitingValue"].setText(waiting)
        overdue = bool(is_open and state and state.overdue(d.deadline, today))
        deadline = labels.day(d.deadline) if is_open and d.deadline else "—"
        if is_open and state and state.deadline_label and d.deadline is not None:
            deadline = self.tr("{label}至 {date}{passed}").format(
                label=state.deadline_label, date=deadline,
                passed=self.tr("（已过）") if d.deadline < today else "")
        elif overdue and d.deadline is not None:
            deadline = self.tr("{date}（已逾期 {days} 天）").format(
                date=deadline, days=(today - d.deadline).days)
        if is_open:
            deadline += labels.calendar_caveat(d.deadline, today)
        values["deadlineValue"].setText(deadline)
        set_tone(values["deadlineValue"], "error" if overdue else "")
        values["decisionNoValue"].setText(d.decision_no)
        values["decisionDateValue"].setText(labels.day(d.decision_date))
        due = escalation_due(v.listed_on, today)
        self.escalation.setText(escalation_text() if due else "")
        self.escalation.setVisible(due)
        title = document_title(abnormal_list_workflow(), d.state)
        self.print_button.setVisible(bool(document_reference(d, abnormal_list_workflow())[0]))
        self.print_button.setToolTip(title or "")
        self._fill_actions(state.waiting_level if is_open and state else None, is_open)
        self._fill_evidence(v.evidence)
        self._fill_timeline(v)

    def _fill_actions(self, waiting: int | None, is_open: bool) -> None:
        for button in self.action_buttons.values():
            self._buttons_bar.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.action_buttons = {}
        for t in self.actions:
            button = QPushButton(t.label, self)
            button.setObjectName(f"action_{t.action}")
            button.clicked.connect(lambda _=False, step=t: self.start_step(step))
            self._buttons_bar.addWidget(button)
            self.action_buttons[t.action] = button
        if self.actions:
            hint = ""
        elif not is_open:
            hint = self.tr("案件已办结，无需再办理。")
        elif waiting:
            hint = self.tr("当前{waiting}，您没有可办理的事项。").format(
                waiting=waiting_text(waiting))
        else:
            hint = self.tr("您没有可办理的事项。")
        self.actions_hint.setText(hint)
        self.actions_hint.setVisible(bool(hint))

    def _fill_evidence(self, items: list[EvidenceView]) -> None:
        self.evidence.setRowCount(len(items))
        for n, e in enumerate(items):
            for col, text in enumerate((evidence_kind(e.kind), e.text)):
                cell = QTableWidgetItem(text)
                cell.setData(EVIDENCE_ROLE, e)
                cell.setToolTip(e.text)
                self.evidence.setItem(n, col, cell)
        self._fit_evidence_rows()
        self._evidence_selected(self.evidence.currentRow())

    @Slot()
    def _fit_evidence_rows(self, *_section: int) -> None:
        """Rows tall enough for their wrapped text at the columns' current widths."""
        if self.evidence.isVisible():
            self.evidence.resizeRowsToContents()

    def _fill_timeline(self, v: CaseView) -> None:
        self.timeline.setHtml(timeline_html(v))
        self.timeline.moveCursor(QTextCursor.MoveOperation.End)
        self.timeline.ensureCursorVisible()

    # --- taking a step ------------------------------------------------------------------

    def start_step(self, t: TransitionDef) -> CaseStepDialog | None:
        """Ask for what the step requires; on 确定办理 the step is taken on the version the
        page shows now."""
        if self.view is None or self.case_id is None:
            return None
        d = self.view.detail
        with self._ws.store.db.read() as session:
            choices = evidence_choices(session, d.enterprise_id)
        cited = {str(e.get("id")) for e in d.evidence}
        dialog = CaseStepDialog(t, enterprise=d.enterprise,
                                target_label=abnormal_list_workflow().label(t.target),
                                choices=choices, cited=cited, today=self._ws.today(),
                                parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        case_id, version = self.case_id, d.version
        dialog.accepted.connect(lambda: self.take(t, case_id, version, dialog.step_input()))
        dialog.finished.connect(lambda _result: self._dialog_done(dialog))
        self.step_dialog = dialog
        dialog.open()
        return dialog

    def _dialog_done(self, dialog: CaseStepDialog) -> None:
        if self.step_dialog is dialog:
            self.step_dialog = None

    def take(self, t: TransitionDef, case_id: str, version: int, step: StepInput) -> bool:
        enterprise = self.view.detail.enterprise if self.view else ""
        enterprise_id = self.view.detail.enterprise_id if self.view else ""
        try:
            take_step(self._ws.service(), case_id, t.action, base_version=version, step=step)
        except ServiceError as exc:
            reason = str(exc).rstrip("。")
            self._ws.message.emit(self.tr("未能办理“{action}”：{reason}").format(
                action=t.label, reason=reason))
            if not self.reload():
                self.back.emit()
                return False
            self.show_notice(self.tr("未能办理“{action}”：{reason}。{latest}下面已是案件的最新情况。"
                                     ).format(action=t.label, reason=reason,
                                              latest=self._latest_step()))
            return False
        self.show_notice("")
        if t.sets_enterprise_status:
            self._ws.changed.emit("enterprise", enterprise_id)
        self._ws.saved(self.tr("已办理“{action}”：{enterprise}").format(
            action=t.label, enterprise=enterprise), "abnormal_case", case_id)
        self.reload()
        return True

    def _latest_step(self) -> str:
        timeline = self.view.detail.timeline if self.view else []
        if not timeline:
            return ""
        last = timeline[-1]
        step = abnormal_list_workflow().transition(last.action)
        return self.tr("最近一步是{who}于 {time} 办理的“{action}”。").format(
            who=last.actor, time=labels.local_time(last.at),
            action=step.label if step else last.action)

    # --- documents ----------------------------------------------------------------------

    @Slot()
    def print_decision(self) -> None:
        if self.view is not None:
            d = self.view.detail
            title = document_title(abnormal_list_workflow(), d.state) or ""
            print_case_decision(self._ws, d.id, title, self, self._previewing, self.show_notice)

    @Slot()
    def open_evidence(self) -> None:
        row = self.evidence.currentRow()
        cell = self.evidence.item(row, 0) if row >= 0 else None
        if cell is not None:
            self._open_evidence_item(cell)

    @Slot(QTableWidgetItem)
    def _open_evidence_item(self, cell: QTableWidgetItem) -> None:
        e = cell.data(EVIDENCE_ROLE)
        if isinstance(e, EvidenceView) and e.kind == VERIFICATION and e.on_record:
            self.open_verification(e.ref_id)

    def open_verification(self, verification_id: str) -> None:
        """Preview (and so print) the record of a cited verification."""
        print_verification(self._ws, verification_id, self, self._previewing)

    @Slot(QUrl)
    def _open_link(self, url: QUrl) -> None:
        scheme, _, ref = url.toString().partition(":")
        if scheme == LINK_SCHEME and ref:
            self.open_verification(ref)

    @Slot(int)
    def _evidence_selected(self, row: int, *_rest: int) -> None:
        cell = self.evidence.item(row, 0) if row >= 0 else None
        e = cell.data(EVIDENCE_ROLE) if cell is not None else None
        self.open_evidence_button.setEnabled(
            isinstance(e, EvidenceView) and e.kind == VERIFICATION and e.on_record)

    def _previewing(self, preview: PdfPreview) -> None:
        self.preview = preview
        preview.finished.connect(lambda _result: self._preview_done(preview))

    def _preview_done(self, preview: PdfPreview) -> None:
        if self.preview is preview:
            self.preview = None

    @Slot()
    def _open_enterprise(self) -> None:
        if self.view is not None:
            self._ws.go("enterprises", self.view.detail.enterprise_id)
