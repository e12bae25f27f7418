"""登录省级服务器: server address, user name and password; the login runs off the GUI thread
and a refusal is shown in the dialog, which stays open for another try.

The token goes to the keyring (through `Credentials`); the password is never kept. On success
the server address is saved to the settings, and the local profile follows the server's
answer (role, division, name).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from jjg_desktop.qt.kit.forms import form
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.context import Actor
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.settings import Settings, problems, save_settings
from jjg_desktop.sync.errors import NotSignedIn, Offline, SyncError

if TYPE_CHECKING:
    from jjg_desktop.sync.credentials import Credentials

LOGIN_FORM = form("login_dialog.ui", introLabel=QLabel, keyringLabel=QLabel,
                  serverEdit=QLineEdit, usernameEdit=QLineEdit, passwordEdit=QLineEdit,
                  busyBar=QProgressBar, messageLabel=QLabel, buttonBox=QDialogButtonBox)

# The sync errors are worded for a background sync; in this dialog the user is already
# logging in, and is told to check the address rather than to wait.
_RELOGIN_ADVICE = "。请重新登录"
_OFFLINE_ADVICE = "。数据已保存在本机，联网后会自动同步"


@dataclass(frozen=True, slots=True)
class _Refused:
    message: str


def login_message(error: SyncError) -> str:
    text = error.message
    if isinstance(error, NotSignedIn):
        return text.removesuffix(_RELOGIN_ADVICE)
    if isinstance(error, Offline):
        return text.removesuffix(_OFFLINE_ADVICE) + "。请检查网络连接和服务器地址。"
    return text


class LoginDialog(QDialog):
    signed_in = Signal(object)
    """Actor: emitted once the login went through (even if the dialog was closed meanwhile)."""

    def __init__(self, workspace: Workspace, credentials: Credentials, settings: Settings, *,
                 reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._credentials = credentials
        self._settings = settings
        self.actor: Actor | None = None
        self.busy = False
        ui = LOGIN_FORM.load(self)
        self.intro = ui.find(QLabel, "introLabel")
        self.server = ui.find(QLineEdit, "serverEdit")
        self.username = ui.find(QLineEdit, "usernameEdit")
        self.password = ui.find(QLineEdit, "passwordEdit")
        self.busy_bar = ui.find(QProgressBar, "busyBar")
        self.keyring = ui.find(QLabel, "keyringLabel")
        self.message = ui.find(QLabel, "messageLabel")
        buttons = ui.find(QDialogButtonBox, "buttonBox")
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("登录"))
        self.cancel_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("取消"))
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)

        self.server.setText(settings.server_url)
        self.username.setText(workspace.actor.username)
        self.keyring.setText(credentials.warning)
        set_tone(self.keyring, "warning")
        self.keyring.setVisible(bool(credentials.warning))
        self.busy_bar.hide()
        self.message.hide()
        if reason:
            self.intro.setText(
                f"<b>{html.escape(reason)}</b><br>{html.escape(self.intro.text())}")
        first = next((w for w in (self.server, self.username) if not w.text().strip()),
                     self.password)
        first.setFocus()

    @Slot()
    def _ok(self) -> None:
        if self.actor is not None:
            self.accept()
        elif not self.busy:
            self.login()

    @Slot()
    def login(self) -> None:
        url = self.server.text().strip()
        username = self.username.text().strip()
        password = self.password.text()
        for value, field, text in (
                (url, self.server, self.tr("请填写服务器地址。")),
                (username, self.username, self.tr("请填写用户名。")),
                (password, self.password, self.tr("请填写密码。"))):
            if not value:
                self._fail(text, field)
                return
        try:
            settings = Settings.model_validate({**self._settings.model_dump(),
                                                "server_url": url})
        except ValidationError as exc:
            refused = problems(exc)
            self._fail(refused.get("server_url") or next(iter(refused.values())), self.server)
            return
        self._set_busy(True)
        self._say(self.tr("正在连接 {url} …").format(url=url), "hint")
        store, credentials = self._ws.store, self._credentials

        def work(_state: TaskState) -> tuple[Actor, str] | _Refused:
            from jjg_desktop.sync.session import kept_for_others, kept_message, sign_in

            try:
                actor = sign_in(store, credentials, server_url=url, username=username,
                                password=password, ca_bundle=settings.ca_bundle,
                                allow_plain_http=settings.allow_plain_http)
                return actor, kept_message(kept_for_others(store, actor.username))
            except SyncError as exc:
                return _Refused(login_message(exc))
            except ServiceError as exc:
                return _Refused(str(exc))

        self._ws.tasks.run("login", work, lambda result: self._done(result, settings))

    def _done(self, outcome: tuple[Actor, str] | _Refused, settings: Settings) -> None:
        self._set_busy(False)
        if isinstance(outcome, _Refused):
            self._fail(outcome.message, self.password)
            self.password.selectAll()
            return
        self.password.clear()
        result, kept = outcome
        self.actor = result
        notes = [kept] if kept else []
        if settings != self._settings:
            try:
                save_settings(settings)
                self._settings = settings
            except OSError as exc:
                notes.append(self.tr("服务器地址未能保存到设置（{error}），下次启动需重新填写。")
                             .format(error=exc.strerror or exc))
        self.signed_in.emit(result)
        if self._credentials.warning:
            notes.append(self._credentials.warning)
            self.keyring.hide()
        if not notes:
            self.accept()
            return
        self._say(self.tr("已登录，用户：{name}。").format(name=result.display_name)
                  + "\n" + "\n".join(notes), "warning")
        for field in (self.server, self.username, self.password):
            field.setEnabled(False)
        self.ok_button.setText(self.tr("关闭"))
        self.cancel_button.hide()
        self.ok_button.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_bar.setVisible(busy)
        for widget in (self.server, self.username, self.password, self.ok_button):
            widget.setEnabled(not busy)

    def _say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        set_tone(self.message, tone)
        self.message.setVisible(bool(text))

    def _fail(self, text: str, focus: QWidget) -> None:
        self._say(text, "error")
        focus.setFocus()
