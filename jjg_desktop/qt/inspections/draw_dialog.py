"""抽取检查对象 (双随机): how many projects and how many officials and experts a team, the
draw itself, and its result — projects, teams, who stepped aside and why, the seed, method
and candidates hash — with 验证抽取 to recompute it from what was recorded."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.inspections.pool_dialog import PoolDialog
from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.sizing import fit_on_screen
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.draw import METHOD_LABELS, DrawParams
from jjg_desktop.services import draws
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store.read.draws import DrawView, draw_detail, pool_members

TOUCH = 44


class DrawDialog(QDialog):
    open_inspection = Signal(str)
    """The drawer asked to open a drawn inspection."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.draw_id = ""
        self.pool_dialog: PoolDialog | None = None
        self.setWindowTitle(self.tr("抽取检查对象（双随机）"))
        self.projects = QSpinBox(self)
        self.projects.setRange(1, 200)
        self.projects.setValue(3)
        self.officials = QSpinBox(self)
        self.officials.setRange(1, 10)
        self.officials.setValue(1)
        self.experts = QSpinBox(self)
        self.experts.setRange(1, 10)  # a team is officials and experts together
        self.experts.setValue(1)
        self.lookback = QSpinBox(self)
        self.lookback.setRange(0, 20)
        self.lookback.setValue(3)
        self.lookback.setSuffix(self.tr(" 年"))
        today = workspace.today()
        self.planned_on = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.planned_on.setCalendarPopup(True)
        self.planned_on.setDisplayFormat("yyyy-MM-dd")
        self.planned_on.setMinimumDate(QDate(today.year, today.month, today.day))
        self.planned_on.setAccessibleName(self.tr("计划检查日期"))
        params = QFormLayout()
        for caption, spin in ((self.tr("抽取项目数"), self.projects),
                              (self.tr("每组干部人数"), self.officials),
                              (self.tr("每组专家人数"), self.experts),
                              (self.tr("回避：任职经历回溯"), self.lookback),
                              (self.tr("计划检查日期"), self.planned_on)):
            spin.setMinimumHeight(TOUCH)
            spin.setMinimumWidth(120)
            params.addRow(caption, spin)
        self.pool_label = QLabel(self)
        self.pool_label.setWordWrap(True)
        self.pool_button = QPushButton(self.tr("管理检查人员库…"), self)
        self.pool_button.clicked.connect(self.manage_pool)
        self.draw_button = QPushButton(self.tr("抽取"), self)
        self.draw_button.setDefault(True)
        self.verify_button = QPushButton(self.tr("验证抽取"), self)
        self.verify_button.setEnabled(False)
        self.open_button = QPushButton(self.tr("打开所选检查"), self)
        self.open_button.setEnabled(False)
        for b in (self.pool_button, self.draw_button, self.verify_button, self.open_button):
            b.setMinimumHeight(TOUCH)
            b.setAutoDefault(False)
        self.draw_button.clicked.connect(self.make_draw)
        self.verify_button.clicked.connect(self.verify)
        self.open_button.clicked.connect(self._open_current)
        side = QVBoxLayout()
        side.addLayout(params)
        side.addWidget(self.pool_label)
        side.addWidget(self.pool_button)
        side.addWidget(self.draw_button)
        side.addStretch(1)

        self.summary = QLabel(self.tr("尚未抽取。"), self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result = QTreeWidget(self)
        self.result.setHeaderLabels([self.tr("检查编号 / 项目"), self.tr("检查组 / 回避"),
                                     self.tr("执法证号 / 理由")])
        self.result.setAccessibleName(self.tr("抽取结果"))
        self.result.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.result.setColumnWidth(0, 330)
        self.result.setColumnWidth(1, 200)
        self.result.header().setStretchLastSection(True)
        self.result.itemActivated.connect(lambda *_: self._open_current())
        self.result.currentItemChanged.connect(
            lambda item, _old: self.open_button.setEnabled(bool(self._inspection_of(item))))
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.result, 1)
        right.addWidget(self.verdict)
        right.addLayout(actions)
        body = QHBoxLayout()
        body.addLayout(side)
        body.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        fit_on_screen(self, 1100, 640)
        self._count_pool()

    def _count_pool(self) -> None:
        with self._ws.store.db.read() as session:
            pool = pool_members(session, self._ws.actor.division_code)
        officials = sum(1 for m in pool if m.kind == "干部")
        self.pool_label.setText(self.tr("人员库：干部 {o} 人，专家 {e} 人").format(
            o=officials, e=len(pool) - officials))

    @Slot()
    def manage_pool(self) -> None:
        self.pool_dialog = PoolDialog(self._ws, self)
        self.pool_dialog.finished.connect(lambda _r: self._count_pool())
        self.pool_dialog.open()

    def params(self) -> DrawParams:
        return DrawParams(projects=self.projects.value(),
                          officials_per_team=self.officials.value(),
                          experts_per_team=self.experts.value(),
                          lookback_years=self.lookback.value())

    def redraw_reason(self) -> str | None:
        """Asked before drawing again: why (None when the user does not say)."""
        reason, ok = QInputDialog.getText(
            self, self.tr("重新抽取"),
            self.tr("已抽取过一次。重新抽取须说明原因，原因将记入抽取记录："))
        return reason.strip() if ok and reason.strip() else None

    @Slot()
    def make_draw(self) -> None:
        earlier, reason = self.draw_id or None, ""
        if earlier is not None:
            asked = self.redraw_reason()
            if asked is None:
                self.verdict.setText(self.tr("未重新抽取：须说明重新抽取的原因"))
                set_tone(self.verdict, "error")
                return
            reason = asked
        try:
            self.draw_id = draws.make_draw(self._ws.service(), self.params(),
                                           planned_on=self.planned_on.date().toPython(),
                                           redraw_of=earlier, reason=reason)
        except ServiceError as exc:
            self.verdict.setText(self.tr("未能抽取：{reason}").format(reason=exc))
            set_tone(self.verdict, "error")
            return
        self.show_draw(self.draw_id)
        self.verdict.setText(self.tr("抽取结果已保存。检查对象在检查开始前只对检查组成员可见。"))
        set_tone(self.verdict, "hint")
        self._ws.saved(self.tr("已抽取 {n} 个检查对象").format(n=self.result.topLevelItemCount()),
                       "inspection_draw", self.draw_id)

    def show_draw(self, draw_id: str) -> None:
        with self._ws.store.db.read() as session:
            view = draw_detail(session, draw_id)
        if view is None:
            return
        self.draw_id = draw_id
        self._show(view)
        self.verify_button.setEnabled(True)

    def _show(self, v: DrawView) -> None:
        self.summary.setText(self.tr(
            "{when} 由 {who} 抽取；候选项目 {p} 个，候选人员 {m} 人。\n"
            "方法：{method}\n随机种子：{seed}\n候选清单哈希：{hash}").format(
            when=labels.local_time(v.drawn_at), who=v.drawn_by, p=v.candidate_projects,
            m=v.candidate_members, method=METHOD_LABELS.get(v.method, v.method), seed=v.seed,
            hash=v.candidates_hash))
        self.summary.setToolTip(self.tr("方法代码：{code}（复核时使用）").format(code=v.method))
        if v.redraw_reason:
            self.summary.setText(self.tr("重新抽取（原因：{reason}；替代 {when} 的抽取）\n").format(
                reason=v.redraw_reason,
                when=labels.local_time(datetime.fromisoformat(v.redraw_of_drawn_at)))
                + self.summary.text())
        self.draw_button.setText(self.tr("重新抽取…"))
        self.result.clear()
        for team in v.teams:
            top = QTreeWidgetItem([f"{team.inspection_number}  {team.project}",
                                   "、".join(name for name, _k, _c in team.members), ""])
            top.setData(0, Qt.ItemDataRole.UserRole, team.inspection_id)
            for name, kind, cert in team.members:
                QTreeWidgetItem(top, ["", f"{name}（{kind}）", cert])
            for ex in team.excluded:
                child = QTreeWidgetItem(top, ["", self.tr("{name}（回避）").format(name=ex.name),
                                              ex.reason])
                child.setToolTip(2, ex.reason)
            self.result.addTopLevelItem(top)
            top.setExpanded(True)
        if self.result.topLevelItemCount():
            self.result.setCurrentItem(self.result.topLevelItem(0))

    @staticmethod
    def _inspection_of(item: QTreeWidgetItem | None) -> str:
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else ""

    @Slot()
    def verify(self) -> None:
        try:
            problems = draws.verify_draw(self._ws.service(), self.draw_id)
        except ServiceError as exc:
            problems = [str(exc)]
        if problems:
            self.verdict.setText(self.tr("验证不通过：{problems}").format(
                problems="；".join(problems)))
            set_tone(self.verdict, "error")
        else:
            self.verdict.setText(self.tr(
                "验证通过：按记录的候选清单、随机种子和方法重新计算，结果与本次抽取完全一致。"))
            set_tone(self.verdict, "hint")

    @Slot()
    def _open_current(self) -> None:
        inspection_id = self._inspection_of(self.result.currentItem())
        if inspection_id:
            self.open_inspection.emit(inspection_id)
            self.accept()
