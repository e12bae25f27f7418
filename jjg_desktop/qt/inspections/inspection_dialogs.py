"""The small dialogs of the inspection form: 开始检查 (place, method), 更正 (target, new value,
reason), 签发整改通知书 (kind, receiver) — and printing the record and a notice off the GUI
thread into the preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from jjg_desktop.qt.inspections.inspection_items import TOUCH
from jjg_desktop.qt.inspections.key_post_sheet import KeyPostSheet
from jjg_desktop.qt.kit.printing import print_document
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.inspection import (
    AMEND_CONCLUSION,
    AMEND_PLACE,
    AMEND_REMARK,
    COMPLIANT,
    NONCOMPLIANT,
    NOT_APPLICABLE,
    NOTICE_KINDS,
    PLANNABLE_METHODS,
    REINSPECTION,
    answer_label,
)
from jjg_desktop.store.read.inspections import InspectionDetail, ItemView


def _tr(text: str) -> str:
    return QCoreApplication.translate("InspectionDialogs", text)


class _FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        set_tone(self.message, "error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.submit: Callable[[], str] = lambda: ""
        """Set by the form: does the work; returns why not ('' when done)."""

    def accept(self) -> None:
        problem = self.submit()
        self.message.setText(problem)
        if not problem:
            super().accept()

    def row(self, caption: str, widget: QWidget) -> None:
        widget.setMinimumHeight(TOUCH - 8)
        widget.setMinimumWidth(380)
        self.form.addRow(caption, widget)

    def finish(self) -> None:
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)


class StartDialog(_FormDialog):
    def __init__(self, detail: InspectionDetail, parent: QWidget | None = None) -> None:
        super().__init__(_tr("开始检查"), parent)
        self.place = QLineEdit(detail.place or detail.project_address, self)
        self.method = QComboBox(self)
        methods = [REINSPECTION] if detail.method == REINSPECTION else (
            [detail.method] if detail.drawn else list(PLANNABLE_METHODS))
        self.method.addItems(methods)
        self.method.setCurrentText(detail.method)
        self.method.setEnabled(len(methods) > 1)
        self.form.addRow(QLabel(_tr("到达现场后开始检查；保密的抽查任务此时解密。"), self))
        self.row(_tr("检查地点"), self.place)
        self.row(_tr("检查方式"), self.method)
        self.finish()


def amend_targets(detail: InspectionDetail) -> list[tuple[str, str]]:
    targets = [(_tr("检查结论"), AMEND_CONCLUSION), (_tr("检查地点"), AMEND_PLACE)]
    for item in detail.items:
        targets.append((_tr("{code} 检查结果").format(code=item.code), item.code))
        targets.append((_tr("{code} 情况说明").format(code=item.code), AMEND_REMARK + item.code))
    return targets


class AmendDialog(_FormDialog):
    """更正 a completed record: the original stays, the amendment and its reason beside it."""

    def __init__(self, detail: InspectionDetail, parent: QWidget | None = None,
                 target: str = "", today: date | None = None) -> None:
        super().__init__(_tr("更正检查记录"), parent)
        self._detail = detail
        self._today = today or date.today()
        self.sheet: KeyPostSheet | None = None
        self.target = QComboBox(self)
        for label, key in amend_targets(detail):
            self.target.addItem(label, key)
        if target:
            self.target.setCurrentIndex(max(0, self.target.findData(target)))
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.new_value = QComboBox(self)
        self.new_value.setEditable(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(_tr("必填：为什么更正"))
        note = _tr("原记录保持不变，更正连同理由另行记载，打印时一并列出。")
        self.form.addRow(QLabel(note, self))
        self.row(_tr("更正内容"), self.target)
        self.form.addRow(_tr("原内容"), self.current)
        self.row(_tr("更正为"), self.new_value)
        self.row(_tr("理由"), self.reason)
        self.finish()
        self.target.currentIndexChanged.connect(self._target_changed)
        self._target_changed()

    def _target_changed(self) -> None:
        key = self.target.currentData()
        d = self._detail
        items = {i.code: i for i in d.items}
        self.new_value.clear()
        if key == AMEND_CONCLUSION:
            old = d.conclusion
        elif key == AMEND_PLACE:
            old = d.place
        elif key.startswith(AMEND_REMARK):
            old = items[key.removeprefix(AMEND_REMARK)].remark
        else:
            item = items[key]
            old = answer_label(item, item.value)
            if item.answer_type in ("compliance", "photo"):
                self.new_value.addItems([v for v in (COMPLIANT, NONCOMPLIANT, NOT_APPLICABLE)
                                         if v != old])
        self._show_sheet(items.get(key))
        self.current.setText(old or _tr("（空）"))
        if self.new_value.count() == 0:
            self.new_value.setEditText("")

    def _show_sheet(self, item: ItemView | None) -> None:
        """A key posts' sheet is corrected on the sheet itself, starting from the record's."""
        if self.sheet is not None:
            self.form.removeRow(self.sheet)
            self.sheet = None
        wanted = item is not None and item.answer_type == "key_posts"
        self.form.setRowVisible(self.new_value, not wanted)
        if item is None or not wanted:
            return
        self.sheet = KeyPostSheet(item, self)
        self.sheet.set_context(((p.role, p.name) for p in self._detail.people), self._today,
                               self._detail.real_name.threshold)
        self.sheet.load(item.value)
        self.form.insertRow(self.form.getWidgetPosition(self.new_value)[0], _tr("更正为"),
                            self.sheet)

    def entry_problem(self) -> str:
        """What is wrong with a corrected sheet as typed ('' when whole, or no sheet)."""
        return self.sheet.entered()[1] if self.sheet is not None else ""

    def values(self) -> tuple[str, str, str]:
        value = self.sheet.entered()[0] if self.sheet is not None \
            else self.new_value.currentText()
        return self.target.currentData(), value, self.reason.text()


class NoticeDialog(_FormDialog):
    def __init__(self, detail: InspectionDetail, parent: QWidget | None = None) -> None:
        super().__init__(_tr("签发整改通知书"), parent)
        open_findings = [f for f in detail.findings if f.open]
        self.kind = QComboBox(self)
        self.kind.addItems(list(NOTICE_KINDS))
        self.received_by = QLineEdit(self)
        self.received_by.setPlaceholderText(_tr("受检单位签收人（可稍后填写）"))
        units = {f.enterprise or f.responsible_role for f in open_findings}
        self.form.addRow(QLabel(_tr("就本次检查的 {n} 个待整改问题签发文书：每个责任单位一份"
                                    "（共 {units} 份），编号自动生成。")
                                .format(n=len(open_findings), units=len(units)), self))
        self.row(_tr("文书"), self.kind)
        self.row(_tr("签收人"), self.received_by)
        self.finish()


def print_record(workspace: Workspace, inspection_id: str, parent: QWidget,
                 shown: Callable[[PdfPreview], None] | None = None) -> None:
    from jjg_desktop.reports.inspection_record import render_inspection_record

    store = workspace.store
    print_document(workspace, parent, key=f"print-inspection-{inspection_id}",
                   title=_tr("建筑市场执法检查记录"), stem=f"检查记录-{inspection_id[:8]}",
                   render=lambda path: render_inspection_record(store, inspection_id, path),
                   shown=shown)


def print_notice(workspace: Workspace, notice_id: str, kind: str, parent: QWidget,
                 shown: Callable[[PdfPreview], None] | None = None) -> None:
    from jjg_desktop.reports.rectification_notice import render_rectification_notice

    store = workspace.store
    print_document(workspace, parent, key=f"print-notice-{notice_id}", title=kind,
                   stem=f"{kind}-{notice_id[:8]}",
                   render=lambda path: render_rectification_notice(store, notice_id, path),
                   shown=shown)
