"""A damaged database at start: say what happened and offer to restore a backup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.services.context import Store
from jjg_desktop.store.backups import BackupError, BackupInfo, DamagedDatabase
from jjg_desktop.store.migrate import SchemaError

Restorer = Callable[[BackupInfo], Store]


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


class RestoreDialog(QDialog):
    """Lists the backups newest first; "恢复所选备份" restores one and opens it (`store`),
    "退出" closes without touching any file."""

    def __init__(self, error: DamagedDatabase, backups: list[BackupInfo], restore: Restorer,
                 backups_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("数据库已损坏"))
        self.setMinimumWidth(640)
        self.store: Store | None = None
        self._backups = backups
        self._restore = restore

        self.message = QLabel(self._message(error, backups_dir, bool(backups)))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(len(backups), 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("备份时间"), self.tr("原因"), self.tr("大小"), self.tr("结构版本")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(backups):
            cells = [info.made_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), info.reason_text,
                     size_text(info.size), info.schema or self.tr("未知")]
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.setVisible(bool(backups))

        self.error = QLabel()
        self.error.setWordWrap(True)
        set_tone(self.error, "error")
        self.error.hide()

        self.restore_button = QPushButton(self.tr("恢复所选备份"))
        self.quit_button = QPushButton(self.tr("退出"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.quit_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._enable)
        if backups:
            self.table.selectRow(0)
        self._enable()

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _message(self, error: DamagedDatabase, folder: Path, has_backups: bool) -> str:
        text = self.tr(
            "数据库文件 {path} 已损坏，吉建管无法打开它。\n原因：{detail}\n\n"
            "可以用下面的备份恢复数据（备份之后录入的内容将不在恢复后的数据库中）。"
            "恢复前，损坏的文件会原样另存一份到备份文件夹 {folder}，不会被删除。\n"
            "选择“退出”则不改动任何文件。").format(
                path=error.path, detail=error.detail, folder=folder)
        if not has_backups:
            text += self.tr("\n\n没有找到可用的备份。请退出，并把损坏的文件交给技术支持。")
        return text

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self._backups[rows[0].row()] if rows else None

    @Slot()
    def _enable(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    @Slot()
    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            self.store = self._restore(info)
        except (BackupError, DamagedDatabase, SchemaError, OSError) as exc:
            self.error.setText(self.tr("恢复失败：{error}").format(error=exc))
            self.error.show()
            return
        self.accept()
