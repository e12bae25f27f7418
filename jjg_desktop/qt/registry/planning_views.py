"""Planning lists of the 入吉企业 page: who is due for dynamic verification (待核查) and whose
qualification should be verified (资质核查), each row opening the enterprise (Enter or
double-click); and the switch between these lists and the register itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from jjg_desktop.qt.kit.detail_tables import fill_table
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.store.read.planning import (
    DueRow,
    FlaggedEnterprise,
    due_for_verification,
    qualification_flags,
    verification_period,
)
from jjg_desktop.store.read.worklists import subtree_codes

REGISTER, DUE, FLAGS = "register", "due", "qualification"
"""The 入吉企业 page's lists (also the presets that open them)."""
VIEW_TITLES = {REGISTER: "企业名录", DUE: "待核查", FLAGS: "资质核查"}
SWITCH_HEIGHT = 32
SWITCH_STYLE = """
QPushButton:checked { background: #1d4e89; color: #ffffff; border: 1px solid #1d4e89; }
"""


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlanningViews", text)


class ViewSwitch(QWidget):
    """企业名录 | 待核查 | 资质核查 as a row of toggle buttons."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        self.setStyleSheet(SWITCH_STYLE)
        group = QButtonGroup(self)
        group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for key, title in VIEW_TITLES.items():
            button = QPushButton(_tr(title), self)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumHeight(SWITCH_HEIGHT)
            button.setMinimumWidth(96)
            button.setObjectName("viewSwitchButton")
            button.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
            group.addButton(button)
            layout.addWidget(button)
            self.buttons[key] = button
        self.buttons[REGISTER].setChecked(True)

    def show_view(self, key: str) -> None:
        self.buttons[key].setChecked(True)


class PlanningList(QWidget):
    """A read-only table of enterprises computed off the GUI thread when shown."""

    activated = Signal(object)
    """The enterprise id of the row opened."""

    def __init__(self, workspace: Workspace, headers: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._stale = True
        self.switch = ViewSwitch(self)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.count_label = QLabel(self)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.table.itemActivated.connect(
            lambda item: self.activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        top = QHBoxLayout()
        top.addWidget(self.switch)
        top.addStretch(1)
        self.top_bar = top
        info = QHBoxLayout()
        info.addWidget(self.caption, 1)
        info.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(info)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)

    def ids(self) -> list[str]:
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
                for r in range(self.table.rowCount())]

    def mark_stale(self) -> None:
        """Something changed: read again now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        scope, today = self._ws.actor.division_code, self._ws.today()

        def work(_state: TaskState) -> tuple[str, list[tuple[str, Sequence[str]]]]:
            with self._ws.store.db.read() as session:
                return self.read(session, subtree_codes(session, scope), today)

        self._ws.tasks.run(f"planning-{id(self)}", work, self._show)

    def read(self, session: Session, divisions: list[str],
             today: date) -> tuple[str, list[tuple[str, Sequence[str]]]]:
        raise NotImplementedError

    def select_id(self, enterprise_id: str) -> None:
        for row, record_id in enumerate(self.ids()):
            if record_id == enterprise_id:
                self.table.setCurrentCell(row, 0)
                return

    def _show(self, result: tuple[str, list[tuple[str, Sequence[str]]]]) -> None:
        caption, rows = result
        current = self.table.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.caption.setText(caption)
        fill_table(self.table, rows)
        self.count_label.setText(_tr("共 {n} 家").format(n=len(rows)))
        em = self.fontMetrics().horizontalAdvance("中")
        for column in range(self.table.columnCount()):
            self.table.resizeColumnToContents(column)
            width = self.table.columnWidth(column)
            self.table.setColumnWidth(column, min(width, 24 * em) + 16)
        if keep is not None:
            self.select_id(keep)
        elif rows:
            self.table.setCurrentCell(0, 0)


class DueList(PlanningList):
    """待核查: never verified, or last verified longer ago than the period."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, (_tr("企业名称"), _tr("统一社会信用代码"), _tr("注册地"),
                                     _tr("入吉登记日期"), _tr("上次核查"), _tr("距上次核查")),
                         parent)

    def read(self, session: Session, divisions: list[str],
             today: date) -> tuple[str, list[tuple[str, Sequence[str]]]]:
        period = verification_period(session)
        due: list[DueRow] = due_for_verification(session, divisions, today, period)
        caption = _tr("从未核查或上次核查已超过 {days} 天的入吉企业，最久未核查的在前。"
                      "回车或双击打开企业，在“动态核查”中新建核查。").format(days=period)
        return caption, [(r.enterprise_id, (
            r.name, r.credit_code, r.home_province,
            r.registered_on.isoformat() if r.registered_on else "",
            r.last_verified.isoformat() if r.last_verified else _tr("从未核查"),
            _tr("{n} 天").format(n=(today - r.last_verified).days) if r.last_verified
            else "—")) for r in due]


class FlagsList(PlanningList):
    """资质核查: enterprises meeting a qualification-verification trigger (seed 九)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, (_tr("企业名称"), _tr("统一社会信用代码"), _tr("核查情形"),
                                     _tr("依据")), parent)

    def read(self, session: Session, divisions: list[str],
             today: date) -> tuple[str, list[tuple[str, Sequence[str]]]]:
        flagged: list[FlaggedEnterprise] = qualification_flags(session, divisions, today)
        caption = _tr("符合资质动态核查情形的企业：信用评价不合格、重大质量安全事故、"
                      "连续两年无产值、主要人员频繁调动、安全生产许可证未及时办理、"
                      "无固定办公场所或联系不上。回车或双击打开企业。")
        return caption, [(f.enterprise_id, (
            f.name, f.credit_code, "、".join(t.label for t in f.triggers),
            "；".join(t.reason for t in f.triggers))) for f in flagged]
