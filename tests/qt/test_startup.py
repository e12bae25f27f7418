"""Starting the app: the profile asked on a fresh database, a database that cannot be opened,
and the window shown on a ready one."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from jjg_desktop.config import Paths
from jjg_desktop.qt.settings.profile_dialog import ProfileDialog
from jjg_desktop.qt.shell.app import EXIT_CANNOT_OPEN, EXIT_OK, run
from jjg_desktop.services.context import Actor, Store
from jjg_desktop.services.startup import active_actor, open_store
from qt_support import when_shown

if TYPE_CHECKING:
    from conftest import TypeChinese


def test_profile_dialog_creates_the_active_profile(qtbot: QtBot, type_chinese: TypeChinese,
                                                   store: Store) -> None:
    dialog = ProfileDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.role.currentText() == "县级住建局"
    assert dialog.division.findText("吉林省 延边朝鲜族自治州 珲春市") >= 0
    qtbot.keyClicks(dialog.username, "hc_liuxy")
    type_chinese(dialog.display_name, "刘晓燕")
    type_chinese(dialog.division.lineEdit(), "吉林省 延边朝鲜族自治州 珲春市")
    qtbot.keyClicks(dialog.cert, "22240421001234")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.result() == ProfileDialog.DialogCode.Accepted
    assert dialog.actor == Actor("hc_liuxy", "刘晓燕", "county_clerk", "222404")
    assert active_actor(store) == dialog.actor


def test_profile_dialog_explains_what_is_missing(qtbot: QtBot, store: Store) -> None:
    dialog = ProfileDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.error.text() == "请从列表中选择行政区划（可输入县市区名称查找）。"
    dialog.division.setCurrentIndex(dialog.division.findData("222404"))
    ok.click()
    assert dialog.error.text() == "请填写用户名和姓名"
    assert dialog.isVisible()
    assert active_actor(store) is None


def test_cancelling_the_profile_exits_cleanly(qtbot: QtBot, paths: Paths) -> None:
    when_shown(lambda dialog: dialog.reject())
    assert run(paths) == EXIT_OK
    store = open_store(paths)
    try:
        assert active_actor(store) is None
    finally:
        store.close()


def test_a_database_from_elsewhere_is_refused_with_a_message(qtbot: QtBot, paths: Paths) -> None:
    paths.db_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(paths.db_path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    messages: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        messages.append(f"{box.windowTitle()}|{box.text()}")
        box.accept()

    when_shown(read_and_close)
    assert run(paths) == EXIT_CANNOT_OPEN
    [message] = messages
    assert message.startswith("无法打开数据库|")
    assert "不是吉建管的数据库" in message
    assert "Traceback" not in message
    assert "服务器" not in message


def test_run_shows_the_main_window_for_the_active_profile(qtbot: QtBot, paths: Paths) -> None:
    store = open_store(paths)
    try:
        from jjg_desktop.services.startup import set_profile
        set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                    division_code="222404")
    finally:
        store.close()
    seen: list[str] = []

    def look_and_close(window: QWidget) -> None:
        seen.append(window.windowTitle())
        window.close()

    when_shown(look_and_close)
    assert run(paths) == EXIT_OK
    assert seen == ["吉建管 — 建筑市场监管"]
    assert (paths.log_dir / "jjg-desktop.log").exists()
