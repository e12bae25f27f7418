"""The status bar's permanent fields: who works, where, the connection, unsent changes and
conflicts with the server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.sync.sync_scheduler import Phase, SyncScheduler
from jjg_desktop.services.context import Actor
from jjg_desktop.services.startup import ROLES
from jjg_desktop.store.divisions import full_name
from jjg_desktop.store.read.worklists import sync_summary
from jjg_desktop.sync.conflicts import open_conflict_count

if TYPE_CHECKING:
    from jjg_desktop.sync.engine import SyncProgress

MESSAGE_MS = 8000


def when(utc: datetime | None, now: datetime | None = None) -> str:
    """A stored UTC time, short: the clock time today, the date and time otherwise."""
    if utc is None:
        return ""
    local = utc.replace(tzinfo=UTC).astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%m-%d %H:%M}"


def progress_text(progress: SyncProgress | None) -> str:
    if progress is None:
        return "正在同步…"
    if progress.total:
        return f"正在同步（{progress.stage} {progress.done}/{progress.total}）"
    return f"正在同步（{progress.stage}）"


class StatusFields(QObject):
    def __init__(self, bar: QStatusBar, workspace: Workspace,
                 sync: SyncScheduler | None = None) -> None:
        super().__init__(bar)
        self._bar = bar
        self._ws = workspace
        self._sync = sync
        self._last_success: datetime | None = None
        self.user = self._add("")
        self.division = self._add("")
        self.show_actor(workspace.actor)
        self.connection = self._add("")
        self.connection.installEventFilter(self)
        self.pending = self._add("")
        self.conflicts = QToolButton(bar)
        self.conflicts.setObjectName("conflictsField")
        self.conflicts.setAutoRaise(True)
        self.conflicts.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts.setToolTip(self.tr("服务器没有接受的更改，点击查看并处理"))
        self.conflicts.clicked.connect(lambda: workspace.go("sync", preset="conflicts"))
        self.conflicts.hide()
        bar.addPermanentWidget(self.conflicts)
        self.demo_label: QLabel | None = None
        if workspace.demo_as_of is not None:
            self.demo_label = self._add(self.tr("演示数据 · 日期 {day}").format(
                day=workspace.demo_as_of.isoformat()))
            self.demo_label.setToolTip(self.tr(
                "这是演示数据库，数据截至 {day}。为使期限和统计与数据一致，"
                "本库中的日期固定为这一天；在正式数据库中使用实际日期。").format(
                    day=workspace.demo_as_of.isoformat()))
        self.refresh_pending()
        self.show_phase()
        workspace.message.connect(self.say)
        workspace.changed.connect(self.refresh_pending)
        if sync is not None:
            sync.phase_changed.connect(self.show_phase)
            sync.finished.connect(self.refresh_pending)
            sync.failed.connect(self.refresh_pending)
            sync.signed_in.connect(self.show_actor)

    @Slot(str)
    def say(self, text: str) -> None:
        self._bar.showMessage(text, MESSAGE_MS)

    @Slot(object)
    def show_actor(self, actor: Actor) -> None:
        with self._ws.store.db.read() as session:
            division = full_name(session, actor.division_code)
        self.user.setText(self.tr("{name} · {role}").format(
            name=actor.display_name, role=ROLES.get(actor.role, actor.role)))
        self.division.setText(division)

    @Slot()
    def refresh_pending(self) -> None:
        with self._ws.store.db.read() as session:
            summary = sync_summary(session)
        self._last_success = summary.last_success_at
        self.pending.setText(self.tr("未同步更改：{n}").format(n=summary.pending))
        conflicts = open_conflict_count(self._ws.store)
        self.conflicts.setText(self.tr("冲突：{n}").format(n=conflicts))
        self.conflicts.setVisible(conflicts > 0)
        if self._sync is not None:
            self.show_phase()

    @Slot()
    def show_phase(self) -> None:
        sync = self._sync
        phase = sync.phase if sync is not None else Phase.UNCONFIGURED
        error = sync.last_error if sync is not None else ""
        last = when(self._last_success)
        since = self.tr("上次同步 {t}").format(t=last) if last else self.tr("尚未同步")
        tone = ""
        if phase is Phase.UNCONFIGURED:
            text, tip = self.tr("离线（未配置服务器）"), self.tr(
                "尚未连接省级服务器。请在“同步”页进行服务器登录；在此之前，所有更改都保存在本机。")
        elif phase is Phase.SYNCING:
            text = progress_text(sync.last_progress if sync is not None else None)
            tip = self.tr("正在与省级服务器同步")
        elif phase is Phase.CONNECTED:
            text, tip = self.tr("已连接 · {since}").format(since=since), self.tr(
                "已与省级服务器同步，之后会按设置的间隔自动同步")
        elif phase is Phase.WAITING:
            text, tip = since, self.tr("稍后自动与省级服务器同步")
        elif phase in (Phase.OFFLINE, Phase.TROUBLE):
            text = (self.tr("离线 · {since}") if phase is Phase.OFFLINE
                    else self.tr("服务器暂时故障 · {since}")).format(since=since)
            tip = error + self.tr("\n更改都保存在本机，会自动重试同步。")
        elif phase is Phase.NEEDS_LOGIN:
            text, tip, tone = self.tr("需要登录服务器"), error + self.tr(
                "\n点击这里，在“同步”页登录。"), "warning"
        else:
            text, tip, tone = self.tr("同步被拒绝"), error + self.tr(
                "\n点击这里查看；处理后在“同步”页点“立即同步”。"), "error"
        self.connection.setText(text)
        self.connection.setToolTip(tip)
        if self.connection.property("tone") != tone:
            set_tone(self.connection, tone)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.connection and event.type() == QEvent.Type.MouseButtonRelease:
            self._ws.go("sync")
            return True
        return super().eventFilter(watched, event)

    def _add(self, text: str) -> QLabel:
        label = QLabel(text, self._bar)
        label.setObjectName("statusField")
        self._bar.addPermanentWidget(label)
        return label
