"""发起异常名录拟列入 from a verification that found problems: the enterprise, the grounds
(pre-checked from what failed; every ground of the published workflow can be chosen), the
evidence the case will carry, and the clerk's account of it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.verification import CHECK_BY_KEY
from jjg_desktop.services.cases import StepInput, propose
from jjg_desktop.services.verifications import ProposalDraft
from jjg_desktop.store.rulebook import abnormal_list_workflow

PROPOSAL_FORM = form("case_proposal_dialog.ui", enterpriseLabel=QLabel, groundsLayout=QGridLayout,
                     evidenceList=QListWidget, commentEdit=QPlainTextEdit, errorLabel=QLabel,
                     buttonBox=QDialogButtonBox)
GROUND_COLUMNS = 2


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseProposalDialog", text)


def describe_evidence(item: dict[str, str]) -> str:
    check = CHECK_BY_KEY.get(item.get("check", ""))
    label = check.label if check else item.get("check", "")
    if item.get("kind") == "verification" and not item.get("summary"):
        return _tr("动态核查记录：{check}不通过").format(check=label)
    if item.get("kind") == "attachment":
        return _tr("现场照片：{check}").format(check=label)
    return item.get("summary") or item.get("kind", "")


class CaseProposalDialog(QDialog):
    proposed = Signal(str)
    """The id of the case just opened."""

    def __init__(self, workspace: Workspace, draft: ProposalDraft,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.draft = draft
        self.case_id: str | None = None
        ui = PROPOSAL_FORM.load(self)
        ui.find(QLabel, "enterpriseLabel").setText(_tr("企业：{name}（统一社会信用代码 {code}）")
                                                   .format(name=draft.enterprise_name,
                                                           code=draft.credit_code))
        grid = ui.find(QGridLayout, "groundsLayout")
        self.grounds: dict[str, QCheckBox] = {}
        for n, ground in enumerate(abnormal_list_workflow().grounds):
            box = QCheckBox(ground, self)
            box.setMinimumHeight(32)
            box.setChecked(ground in draft.grounds)
            grid.addWidget(box, n // GROUND_COLUMNS, n % GROUND_COLUMNS)
            self.grounds[ground] = box
        self.evidence = ui.find(QListWidget, "evidenceList")
        for item in draft.evidence:  # each ticked; the clerk unticks what does not belong
            entry = QListWidgetItem(describe_evidence(item), self.evidence)
            entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked)
        self.comment = ui.find(QPlainTextEdit, "commentEdit")
        self.comment.setPlainText(draft.summary)
        self.error = ui.find(QLabel, "errorLabel")
        set_tone(self.error, "error")
        self.error.hide()
        buttons = ui.find(QDialogButtonBox, "buttonBox")
        self.submit_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit_button.setText(_tr("提交拟列入"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

    def chosen_evidence(self) -> list[dict[str, str]]:
        return [item for n, item in enumerate(self.draft.evidence)
                if self.evidence.item(n).checkState() == Qt.CheckState.Checked]

    def chosen_grounds(self) -> list[str]:
        return [ground for ground, box in self.grounds.items() if box.isChecked()]

    @Slot()
    def submit(self) -> None:
        if self.case_id is not None:
            return
        ctx = self._ws.service()
        enterprise_id = self.draft.enterprise_id
        grounds = self.chosen_grounds()
        step = StepInput(comment=self.comment.toPlainText(), evidence=self.chosen_evidence())
        self.submit_button.setEnabled(False)
        run_service(self._ws.tasks, f"case-propose-{id(self)}",
                    lambda _state: propose(ctx, enterprise_id, grounds=grounds, step=step),
                    self._done, self._refused)

    def _done(self, case_id: str) -> None:
        self.case_id = case_id
        self._ws.saved(_tr("已发起异常名录拟列入：{name}（{grounds}），待市州审核").format(
            name=self.draft.enterprise_name, grounds="、".join(self.chosen_grounds())),
            "abnormal_case", case_id)
        self.proposed.emit(case_id)
        self.accept()

    def _refused(self, message: str) -> None:
        self.submit_button.setEnabled(True)
        self.error.setText(_tr("未提交：{reason}").format(reason=message))
        self.error.show()
