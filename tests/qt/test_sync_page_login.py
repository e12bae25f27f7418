"""When a sync needs a login: a background sync never opens a dialog (a banner on the sync
page and the status bar say so); "立即同步" opens the login dialog, once, and not over
another dialog. "退出登录" forgets the token. The status bar shows the sync's progress and
fits at 1366×768."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QToolButton
from pytestqt.qtbot import QtBot
from qt_sync_support import (
    PASSWORD,
    SlowProxy,
    add_user,
    free_port,
    using_keyring,
)

from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.sync.login_dialog import LoginDialog
from jjg_desktop.qt.sync.sync_page import SyncPage
from jjg_desktop.qt.sync.sync_scheduler import Timing
from jjg_desktop.services.context import Actor, Store
from jjg_desktop.services.enterprises import update_contact
from jjg_desktop.settings import Settings, save_settings
from jjg_desktop.sync.credentials import Credentials, Login, folder_key
from jjg_desktop.sync.session import sign_in
from server_support import running_server
from tests_support import MemoryKeyring

if TYPE_CHECKING:
    from conftest import Sample

OpenWindow = Callable[[], MainWindow]
NOT_SIGNED_IN = "刘晓燕尚未登录同步服务器，请先登录"  # the signed-out user at work


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def server_url() -> str:
    """A server address with no login kept for it: a sync stops before connecting."""
    url = f"http://127.0.0.1:{free_port()}"
    save_settings(Settings(server_url=url))
    return url


def sync_page(window: MainWindow) -> SyncPage:
    page = window.pages["sync"]
    assert isinstance(page, SyncPage)
    return page


def login_dialogs() -> list[LoginDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, LoginDialog) and w.isVisible()]


def test_a_background_sync_that_needs_a_login_shows_a_banner_not_a_dialog(
        qtbot: QtBot, server_url: str, open_window: OpenWindow) -> None:
    window = open_window()
    page = sync_page(window)
    window.sync.timing = Timing(first_sync_ms=0)
    with qtbot.waitSignal(window.sync.login_needed) as needed:
        window.sync.start()
    assert needed.args == [NOT_SIGNED_IN, False]
    assert login_dialogs() == [] and QApplication.activeModalWidget() is None
    assert window.status.connection.text() == "需要登录服务器"
    assert NOT_SIGNED_IN in window.status.connection.toolTip()

    qtbot.mouseClick(window.status.connection, Qt.MouseButton.LeftButton)
    assert window.page_key() == "sync"
    assert page.banner.isVisible()
    assert page.banner_text.text() == f"{NOT_SIGNED_IN}。本机的更改都已保存，登录后继续同步。"
    qtbot.mouseClick(page.banner_button, Qt.MouseButton.LeftButton)
    [dialog] = login_dialogs()
    assert NOT_SIGNED_IN in dialog.intro.text() and dialog.message.isHidden()
    assert dialog.server.text() == server_url


def test_sync_now_without_a_login_opens_the_login_dialog_once(
        qtbot: QtBot, server_url: str, open_window: OpenWindow) -> None:
    window = open_window()
    page = sync_page(window)
    window.show_page(5)
    for _ in range(2):
        with qtbot.waitSignal(window.sync.login_needed) as needed:
            qtbot.mouseClick(page.sync_now_button, Qt.MouseButton.LeftButton)
        assert needed.args == [NOT_SIGNED_IN, True]
    [dialog] = login_dialogs()
    assert dialog is page.login_dialog and dialog.focusWidget() is dialog.password


def test_no_login_dialog_opens_over_another_dialog(
        qtbot: QtBot, server_url: str, open_window: OpenWindow) -> None:
    window = open_window()
    page = sync_page(window)
    window.show_page(5)
    other = QDialog(window)
    other.setWindowTitle("另一个对话框")
    other.open()
    try:
        with qtbot.waitSignal(window.sync.login_needed):
            qtbot.mouseClick(page.sync_now_button, Qt.MouseButton.LeftButton)
        assert login_dialogs() == []
        assert page.banner.isVisible()
    finally:
        other.reject()


def test_logging_out_forgets_the_token_and_says_how_to_come_back(
        qtbot: QtBot, server_url: str, open_window: OpenWindow, store: Store, actor: Actor,
        memory_keyring: MemoryKeyring) -> None:
    token = "a-token-the-server-never-sees"
    Credentials().save(Login(server_url, actor.username, token),
                       folder_key(store))
    window = open_window()
    page = sync_page(window)
    window.show_page(5)
    assert page.user.text() == actor.username and page.logout_button.isEnabled()
    assert token in memory_keyring.passwords.values()

    qtbot.mouseClick(page.logout_button, Qt.MouseButton.LeftButton)
    assert token not in memory_keyring.passwords.values()
    assert page.user.text() == "未登录" and not page.logout_button.isEnabled()
    assert page.banner.isVisible()
    assert page.banner_text.text() == "已退出登录。本机的更改都已保存，登录后继续同步。"
    assert window.status.connection.text() == "需要登录服务器"


def test_the_status_bar_shows_the_sync_stage_and_fits_at_1366(
        qtbot: QtBot, tmp_path: Path, store: Store, sample: Sample,
        open_window: OpenWindow) -> None:
    db_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    port = free_port()
    with running_server(db_url, port=port):
        add_user(db_url, "clerk01", name="刘晓燕", role="county_clerk")  # the one at work
        proxy = SlowProxy(port, delay=0.3)
        try:
            sign_in(store, Credentials(), server_url=proxy.url, username="clerk01",
                    password=PASSWORD)
            save_settings(Settings(server_url=proxy.url))
            window = open_window()
            enterprise = sample.enterprise("珲春市鑫源建筑工程有限公司")
            update_contact(window.workspace.service(), enterprise, contact_phone="13943312345")
            window.workspace.saved("已保存 联系电话", "enterprise", enterprise)
            stages = []
            window.sync.progress.connect(
                lambda _p: stages.append(window.status.connection.text()))
            with qtbot.waitSignal(window.sync.finished, timeout=15_000):
                window.sync.sync_now()
        finally:
            proxy.close()
    assert stages[:2] == ["正在同步（检查服务器）", "正在同步（提交本机更改 0/1）"]
    assert window.status.connection.text().startswith("已连接 · 上次同步 ")

    window.status.connection.setText(stages[1])
    window.status.conflicts.setText("冲突：12")
    window.status.conflicts.show()
    qtbot.wait(50)
    bar = window.statusBar()
    fields = [w for w in bar.findChildren(QLabel) + bar.findChildren(QToolButton)
              if w.isVisible() and w.objectName() in ("statusField", "conflictsField")]
    assert len(fields) == 5
    for field in fields:
        assert field.width() >= field.sizeHint().width(), field.text()
        assert field.geometry().right() <= bar.width()
