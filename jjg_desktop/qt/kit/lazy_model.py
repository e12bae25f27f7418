"""A table model over a filtered, sorted list of ids that loads only what is shown.

The ids come a page at a time (`canFetchMore`/`fetchMore`), off the GUI thread; the rows for
ids on screen are read in blocks, on demand, into a bounded cache. Filtering and sorting are
SQL: a new filter or sort order reloads the ids, and the total count arrives separately.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.store.sql import SortOrder

PAGE_SIZE = 200
BLOCK_SIZE = 100
CACHE_ROWS = 3000

Index = QModelIndex | QPersistentModelIndex
IdsQuery = Callable[..., list[Any]]
"""(session, filter, *, sort, order, limit, offset) -> ids"""


@dataclass(frozen=True, slots=True)
class ListSource:
    """The read model behind a list."""

    ids: IdsQuery
    rows: Callable[[Session, Sequence[Any]], Sequence[Any]]
    count: Callable[[Session, Any], int]
    default_sort: str
    default_order: SortOrder


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort: str | None = None
    width: int = 8
    """Initial width, in Chinese characters."""


RowColors = Callable[[Any], tuple[QColor, QColor] | None]
"""A row's (text, background) colours, or None for the usual ones."""


class LazyTableModel(QAbstractTableModel):
    countChanged = Signal(int)
    reloaded = Signal()
    """The first page of a new filter or sort order is in."""

    def __init__(self, workspace: Workspace, source: ListSource, columns: Sequence[Column],
                 filter_: Any, *, row_colors: RowColors | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._source = source
        self.columns = tuple(columns)
        self._filter = filter_
        self._sort, self._order = source.default_sort, source.default_order
        self._row_colors = row_colors
        self._ids: list[Hashable] = []
        self._row_of: dict[Hashable, int] = {}
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._exhausted = True
        self._fetching = False
        self._key = f"list-{id(self)}"
        self.count: int | None = None
        self.reload()

    # --- what the view asks ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            colors = self._row_colors(row) if self._row_colors else None
            if colors is None:
                return None
            return colors[0] if role == Qt.ItemDataRole.ForegroundRole else colors[1]
        return self.columns[index.column()].text(row)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request_ids(reset=False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort if 0 <= column < len(self.columns) else None
        if key is None:
            self._sort, self._order = self._source.default_sort, self._source.default_order
        else:
            self._sort = key
            self._order = "asc" if order == Qt.SortOrder.AscendingOrder else "desc"
        self.reload(count=False)

    # --- what the page asks ---------------------------------------------------------------

    def set_filter(self, filter_: Any) -> None:
        if filter_ != self._filter:
            self._filter = filter_
            self.reload()

    def reload(self, *, count: bool = True) -> None:
        """Read the ids again from the first page (and the count, unless only the order
        changed)."""
        self._fetching = False
        self._request_ids(reset=True)
        if count:
            self._request_count()

    def id_at(self, row: int) -> Any:
        return self._ids[row]

    def row_of(self, record_id: Hashable) -> int | None:
        return self._row_of.get(record_id)

    def record(self, record_id: Hashable) -> Any:
        """The read-model row of a listed id, or None."""
        row = self._row_of.get(record_id)
        return None if row is None else self.row_at(row)

    def row_at(self, row: int) -> Any:
        """The read-model row shown at `row`, read with its block if not cached."""
        record_id = self._ids[row]
        if record_id in self._cache:
            self._cache.move_to_end(record_id)
            return self._cache[record_id]
        start = row - row % BLOCK_SIZE
        wanted = [i for i in self._ids[start:start + BLOCK_SIZE] if i not in self._cache]
        with self._ws.store.db.read() as session:
            found = {r.id: r for r in self._source.rows(session, wanted)}
        for i in wanted:
            self._cache[i] = found.get(i)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return found.get(record_id)

    def refresh_rows(self, ids: set[Hashable]) -> None:
        """Forget cached rows for `ids` (changed elsewhere) and repaint them."""
        for record_id in ids:
            self._cache.pop(record_id, None)
            row = self._row_of.get(record_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(self.columns) - 1))

    # --- loading --------------------------------------------------------------------------

    def _request_ids(self, *, reset: bool) -> None:
        filter_, sort, order = self._filter, self._sort, self._order
        offset = 0 if reset else len(self._ids)
        self._fetching = True

        def work(_state: TaskState) -> list[Any]:
            with self._ws.store.db.read() as session:
                return self._source.ids(session, filter_, sort=sort, order=order,
                                        limit=PAGE_SIZE, offset=offset)

        self._ws.tasks.run(f"{self._key}:ids", work,
                           lambda ids: self._ids_arrived(ids, reset=reset))

    def _ids_arrived(self, ids: list[Any], *, reset: bool) -> None:
        self._fetching = False
        self._exhausted = len(ids) < PAGE_SIZE
        if reset:
            self.beginResetModel()
            self._ids = list(ids)
            self._cache.clear()
            self._row_of = {i: n for n, i in enumerate(self._ids)}
            self.endResetModel()
            self.reloaded.emit()
            return
        # a row added since the last page shifts the offsets: skip ids already listed
        ids = [i for i in ids if i not in self._row_of]
        if ids:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(ids) - 1)
            self._ids.extend(ids)
            self._row_of.update((i, first + n) for n, i in enumerate(ids))
            self.endInsertRows()

    def _request_count(self) -> None:
        filter_ = self._filter

        def work(_state: TaskState) -> int:
            with self._ws.store.db.read() as session:
                return self._source.count(session, filter_)

        self._ws.tasks.run(f"{self._key}:count", work, self._count_arrived)

    def _count_arrived(self, count: int) -> None:
        self.count = count
        self.countChanged.emit(count)
