"""导入登记表: read the province's registration list off the GUI thread, show what every row
would do (新增 / 更新 / 无变化 / 有误, and why), then write the new and changed rows at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.record_list import CHAR_PADDING
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.registration_import import (
    HEADERS,
    STATUS_LABELS,
    ImportPreview,
    ImportSummary,
    RowResult,
    apply_import,
    read_registration_sheet,
)

IMPORT_FORM = form("registration_import_dialog.ui", fileLabel=QLabel, chooseButton=QPushButton,
                   errorLabel=QLabel, summaryLabel=QLabel, onlyInvalidCheck=QCheckBox,
                   clearEmptyCheck=QCheckBox,
                   previewTable=QTableView, buttonBox=QDialogButtonBox)

COLUMNS = ("行号", "统一社会信用代码", "企业名称", "结果", "说明")
COLUMN_EMS = (4, 11, 16, 4)
"""Widths of all but the last column (which takes the rest), in Chinese characters."""
STATUS_COLORS = {
    "new": (QColor("#166534"), QColor("#ecfdf3")),
    "update": (QColor("#1d4e89"), QColor("#eef4fb")),
    "unchanged": (QColor("#4b5563"), QColor("#ffffff")),
    "invalid": (QColor("#b42318"), QColor("#fef3f2")),
}
_FIELD_HEADER = {"division_code": "division"}
Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationImportDialog", text)


def field_label(key: str) -> str:
    """A registration field as the sheet's header calls it."""
    names = HEADERS.get(_FIELD_HEADER.get(key, key))
    return names[0] if names else key


def shown(value: Any) -> str:
    """A stored or sheet value as the preview shows it."""
    if value in (None, "", []):
        return _tr("空")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def explanation(row: RowResult) -> str:
    if row.status == "invalid":
        return "；".join(row.problems)
    if row.status == "update":
        parts = []
        changed = [c for c in row.changes if not c.clears]
        if changed:
            parts.append(_tr("变更：{fields}").format(fields="；".join(
                f"{field_label(c.key)} {shown(c.before)} → {shown(c.after)}" for c in changed)))
        if row.clears:
            parts.append(_tr("清空：{fields}").format(fields="；".join(
                f"{field_label(c.key)} {shown(c.before)} → {_tr('空')}" for c in row.clears)))
        return "　".join(parts)
    if row.status == "new":
        return _tr("新登记的入吉企业")
    return ""


def choose_sheet(parent: QWidget, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, _tr("选择入吉企业登记表"), str(start), _tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"))
    return Path(name) if name else None


class PreviewModel(QAbstractTableModel):
    """The rows of a preview, each cell's text made when it is shown: a 10k-row sheet is
    listed at once, where an item per cell held the window for most of a second."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowResult] = []

    def set_rows(self, rows: list[RowResult]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return _tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (str(row.row), row.credit_code, row.name, _tr(STATUS_LABELS[row.status]),
                    explanation(row))[column]
        if role == Qt.ItemDataRole.UserRole:
            return row.status
        if role == Qt.ItemDataRole.BackgroundRole:
            return STATUS_COLORS[row.status][1]
        if role == Qt.ItemDataRole.ForegroundRole and column in (3, 4):
            return STATUS_COLORS[row.status][0]
        return None


class RegistrationImportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        ui = IMPORT_FORM.load(self)
        self.file_label = ui.find(QLabel, "fileLabel")
        self.error = ui.find(QLabel, "errorLabel")
        self.summary = ui.find(QLabel, "summaryLabel")
        self.only_invalid = ui.find(QCheckBox, "onlyInvalidCheck")
        self.clear_empty = ui.find(QCheckBox, "clearEmptyCheck")
        self.table = ui.find(QTableView, "previewTable")
        buttons = ui.find(QDialogButtonBox, "buttonBox")
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_tr("关闭"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        ui.find(QPushButton, "chooseButton").clicked.connect(self.choose)
        self.only_invalid.toggled.connect(self._filter_rows)
        self.clear_empty.toggled.connect(self._count_to_write)
        self.finished.connect(self._forget_rows)
        self.preview: ImportPreview | None = None
        self.path: Path | None = None
        self._rows: list[RowResult] = []
        self.model = PreviewModel(self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        em = self.table.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate(COLUMN_EMS):
            header.resizeSection(column, width * em + CHAR_PADDING)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        self.error.hide()
        self._show_preview(None)
        self.file_label.setText(_tr("请选择省厅下发的入吉企业登记表（Excel .xlsx）。"))

    @Slot()
    def choose(self) -> None:
        start = self.path.parent if self.path else Path.home()
        path = choose_sheet(self, start)
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        """Read the sheet (off the GUI thread) and show what importing it would do."""
        self.path = path
        self.file_label.setText(_tr("文件：{path}").format(path=path))
        self.error.hide()
        self._show_preview(None)
        self.summary.setText(_tr("正在读取 {name}…").format(name=path.name))
        ctx = self._ws.service()
        run_service(self._ws.tasks, f"import-read-{id(self)}",
                    lambda _state: read_registration_sheet(ctx, path),
                    self._show_preview, self._refused)

    @Slot()
    def apply(self) -> None:
        preview = self.preview
        if preview is None or not self._to_write(preview):
            return
        clear = self.clear_empty.isChecked()
        self.apply_button.setEnabled(False)
        self.summary.setText(_tr("正在导入…"))
        ctx = self._ws.service()
        run_service(self._ws.tasks, f"import-apply-{id(self)}",
                    lambda _state: apply_import(ctx, preview, clear=clear),
                    lambda s: self._applied(preview, s), self._apply_refused)

    def _applied(self, preview: ImportPreview, s: ImportSummary) -> None:
        self._ws.saved(_tr("已导入 {name}：新增 {created} 家，更新 {updated} 家；"
                           "无变化 {unchanged} 家，有误未导入 {invalid} 行").format(
            name=preview.path.name, created=s.created, updated=s.updated,
            unchanged=s.unchanged, invalid=s.invalid), "enterprise", "")
        self.accept()

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        set_tone(self.error, "error")
        self.error.show()
        self.summary.setText(_tr("未导入任何数据。请选择省厅下发的入吉企业登记表（.xlsx）后重试。"))
        self._show_rows([])
        self.apply_button.setEnabled(False)

    def _apply_refused(self, message: str) -> None:
        self.error.setText(_tr("导入未完成，没有写入任何数据：{reason}").format(reason=message))
        set_tone(self.error, "error")
        self.error.show()
        self._show_preview(self.preview)

    def _to_write(self, preview: ImportPreview) -> int:
        return preview.to_write(clear=self.clear_empty.isChecked())

    @Slot()
    def _count_to_write(self) -> None:
        n = self._to_write(self.preview) if self.preview else 0
        self.apply_button.setText(_tr("导入 {n} 条").format(n=n))
        self.apply_button.setEnabled(n > 0)

    def _show_preview(self, preview: ImportPreview | None) -> None:
        self.preview = preview
        clears = preview.clears() if preview else 0
        self.clear_empty.setChecked(False)
        self.clear_empty.setVisible(clears > 0)
        self.clear_empty.setText(_tr("同时清空表中留空的 {n} 项已登记信息（见“说明”中的“清空”；"
                                     "不勾选则保留原值）").format(n=clears))
        self._count_to_write()
        n = self._to_write(preview) if preview else 0
        if preview is None:
            self._show_rows([])
            self.summary.clear()
            return
        self.file_label.setText(_tr("文件：{path}（工作表“{sheet}”，表头在第 {row} 行）").format(
            path=preview.path, sheet=preview.sheet, row=preview.header_row))
        self.summary.setText(_tr(
            "共 {total} 行：新增 {new}，更新 {update}，无变化 {unchanged}，有误 {invalid}。{tail}"
        ).format(total=len(preview.rows), new=preview.count("new"),
                 update=preview.count("update"), unchanged=preview.count("unchanged"),
                 invalid=preview.count("invalid"),
                 tail=_tr("有误的行不会导入。") if preview.count("invalid") and n
                 else _tr("没有需要导入的更改。") if not n else ""))
        self._show_rows(preview.rows)
        if n:
            self.apply_button.setFocus()

    def _show_rows(self, rows: list[RowResult]) -> None:
        self.only_invalid.setEnabled(bool(rows))
        self._rows = rows
        self._filter_rows(self.only_invalid.isChecked())

    @Slot()
    def _forget_rows(self) -> None:
        """Closed, the dialog lets its rows go: the page keeps it, and a 10k-row preview
        would be walked by every full garbage collection for the rest of the session."""
        self.preview = None
        self._rows = []
        self.model.set_rows([])

    @Slot(bool)
    def _filter_rows(self, only_invalid: bool) -> None:
        self.model.set_rows([r for r in self._rows if r.status == "invalid"] if only_invalid
                            else self._rows)
