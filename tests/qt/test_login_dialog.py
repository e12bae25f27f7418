"""登录省级服务器: the dialog against a real jjg_server on loopback. The token goes to the
keyring and to no file; a refusal is said in the dialog, which stays open; without a keyring
the user is told, and the login still works for this run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from qt_sync_support import PASSWORD, add_user, free_port, using_keyring

from jjg_desktop.config import Paths
from jjg_desktop.qt.shell.logging_setup import FileLog
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.sync.login_dialog import LoginDialog
from jjg_desktop.qt.sync.sync_page import SyncPage
from jjg_desktop.qt.sync.sync_scheduler import Phase
from jjg_desktop.settings import load_settings
from jjg_desktop.sync.credentials import NO_KEYRING, SERVICE
from server_support import running_server
from tests_support import MemoryKeyring

OpenWindow = Callable[[], MainWindow]
SYNC_DONE_MS = 15_000


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with running_server(db_url, port=free_port()) as url:
        add_user(db_url, "hc_wangzg", name="王志刚", role="inspector")
        yield url


@pytest.fixture
def file_log(paths: Paths) -> Iterator[Path]:
    """Everything logged during the test, from every library, goes to the app's log file."""
    log = FileLog(paths.log_dir)
    root = logging.getLogger()
    level = root.level
    root.addHandler(log.handler)
    root.setLevel(logging.DEBUG)
    yield paths.log_dir
    root.removeHandler(log.handler)
    root.setLevel(level)
    log.close()


def open_login(qtbot: QtBot, window: MainWindow) -> LoginDialog:
    page = window.pages["sync"]
    assert isinstance(page, SyncPage)
    window.show_page(5)
    qtbot.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
    dialog = page.login_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill(dialog: LoginDialog, server: str, username: str, password: str) -> None:
    dialog.server.setText(server)
    dialog.username.setText(username)
    dialog.password.setText(password)


def click_login(qtbot: QtBot, dialog: LoginDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_login_keeps_the_token_in_the_keyring_and_in_no_file(
        qtbot: QtBot, open_window: OpenWindow, server: str, memory_keyring: MemoryKeyring,
        file_log: Path, tmp_path: Path) -> None:
    window = open_window()
    dialog = open_login(qtbot, window)
    assert dialog.username.text() == "clerk01"
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert dialog.keyring.isHidden()
    fill(dialog, server, "hc_wangzg", PASSWORD)
    with qtbot.waitSignal(window.sync.finished, timeout=SYNC_DONE_MS):
        click_login(qtbot, dialog)

    assert not dialog.isVisible()
    assert window.status.user.text() == "王志刚 · 执法检查人员"
    assert window.status.connection.text().startswith("已连接 · 上次同步 ")
    assert load_settings().server_url == server
    [token] = [v for (service, key), v in memory_keyring.passwords.items()
               if service == SERVICE and key.startswith(server) and key.endswith("#token")]
    assert len(token) >= 40
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.parent == file_log for p in files)
    assert [p for p in files if token.encode() in p.read_bytes()] == []
    assert [p for p in files if PASSWORD.encode() in p.read_bytes()] == []


def test_a_wrong_password_is_said_in_the_dialog_which_stays_open_for_another_try(
        qtbot: QtBot, open_window: OpenWindow, server: str,
        memory_keyring: MemoryKeyring) -> None:
    window = open_window()
    dialog = open_login(qtbot, window)
    fill(dialog, server, "hc_wangzg", "不是这个密码")
    click_login(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.message.text().startswith("用户名或密码错误")
    assert "请重新登录" not in dialog.message.text()
    assert dialog.focusWidget() is dialog.password
    assert dialog.password.selectedText() == "不是这个密码"
    assert memory_keyring.passwords == {}
    assert window.status.user.text() == "刘晓燕 · 县级住建局"

    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(window.sync.finished, timeout=SYNC_DONE_MS):
        click_login(qtbot, dialog)
    assert not dialog.isVisible()
    assert window.status.user.text() == "王志刚 · 执法检查人员"


def test_without_a_keyring_the_user_is_told_and_the_login_works_for_this_run(
        qtbot: QtBot, open_window: OpenWindow, server: str) -> None:
    with using_keyring(fail.Keyring()):
        window = open_window()
        dialog = open_login(qtbot, window)
        assert dialog.keyring.isVisible() and dialog.keyring.text() == NO_KEYRING
        fill(dialog, server, "hc_wangzg", PASSWORD)
        with qtbot.waitSignal(window.sync.finished, timeout=SYNC_DONE_MS):
            click_login(qtbot, dialog)

        assert dialog.isVisible()
        assert dialog.message.text().startswith("已登录，用户：王志刚。")
        assert NO_KEYRING in dialog.message.text()
        assert window.sync.phase is Phase.CONNECTED
        assert dialog.ok_button.text() == "关闭"
        click_login(qtbot, dialog)
        assert not dialog.isVisible()


def test_an_unreachable_server_is_said_in_the_dialog(
        qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring) -> None:
    window = open_window()
    dialog = open_login(qtbot, window)
    nobody = f"http://127.0.0.1:{free_port()}"
    fill(dialog, nobody, "hc_wangzg", PASSWORD)
    click_login(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.message.text() == (
        f"无法连接同步服务器（{nobody}）：网络不通或服务器未运行。请检查网络连接和服务器地址。")
    assert dialog.ok_button.isEnabled() and dialog.busy_bar.isHidden()
    assert load_settings().server_url == ""


def test_a_certificate_that_cannot_be_verified_is_said_in_the_dialog(
        qtbot: QtBot, open_window: OpenWindow, server: str,
        memory_keyring: MemoryKeyring) -> None:
    window = open_window()
    dialog = open_login(qtbot, window)
    fill(dialog, server.replace("http://", "https://"), "hc_wangzg", PASSWORD)
    click_login(qtbot, dialog)

    assert dialog.isVisible()
    assert "安全证书无法验证" in dialog.message.text()
    assert memory_keyring.passwords == {}


def test_an_address_that_is_not_a_url_is_refused_before_connecting(
        qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring) -> None:
    window = open_window()
    dialog = open_login(qtbot, window)
    fill(dialog, "jjg.jl.gov.cn", "hc_wangzg", PASSWORD)
    click_login(qtbot, dialog)

    assert dialog.isVisible() and dialog.focusWidget() is dialog.server
    assert dialog.message.text().startswith("服务器地址应以 http:// 或 https:// 开头")
