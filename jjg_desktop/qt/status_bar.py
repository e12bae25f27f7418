"""The status bar's permanent fields: who works, where, the connection, unsent changes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QStatusBar

from jjg_desktop.qt.workspace import Workspace
from jjg_desktop.services.startup import ROLES
from jjg_desktop.store.divisions import full_name
from jjg_desktop.store.queries import pending_change_count

MESSAGE_MS = 8000


class StatusFields(QObject):
    def __init__(self, bar: QStatusBar, workspace: Workspace) -> None:
        super().__init__(bar)
        self._bar = bar
        self._ws = workspace
        actor = workspace.actor
        with workspace.store.db.read() as session:
            division = full_name(session, actor.division_code)
        self.user = self._add(self.tr("{name} · {role}").format(
            name=actor.display_name, role=ROLES.get(actor.role, actor.role)))
        self.division = self._add(division)
        self.connection = self._add(self.tr("离线（未配置服务器）"))
        self.connection.setToolTip(self.tr(
            "尚未连接省级服务器。服务器登录随同步功能提供，届时在此配置同步；"
            "在此之前，所有更改都保存在本机。"))
        self.pending = self._add("")
        self.demo_label: QLabel | None = None
        if workspace.demo_as_of is not None:
            self.demo_label = self._add(self.tr("演示数据 · 日期 {day}").format(
                day=workspace.demo_as_of.isoformat()))
            self.demo_label.setToolTip(self.tr(
                "这是演示数据库，数据截至 {day}。为使期限和统计与数据一致，"
                "本库中的日期固定为这一天；在正式数据库中使用实际日期。").format(
                    day=workspace.demo_as_of.isoformat()))
        self.refresh_pending()
        workspace.message.connect(self.say)
        workspace.changed.connect(self.refresh_pending)

    @Slot(str)
    def say(self, text: str) -> None:
        self._bar.showMessage(text, MESSAGE_MS)

    @Slot()
    def refresh_pending(self) -> None:
        with self._ws.store.db.read() as session:
            count = pending_change_count(session)
        self.pending.setText(self.tr("未同步更改：{n}").format(n=count))

    def _add(self, text: str) -> QLabel:
        label = QLabel(text, self._bar)
        label.setObjectName("statusField")
        self._bar.addPermanentWidget(label)
        return label
