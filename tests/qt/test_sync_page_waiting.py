"""Records the server sent that could not be written here yet are not hidden: the 同步 page
says how many wait and that every sync tries them again."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.sync.sync_page import SyncPage
from jjg_desktop.services.context import Store
from jjg_desktop.store.models import ParkedChange


def _page(window: MainWindow) -> SyncPage:
    page = window.pages["sync"]
    assert isinstance(page, SyncPage)
    return page


def test_the_sync_page_says_how_many_server_records_wait(
        qtbot: QtBot, store: Store, open_window: Callable[[], MainWindow]) -> None:
    with store.db.write() as s:
        for n in range(2):
            s.add(ParkedChange(entity="inspection", record_id=f"i-{n}", version=1,
                               deleted=False, data={"number": f"珲春住建市检〔2026〕00{n}号"}))
    window = open_window()
    page = _page(window)
    page.refresh_summary()
    qtbot.waitUntil(lambda: "2 条服务器记录暂未写入本机" in page.pending.text(), timeout=5000)
    assert "每次同步都会重试" in page.pending.text()
    assert page.pending.property("tone") == "warning"
    with store.db.write() as s:
        s.query(ParkedChange).delete()
    page.refresh_summary()
    qtbot.waitUntil(lambda: page.pending.text() == "0 条更改", timeout=5000)
    assert page.pending.property("tone") == ""
