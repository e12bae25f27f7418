"""The main window: six pages reached by mouse, Ctrl+1…6 and the arrow keys; the status bar
says who works, where, that there is no server connection, and how many changes wait."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.shell.main_window import MainWindow

PAGES = ["工作台", "检查", "项目", "入吉企业", "异常名录", "同步"]
KEYS = ["dashboard", "inspections", "projects", "enterprises", "cases", "sync"]


def test_title_and_navigation_entries(window: MainWindow) -> None:
    assert window.windowTitle() == "吉建管 — 建筑市场监管"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == PAGES
    assert window.page_key() == "dashboard"


@pytest.mark.parametrize("row", range(len(PAGES)))
def test_clicking_an_entry_shows_its_page(qtbot: QtBot, window: MainWindow, row: int) -> None:
    rect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.page_key() == KEYS[row]
    assert window.stack.currentWidget() is window.pages[KEYS[row]]


def test_ctrl_number_shows_each_page(qtbot: QtBot, window: MainWindow) -> None:
    for n in (6, 2, 4, 1, 5, 3):
        qtbot.keyClick(window.focusWidget(), Qt.Key(Qt.Key.Key_0 + n),
                       Qt.KeyboardModifier.ControlModifier)
        assert window.page_key() == KEYS[n - 1]
        assert window.nav.currentRow() == n - 1


def test_arrow_keys_move_through_the_navigation(qtbot: QtBot, window: MainWindow) -> None:
    window.nav.setFocus()
    for expected in KEYS[1:]:
        qtbot.keyClick(window.nav, Qt.Key.Key_Down)
        assert window.page_key() == expected
    qtbot.keyClick(window.nav, Qt.Key.Key_Up)
    assert window.page_key() == "cases"


def test_status_bar_says_who_where_connection_and_pending(window: MainWindow) -> None:
    texts = [label.text() for label in window.statusBar().findChildren(QLabel)
             if label.objectName() == "statusField"]
    assert texts == ["刘晓燕 · 县级住建局", "吉林省 延边朝鲜族自治州 珲春市",
                     "离线（未配置服务器）", "未同步更改：0"]
    assert "服务器登录" in window.status.connection.toolTip()
