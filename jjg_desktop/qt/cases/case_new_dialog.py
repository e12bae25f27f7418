"""新建拟列入 on the 异常名录 page: choose the out-of-province enterprise; the proposal then
starts with its failed verifications and open inspection findings as evidence to tick."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.case_proposal_dialog import CaseProposalDialog
from jjg_desktop.qt.kit.sizing import fit_on_screen
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.verifications import ProposalDraft
from jjg_desktop.store.models import Enterprise
from jjg_desktop.store.read import registers as queries
from jjg_desktop.store.read.cases import evidence_choices

SHOWN = 50


class NewProposalDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.proposal: CaseProposalDialog | None = None
        self.setWindowTitle(self.tr("新建拟列入 · 选择企业"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("入吉企业名称或统一社会信用代码"))
        self.search.setAccessibleName(self.tr("查找企业"))
        self.matches = QListWidget(self)
        self.matches.setAccessibleName(self.tr("符合的企业"))
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.next_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.next_button.setText(self.tr("下一步：事由和证据"))
        self.next_button.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.matches, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._find)
        self.matches.currentItemChanged.connect(
            lambda item, _old: self.next_button.setEnabled(item is not None))
        self.matches.itemActivated.connect(lambda _item: self.choose())
        fit_on_screen(self, 560, 480)
        self._find("")

    @Slot(str)
    def _find(self, text: str) -> None:
        f = queries.EnterpriseFilter(text=text.strip(), out_of_province=True)
        with self._ws.store.db.read() as session:
            rows = queries.enterprise_rows(session, queries.enterprise_ids(session, f,
                                                                         limit=SHOWN))
        self.matches.clear()
        for r in rows:
            item = QListWidgetItem(f"{r.name}　{r.credit_code}　{r.home_province}")
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.matches.addItem(item)
        self.hint.setText(self.tr("只列出入吉企业（省外企业）；输入名称或代码查找。") if rows
                          else self.tr("没有符合的入吉企业。"))
        if rows:
            self.matches.setCurrentRow(0)

    @Slot()
    def choose(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            return
        enterprise_id = str(item.data(Qt.ItemDataRole.UserRole))
        with self._ws.store.db.read() as session:
            ent = session.get(Enterprise, enterprise_id)
            if ent is None:
                return
            evidence = [c.item for c in evidence_choices(session, enterprise_id) if c.adverse]
            draft = ProposalDraft(enterprise_id=ent.id, enterprise_name=ent.name,
                                  credit_code=ent.credit_code, grounds=[], evidence=evidence,
                                  summary="")
        self.proposal = CaseProposalDialog(self._ws, draft, self.parentWidget())
        self.proposal.open()
        self.accept()
