"""The enterprise detail's 动态核查 and 资质核查 sections: the verifications made (新建核查…,
打印核查记录), the qualification triggers the enterprise meets, and 记录企业情况…."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.case_proposal_dialog import CaseProposalDialog
from jjg_desktop.qt.kit.detail_tables import fill_table, setup_table
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.verification_print import print_verification
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.registry.fact_dialog import FactDialog
from jjg_desktop.qt.registry.verification_form import VerificationForm
from jjg_desktop.rules.qualification import CREDIT, OUTPUT
from jjg_desktop.rules.verification import CHECKS, FAILED, PASSED
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.services.verifications import proposal_draft
from jjg_desktop.store.read.planning import (
    FactRow,
    VerificationSummary,
    enterprise_facts,
    enterprise_triggers,
    enterprise_verifications,
)

SHOWN_FACTS = 4


def _tr(text: str) -> str:
    return QCoreApplication.translate("VerificationSection", text)


def outcome_summary(outcomes: dict[str, str]) -> str:
    failed = [c.label for c in CHECKS if outcomes.get(c.key) == FAILED]
    if failed:
        return _tr("不通过：{checks}").format(checks="、".join(failed))
    passed = sum(1 for c in CHECKS if outcomes.get(c.key) == PASSED)
    if passed == len(CHECKS):
        return _tr("全部通过")
    return _tr("通过 {passed} 项，未核查 {rest} 项").format(passed=passed,
                                                         rest=len(CHECKS) - passed)


def fact_text(fact: FactRow) -> str:
    when = _tr("{year}年度").format(year=fact.year) if fact.kind in (CREDIT, OUTPUT) and (
        fact.year) else (fact.occurred_on.isoformat() if fact.occurred_on else "")
    value = _tr("{value}万元").format(value=fact.value) if fact.kind == OUTPUT else fact.value
    return " ".join(p for p in (when, fact.kind, value, fact.detail) if p)


class VerificationSection(QGroupBox):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("动态核查"))
        self._ws = workspace
        self.enterprise_id: str | None = None
        self.form: VerificationForm | None = None
        self.preview: PdfPreview | None = None
        self.rows: list[VerificationSummary] = []
        self.table = QTableWidget(self)
        self.table.setAccessibleName(self.tr("核查记录"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        setup_table(self.table, (self.tr("核查日期"), self.tr("方式"), self.tr("核查人员"),
                                 self.tr("结论"), self.tr("照片/签名")), 3)
        self.table.itemActivated.connect(lambda _item: self.print_current())
        self.empty = QLabel(self.tr("尚未核查。"), self)
        set_tone(self.empty, "hint")
        self.new_button = QPushButton(self.tr("新建核查…"), self)
        self.new_button.clicked.connect(self.new_verification)
        self.print_button = QPushButton(self.tr("打印核查记录…"), self)
        self.print_button.setToolTip(self.tr("预览并打印选中的核查记录（也可在记录上按回车）"))
        self.print_button.clicked.connect(self.print_current)
        self.propose_button = QPushButton(self.tr("发起拟列入…"), self)
        self.propose_button.setToolTip(self.tr("以选中的不通过的核查记录为证据，发起异常名录拟列入"))
        self.propose_button.clicked.connect(self.propose_current)
        self.proposal: CaseProposalDialog | None = None
        self.table.currentCellChanged.connect(lambda *_: self._offer_proposal())
        bar = QHBoxLayout()
        bar.addWidget(self.empty, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.propose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def load(self, enterprise_id: str) -> None:
        self.enterprise_id = enterprise_id
        with self._ws.store.db.read() as session:
            self.rows = enterprise_verifications(session, enterprise_id)
        fill_table(self.table, [(
            v.id, (v.verified_on.isoformat(), v.method, "、".join(v.verifiers),
                   outcome_summary(v.outcomes),
                   self.tr("{photos} / {signatures}").format(photos=v.photos,
                                                            signatures=v.signatures)))
            for v in self.rows])
        for row, v in enumerate(self.rows):
            self.table.item(row, 0).setToolTip(v.number)
            if any(o == FAILED for o in v.outcomes.values()):
                item = self.table.item(row, 3)
                item.setForeground(Qt.GlobalColor.darkRed)
        if self.rows:
            self.table.setCurrentCell(0, 0)
        self.empty.setText(self.tr("共 {n} 次核查，最近一次 {day}。").format(
            n=len(self.rows), day=self.rows[0].verified_on.isoformat()) if self.rows
            else self.tr("尚未核查。"))
        self.print_button.setEnabled(bool(self.rows))
        self._offer_proposal()

    def _offer_proposal(self) -> None:
        """Only a failed verification can be proposed, by a county clerk, once a case."""
        current = next((v for v in self.rows if v.id == self.current_id()), None)
        failed = current is not None and any(o == FAILED for o in current.outcomes.values())
        self.propose_button.setVisible(self._ws.actor.role == "county_clerk")
        self.propose_button.setEnabled(failed)

    @Slot()
    def propose_current(self) -> None:
        verification_id = self.current_id()
        if verification_id is None:
            return
        try:
            draft = proposal_draft(self._ws.service(), verification_id)
        except ServiceError as exc:
            self._ws.message.emit(str(exc))
            return
        if draft is None:
            self._ws.message.emit(self.tr("该次核查各项均通过，不能据此发起拟列入"))
            return
        if self.proposal is not None:
            self.proposal.deleteLater()
        self.proposal = CaseProposalDialog(self._ws, draft, self.window())
        self.proposal.open()

    def current_id(self) -> str | None:
        item = self.table.currentItem()
        if item is not None:
            return str(item.data(Qt.ItemDataRole.UserRole))
        return self.rows[0].id if self.rows else None

    @Slot()
    def new_verification(self) -> None:
        if self.enterprise_id is None:
            return
        if self.form is not None:
            self.form.deleteLater()
        try:
            self.form = VerificationForm(self._ws, self.enterprise_id, self.window())
        except LookupError:
            self.form = None
            self._ws.message.emit(self.tr("该企业已不存在（可能已被删除），请返回列表。"))
            return
        self.form.saved.connect(lambda _vid: self.reload())
        self.form.open()

    @Slot()
    def print_current(self) -> None:
        verification_id = self.current_id()
        if verification_id is not None:
            print_verification(self._ws, verification_id, self.window(), self._shown)

    def reload(self) -> None:
        if self.enterprise_id is not None:
            self.load(self.enterprise_id)

    def _shown(self, preview: PdfPreview) -> None:
        self.preview = preview


class QualificationBox(QGroupBox):
    """资质核查提示: the triggers met, what has been recorded, and 记录企业情况…."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("资质核查"))
        self._ws = workspace
        self.enterprise_id: str | None = None
        self.enterprise_name = ""
        self.dialog: FactDialog | None = None
        self.triggers = QLabel(self)
        self.triggers.setWordWrap(True)
        self.triggers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        set_tone(self.facts, "hint")
        self.record_button = QPushButton(self.tr("记录企业情况…"), self)
        self.record_button.setToolTip(self.tr("记录信用评价、质量安全事故、年度产值或人员变动"))
        self.record_button.clicked.connect(self.record_fact)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.triggers)
        layout.addWidget(self.facts)
        layout.addLayout(bar)

    def load(self, enterprise_id: str, enterprise_name: str) -> None:
        self.enterprise_id = enterprise_id
        self.enterprise_name = enterprise_name
        with self._ws.store.db.read() as session:
            found = enterprise_triggers(session, enterprise_id, self._ws.today())
            facts = enterprise_facts(session, enterprise_id)
        if found:
            self.triggers.setText(self.tr("资质核查提示：{items}").format(items="；".join(
                f"{t.label}（{t.reason}）" for t in found)))
            set_tone(self.triggers, "warning")
        else:
            self.triggers.setText(self.tr("资质核查提示：无（未发现需要启动资质动态核查的情形）"))
            set_tone(self.triggers, "")
        shown = [fact_text(f) for f in facts[:SHOWN_FACTS]]
        more = len(facts) - SHOWN_FACTS
        self.facts.setText(self.tr("已记录：{items}").format(items="；".join(shown)) + (
            self.tr(" 等 {n} 条").format(n=len(facts)) if more > 0 else "")
            if facts else self.tr("尚未记录信用评价、事故、产值或人员变动。"))

    @Slot()
    def record_fact(self) -> None:
        if self.enterprise_id is None:
            return
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = FactDialog(self._ws, self.enterprise_id, self.enterprise_name,
                                 self.window())
        self.dialog.recorded.connect(lambda _id: self.reload())
        self.dialog.open()

    def reload(self) -> None:
        if self.enterprise_id is not None:
            self.load(self.enterprise_id, self.enterprise_name)
