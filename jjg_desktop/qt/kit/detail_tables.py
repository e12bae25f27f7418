"""The short tables inside a detail view (a project's parties, an enterprise's projects)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem


def setup_table(table: QTableWidget, headers: Sequence[str], stretch: int) -> None:
    """Columns sized to their contents, except `stretch`, which takes the room left."""
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def fill_table(table: QTableWidget, rows: Sequence[tuple[str | None, Sequence[str]]]) -> None:
    """Rows of (id of the record a row opens, or None; cell texts)."""
    table.setRowCount(len(rows))
    for n, (record_id, texts) in enumerate(rows):
        for col, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            table.setItem(n, col, item)
