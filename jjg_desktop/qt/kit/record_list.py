"""A searchable list: search box, filter combos, a result count and a lazy table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.lazy_model import LazyTableModel
from jjg_desktop.store.sql import SortOrder

LIST_FORM = form("record_list.ui", listLayout=QVBoxLayout, searchEdit=QLineEdit,
                 filterBar=QHBoxLayout, countLabel=QLabel, table=QTableView)

SEARCH_DEBOUNCE_MS = 150
CHAR_PADDING = 24


def size_columns(table: QTableView, model: LazyTableModel) -> None:
    """Each column as wide as its declared number of Chinese characters; rows fit the font."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    em = table.fontMetrics().horizontalAdvance("中")
    for n, column in enumerate(model.columns):
        header.resizeSection(n, column.width * em + CHAR_PADDING)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)


class RecordList(QWidget):
    activated = Signal(object)
    """The id of the row the user opened (Enter or double-click)."""

    def __init__(self, model: LazyTableModel, *, placeholder: str,
                 count_text: Callable[[int], str],
                 make_filter: Callable[[str], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ui = LIST_FORM.load(self)
        self.model = model
        self.search = ui.find(QLineEdit, "searchEdit")
        self.count_label = ui.find(QLabel, "countLabel")
        self.table = ui.find(QTableView, "table")
        self._filters = ui.find(QHBoxLayout, "filterBar")
        self._layout = ui.find(QVBoxLayout, "listLayout")
        self._make_filter = make_filter
        self._count_text = count_text

        self.search.setPlaceholderText(placeholder)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._restart_debounce)
        self.search.returnPressed.connect(self._to_table)
        self.search.installEventFilter(self)

        self.table.setModel(model)
        self._sorted_column, self._sorted_order = -1, Qt.SortOrder.AscendingOrder
        self._setup_header()
        self.table.activated.connect(self._open)
        model.countChanged.connect(self._show_count)
        if model.count is not None:
            self._show_count(model.count)
        self.setFocusProxy(self.search)

    def add_filter(self, caption: str, options: Sequence[tuple[str, Any]]) -> QComboBox:
        """A combo of (label, value) options; choosing one re-filters the list."""
        label = QLabel(caption, self)
        combo = QComboBox(self)
        combo.setAccessibleName(caption)
        for text, value in options:
            combo.addItem(text, value)
        label.setBuddy(combo)
        self._filters.addWidget(label)
        self._filters.addWidget(combo)
        combo.currentIndexChanged.connect(self.apply_filter)
        return combo

    def add_header(self, layout: QLayout) -> None:
        """A row above the search box (view switches, actions on the whole list)."""
        self._layout.insertLayout(0, layout)

    def current_query(self) -> tuple[Any, str | None, SortOrder | None]:
        """The filter as typed and the sort as shown — what an export of the list writes.
        (None, None) for the sort means the list's default order."""
        self.apply_filter()
        filter_ = self._make_filter(self.search.text())
        column = self._sorted_column
        key = self.model.columns[column].sort if 0 <= column < len(self.model.columns) else None
        if key is None:
            return filter_, None, None
        order: SortOrder = "asc" if self._sorted_order == Qt.SortOrder.AscendingOrder else "desc"
        return filter_, key, order

    @Slot()
    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self._make_filter(self.search.text()))

    def select_id(self, record_id: Any) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()
        return True

    def reveal(self, record_id: Any, search_text: str) -> None:
        """Show one record: search for it, then select its row once the list has it."""
        self.search.setText(search_text)
        self.apply_filter()
        if not self.select_id(record_id):
            self.model.reloaded.connect(lambda: self.select_id(record_id),
                                        type=Qt.ConnectionType.SingleShotConnection)

    def current_id(self) -> Any:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down):
            self._to_table()
            return True
        return super().eventFilter(watched, event)

    def _setup_header(self) -> None:
        size_columns(self.table, self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort)

    @Slot(int, Qt.SortOrder)
    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column >= 0 and self.model.columns[column].sort is None:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self._sorted_column, self._sorted_order)
            header.blockSignals(False)
            return
        self._sorted_column, self._sorted_order = column, order
        self.model.sort(column, order)

    @Slot(str)
    def _restart_debounce(self, _text: str) -> None:
        self._debounce.start()

    @Slot()
    def _to_table(self) -> None:
        self.apply_filter()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.setFocus()

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.id_at(index.row()))

    @Slot(int)
    def _show_count(self, count: int) -> None:
        self.count_label.setText(self._count_text(count))
