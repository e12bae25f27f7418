"""同步: the server and the login, how the last syncs went, what this computer will send, and
the changes the server refused (conflicts) to re-decide.

When a sync finds that the user must log in: if the user started it ("立即同步") the login
dialog opens at once; a background sync never opens a dialog (it would steal the keyboard
from whatever the user is typing) but shows a banner here with a "登录" button, and the
status bar says "需要登录服务器" until then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)
from sqlalchemy.orm import Session

from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.kit.record_list import size_columns
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Destination, Workspace
from jjg_desktop.qt.shell.status_bar import progress_text
from jjg_desktop.qt.sync.conflicts_view import ConflictsView
from jjg_desktop.qt.sync.login_dialog import LoginDialog
from jjg_desktop.qt.sync.sync_scheduler import Phase, SyncScheduler
from jjg_desktop.services.context import Actor
from jjg_desktop.store.read.worklists import (
    OutboxRow,
    SyncSummary,
    outbox_count,
    outbox_ids,
    outbox_rows,
    sync_summary,
)
from jjg_desktop.sync.conflicts import open_conflict_count
from jjg_desktop.sync.credentials import folder_key

if TYPE_CHECKING:
    from jjg_desktop.sync.engine import SyncReport

SYNC_FORM = form("sync_page.ui", statementLabel=QLabel, loginBanner=QFrame, bannerLabel=QLabel,
                 bannerLoginButton=QPushButton, serverValue=QLabel, userValue=QLabel,
                 lastSyncValue=QLabel, lastAttemptValue=QLabel, pendingValue=QLabel,
                 conflictsValue=QLabel, stateValue=QLabel, reportValue=QLabel,
                 clientIdValue=QLabel, syncNowButton=QPushButton, loginButton=QPushButton,
                 logoutButton=QPushButton, syncTabs=QTabWidget, conflictsTab=QWidget,
                 outboxTable=QTableView)
CONFLICTS_TAB = 1
SENTENCE_ENDS = "。！？.!?"


def _ids(session: Session, _filter: None, *, sort: str, order: str, limit: int,
         offset: int) -> list[int]:
    return outbox_ids(session, limit=limit, offset=offset)


def _count(session: Session, _filter: None) -> int:
    return outbox_count(session)


def _rows(session: Session, ids: Sequence[Any]) -> list[OutboxRow]:
    return outbox_rows(session, ids)


SOURCE = ListSource(ids=_ids, rows=_rows, count=_count, default_sort="id",
                    default_order="desc")


def sentence(text: str) -> str:
    """The text as a sentence (the sync's messages may leave off the full stop)."""
    return text if not text or text[-1] in SENTENCE_ENDS else text + "。"


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncPage", text)


def _record(row: OutboxRow) -> str:
    kind = labels.label(labels.ENTITY, row.entity)
    return f"{kind} · {row.record}" if row.record else f"{kind} · {row.entity_id}"


def columns() -> list[Column]:
    return [
        Column(_tr("时间"), lambda r: labels.local_time(r.created_at), None, 9),
        Column(_tr("操作"), lambda r: labels.label(labels.OUTBOX_COMMAND, r.command), None, 10),
        Column(_tr("记录"), _record, None, 26),
        Column(_tr("状态"), lambda r: labels.label(labels.OUTBOX_STATE, r.state), None, 6),
    ]


@dataclass(frozen=True, slots=True)
class PageSummary:
    sync: SyncSummary
    server_url: str
    username: str | None
    """The user logged in to ``server_url``; None when not logged in."""
    conflicts: int
    interval_minutes: int


class SyncPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.sync: SyncScheduler | None = None
        self.summary: PageSummary | None = None
        self.login_dialog: LoginDialog | None = None
        ui = SYNC_FORM.load(self)
        self.banner = ui.find(QFrame, "loginBanner")
        self.banner_text = ui.find(QLabel, "bannerLabel")
        self.banner_button = ui.find(QPushButton, "bannerLoginButton")
        self.server = ui.find(QLabel, "serverValue")
        self.user = ui.find(QLabel, "userValue")
        self.last_sync = ui.find(QLabel, "lastSyncValue")
        self.last_attempt = ui.find(QLabel, "lastAttemptValue")
        self.pending = ui.find(QLabel, "pendingValue")
        self.conflict_count = ui.find(QLabel, "conflictsValue")
        self.state = ui.find(QLabel, "stateValue")
        self.report = ui.find(QLabel, "reportValue")
        self.client_id = ui.find(QLabel, "clientIdValue")
        self.sync_now_button = ui.find(QPushButton, "syncNowButton")
        self.login_button = ui.find(QPushButton, "loginButton")
        self.logout_button = ui.find(QPushButton, "logoutButton")
        self.tabs = ui.find(QTabWidget, "syncTabs")
        self.table = ui.find(QTableView, "outboxTable")
        self.conflicts = ConflictsView(workspace, self)
        ui.find(QWidget, "conflictsTab").layout().addWidget(self.conflicts)
        self.conflicts.count_changed.connect(self._conflict_count)
        self.model = LazyTableModel(workspace, SOURCE, columns(), None, parent=self)
        self.table.setModel(self.model)
        size_columns(self.table, self.model)
        self.banner.hide()
        self.report.setText(self.tr("本次启动后尚未同步"))
        for button in (self.sync_now_button, self.login_button, self.logout_button):
            button.setEnabled(False)
        self.setFocusProxy(self.table)
        self._stale = False
        self.refresh_summary()
        self.conflicts.reload()
        workspace.changed.connect(self._changed)

    def attach(self, sync: SyncScheduler) -> None:
        """Work with the window's scheduler (the page is built before it)."""
        self.sync = sync
        self.sync_now_button.clicked.connect(sync.sync_now)
        self.login_button.clicked.connect(lambda: self.ask_login())
        self.banner_button.clicked.connect(lambda: self.ask_login(sync.last_error))
        self.logout_button.clicked.connect(self.log_out)
        sync.phase_changed.connect(self._show_state)
        sync.finished.connect(self._finished)
        sync.failed.connect(lambda _message, _transient: self.refresh_summary())
        sync.login_needed.connect(self._login_needed)
        self.login_button.setEnabled(True)
        self.refresh_summary()

    # --- showing --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.model.reload()
            self.refresh_summary()
            self.conflicts.reload()

    def show_destination(self, dest: Destination) -> None:
        if dest.preset == "conflicts":
            self.tabs.setCurrentIndex(CONFLICTS_TAB)
            self.conflicts.setFocus()

    def refresh_summary(self) -> None:
        store, sync, actor = self._ws.store, self.sync, self._ws.actor

        def work(_state: TaskState) -> PageSummary:
            with store.db.read() as session:
                summary = sync_summary(session)
            conflicts = open_conflict_count(store)
            if sync is None:
                return PageSummary(summary, "", None, conflicts, 0)
            settings = sync.settings()
            url = settings.server_url.rstrip("/")
            login = sync.credentials().load(url, actor.username,
                                            folder_key(store)) if url else None
            return PageSummary(summary, settings.server_url,
                               login.username if login else None, conflicts,
                               settings.sync_interval_minutes)

        self._ws.tasks.run("sync-summary", work, self._show_summary)

    def _show_summary(self, page: PageSummary) -> None:
        self.summary = page
        s = page.sync
        self.server.setText(page.server_url or self.tr("未配置（点“登录服务器…”填写）"))
        self.user.setText(page.username or self.tr("未登录"))
        self.last_sync.setText(labels.local_time(s.last_success_at) or self.tr("从未同步"))
        self.last_attempt.setText(labels.local_time(s.last_attempt_at) or "—")
        pending = self.tr("{n} 条更改").format(n=s.pending)
        if s.waiting:
            pending += self.tr("；另有 {n} 条服务器记录暂未写入本机（缺少所属记录，或与本机"
                               "记录编号重复），每次同步都会重试").format(n=s.waiting)
        self.pending.setText(pending)
        self.pending.setWordWrap(True)
        set_tone(self.pending, "warning" if s.waiting else "")
        self.client_id.setText(s.client_id)
        self._conflict_count(page.conflicts)
        self.logout_button.setEnabled(page.username is not None)
        self._show_state()

    @Slot(int)
    def _conflict_count(self, n: int) -> None:
        self.conflict_count.setText(self.tr("{n} 项").format(n=n) if n else self.tr("无"))
        set_tone(self.conflict_count, "error" if n else "")
        self.tabs.setTabText(CONFLICTS_TAB, self.tr("冲突（{n}）").format(n=n) if n
                             else self.tr("冲突"))

    @Slot()
    def _show_state(self) -> None:
        sync = self.sync
        if sync is None:
            return
        running = sync.phase is Phase.SYNCING
        self.sync_now_button.setEnabled(not running)
        self.sync_now_button.setText(self.tr("正在同步…") if running else self.tr("立即同步"))
        self.state.setText(self._state_text(sync))
        tone = {Phase.NEEDS_LOGIN: "warning", Phase.REFUSED: "error"}.get(sync.phase, "")
        set_tone(self.state, tone)
        if sync.phase is Phase.NEEDS_LOGIN:
            self._show_banner(sync.last_error)
        else:
            self.banner.hide()

    def _state_text(self, sync: SyncScheduler) -> str:
        error = sync.last_error
        stored = self.summary.sync.last_error if self.summary else ""
        match sync.phase:
            case Phase.UNCONFIGURED:
                return self.tr("未配置服务器。点“登录服务器…”填写服务器地址并登录。")
            case Phase.WAITING:
                text = self.tr("稍后自动同步。")
                return text + (self.tr("上次同步未完成：{error}").format(
                    error=sentence(stored)) if stored else "")
            case Phase.SYNCING:
                return progress_text(sync.last_progress)
            case Phase.CONNECTED:
                minutes = self.summary.interval_minutes if self.summary else 0
                return self.tr("已连接。之后每 {n} 分钟自动同步一次。").format(n=minutes) \
                    if minutes else self.tr("已连接。")
            case Phase.OFFLINE | Phase.TROUBLE:
                head = self.tr("离线：") if sync.phase is Phase.OFFLINE else \
                    self.tr("服务器暂时故障：")
                text = head + sentence(error)
                remaining = sync.retry_remaining_ms()
                if remaining is not None:
                    at = datetime.now() + timedelta(milliseconds=remaining)
                    text += self.tr("\n将在 {time} 自动重试").format(time=f"{at:%H:%M:%S}")
                    if sync.phase is Phase.OFFLINE:
                        text += self.tr("；服务器一旦可以连接，会立即同步")
                    text += self.tr("。")
                return text
            case Phase.NEEDS_LOGIN:
                return self.tr("需要登录：{error}").format(error=sentence(error))
            case _:
                return self.tr("服务器拒绝同步：{error}\n处理后请点“立即同步”。").format(
                    error=sentence(error))

    def _show_banner(self, message: str) -> None:
        self.banner_text.setText(sentence(message) + self.tr(
            "本机的更改都已保存，登录后继续同步。"))
        self.banner.show()

    # --- acting ---------------------------------------------------------------------------

    @Slot(object)
    def _finished(self, report: SyncReport) -> None:
        self.report.setText(report.summary())
        self.model.reload()
        self.refresh_summary()
        self.conflicts.reload()
        if report.rejected:
            self.tabs.setCurrentIndex(CONFLICTS_TAB)

    @Slot(str, bool)
    def _login_needed(self, message: str, by_user: bool) -> None:
        self._show_banner(message)
        self.refresh_summary()
        if by_user and self.isVisible() and QApplication.activeModalWidget() is None:
            self.ask_login(message)

    def ask_login(self, reason: str = "") -> LoginDialog | None:
        sync = self.sync
        if sync is None:
            return None
        if self.login_dialog is not None:
            if self.login_dialog.isVisible() or self.login_dialog.busy:
                self.login_dialog.show()
                self.login_dialog.raise_()
                self.login_dialog.activateWindow()
                return self.login_dialog
            self.login_dialog.deleteLater()
        dialog = LoginDialog(self._ws, sync.credentials(), sync.settings(), reason=reason,
                             parent=self.window())
        dialog.signed_in.connect(self._signed_in)
        self.login_dialog = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _signed_in(self, actor: Actor) -> None:
        self.banner.hide()
        self._ws.message.emit(self.tr("已登录省级服务器（{name}），开始同步").format(
            name=actor.display_name))
        if self.sync is not None:
            self.sync.note_signed_in(actor)
        self.refresh_summary()

    @Slot()
    def log_out(self) -> None:
        sync = self.sync
        if sync is None:
            return
        url = sync.settings().server_url.rstrip("/")
        credentials = sync.credentials()
        username, store = self._ws.actor.username, self._ws.store

        def work(_state: TaskState) -> None:
            credentials.forget(url, username, folder_key(store))

        def done(_result: None) -> None:
            sync.note_signed_out(self.tr("已退出登录"))
            self._ws.message.emit(self.tr("已退出登录"))
            self.refresh_summary()

        self._ws.tasks.run("sync-logout", work, done)

    def _changed(self, _entity: str, _entity_id: str) -> None:
        if self.isVisible():
            self.model.reload()
            self.refresh_summary()
            self.conflicts.reload()
        else:
            self._stale = True
