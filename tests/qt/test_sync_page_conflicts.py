"""The conflicts view, on a conflict made the real way: this computer and another one edit
the same enterprise's contact; the other syncs first, so the server refuses this one's edit.
The user sees their edit beside the server's version and keeps one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot
from qt_sync_support import PASSWORD, add_user, free_port, using_keyring
from sqlalchemy import update

from jjg_desktop.config import resolve_paths
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.sync.conflicts_view import DIFFERENT, ConflictsView
from jjg_desktop.qt.sync.sync_page import CONFLICTS_TAB, SyncPage
from jjg_desktop.rules.credit_code import complete
from jjg_desktop.rules.registration import RegistrationInput
from jjg_desktop.services import enterprises, registry
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.startup import open_store
from jjg_desktop.settings import Settings, save_settings
from jjg_desktop.store.models import SyncConflict
from jjg_desktop.store.read.registers import enterprise_detail
from jjg_desktop.sync.credentials import Credentials
from jjg_desktop.sync.session import sign_in, sync_once
from server_support import running_server
from tests_support import MemoryKeyring

OpenWindow = Callable[[], MainWindow]
NAME = "江苏华泰建设工程有限公司"
MY_PHONE = "13943312345"
THEIR_PHONE = "0433-7512345"


@dataclass(frozen=True, slots=True)
class Conflict:
    url: str
    enterprise_id: str
    other: Store
    other_credentials: Credentials


def _registration() -> RegistrationInput:
    return RegistrationInput(
        credit_code=complete("91320100MA1XYH12"), name=NAME, home_province="江苏",
        division_code="222404", registered_on=date(2026, 3, 2),
        office_address="珲春市河南街道靖和街56号", person_in_charge="周明", phone="13904331234",
        qualifications=["建筑工程施工总承包贰级"], commitments=["承诺登记信息真实"])


@pytest.fixture
def conflict(store: Store, tmp_path: Path) -> Iterator[Conflict]:
    """Registered here and synced; edited on the other computer and synced; edited here on
    the old version and synced: the server refuses this computer's edit."""
    db_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with using_keyring(MemoryKeyring()), running_server(db_url, port=free_port()) as url:
        add_user(db_url, "clerk01", name="刘晓燕", role="county_clerk")
        add_user(db_url, "hc_wangzg", name="王志刚", role="county_clerk")
        mine = Credentials()
        me = ServiceContext(store=store, actor=sign_in(
            store, mine, server_url=url, username="clerk01", password=PASSWORD))
        enterprise = registry.register(me, _registration())
        sync_once(store, mine, server_url=url)

        other = open_store(resolve_paths(data_dir=tmp_path / "other-computer"))
        theirs = Credentials(MemoryKeyring())
        them = ServiceContext(store=other, actor=sign_in(
            other, theirs, server_url=url, username="hc_wangzg", password=PASSWORD))
        sync_once(other, theirs, server_url=url)
        enterprises.update_contact(them, enterprise, contact_phone=THEIR_PHONE,
                                   contact_person="王建国")
        sync_once(other, theirs, server_url=url)

        enterprises.update_contact(me, enterprise, contact_phone=MY_PHONE)
        assert sync_once(store, mine, server_url=url).rejected == 1
        save_settings(Settings(server_url=url))
        try:
            yield Conflict(url, enterprise, other, theirs)
        finally:
            other.close()


def cells(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def highlighted(table: QTableWidget, row: int) -> bool:
    return table.item(row, 1).background().color() == DIFFERENT


def open_conflicts(qtbot: QtBot, window: MainWindow) -> ConflictsView:
    """Through the red count in the status bar, as the user would."""
    assert window.status.conflicts.isVisible()
    assert window.status.conflicts.text() == "冲突：1"
    qtbot.mouseClick(window.status.conflicts, Qt.MouseButton.LeftButton)
    page = window.pages["sync"]
    assert isinstance(page, SyncPage)
    assert window.page_key() == "sync" and page.tabs.currentIndex() == CONFLICTS_TAB
    assert page.tabs.tabText(CONFLICTS_TAB) == "冲突（1）"
    return page.conflicts


def test_the_refused_edit_is_shown_beside_the_servers_version(
        qtbot: QtBot, conflict: Conflict, open_window: OpenWindow) -> None:
    window = open_window()
    view = open_conflicts(qtbot, window)

    assert view.list.rowCount() == 1
    record, reason, decided, _found = cells(view.list, 0)
    assert record == f"企业“{NAME}”" and reason and decided
    assert view.title.text() == f"修改企业联系方式：企业“{NAME}”"
    assert view.reason.text() == f"服务器的答复：{reason}"
    rows = {cells(view.fields, r)[0]: (cells(view.fields, r)[1:], highlighted(view.fields, r))
            for r in range(view.fields.rowCount())}
    assert rows["联系电话"] == ([MY_PHONE, THEIR_PHONE], True)
    assert rows["联系人"] == (["周明", "王建国"], True)
    assert rows["名称"] == ([NAME, NAME], False)
    assert [cells(view.fields, r)[0] for r in range(2)] == ["联系人", "联系电话"]
    assert "id" not in rows and "updated_at" not in rows
    assert view.keep_mine_button.isEnabled() and view.take_theirs_button.isEnabled()


def test_keeping_mine_sends_it_again_and_the_server_takes_it(
        qtbot: QtBot, conflict: Conflict, open_window: OpenWindow, store: Store) -> None:
    window = open_window()
    view = open_conflicts(qtbot, window)
    qtbot.mouseClick(view.keep_mine_button, Qt.MouseButton.LeftButton)

    assert view.list.rowCount() == 0 and view.empty.isVisible()
    assert not window.status.conflicts.isVisible()
    assert window.status.pending.text() == "未同步更改：1"
    assert window.statusBar().currentMessage() == (
        f"已保留我的修改，将在下次同步时重新提交：企业“{NAME}”")

    with qtbot.waitSignal(window.sync.finished, timeout=15_000) as synced:
        window.sync.sync_now()
    assert synced.args[0].rejected == 0
    assert window.status.pending.text() == "未同步更改：0"
    assert not window.status.conflicts.isVisible()
    sync_once(conflict.other, conflict.other_credentials, server_url=conflict.url)
    with conflict.other.db.read() as session:
        detail = enterprise_detail(session, conflict.enterprise_id)
    assert detail is not None and detail.contact_phone == MY_PHONE


def test_taking_theirs_puts_the_servers_version_in_place_and_sends_nothing(
        qtbot: QtBot, conflict: Conflict, open_window: OpenWindow, store: Store) -> None:
    window = open_window()
    view = open_conflicts(qtbot, window)
    qtbot.mouseClick(view.take_theirs_button, Qt.MouseButton.LeftButton)

    assert view.list.rowCount() == 0 and view.empty.isVisible()
    assert not window.status.conflicts.isVisible()
    assert window.status.pending.text() == "未同步更改：0"
    with store.db.read() as session:
        detail = enterprise_detail(session, conflict.enterprise_id)
    assert detail is not None
    assert (detail.contact_phone, detail.contact_person) == (THEIR_PHONE, "王建国")


def test_a_case_decision_cannot_simply_be_sent_again_and_the_view_says_why(
        qtbot: QtBot, conflict: Conflict, open_window: OpenWindow, store: Store) -> None:
    with store.db.write() as session:
        session.execute(update(SyncConflict).values(command="case.transition"))
    window = open_window()
    view = open_conflicts(qtbot, window)

    assert not view.keep_mine_button.isEnabled()
    assert "重新作出" in view.keep_mine_button.toolTip()
    assert view.why_not.isVisible() and "在案件页面" in view.why_not.text()
    assert view.take_theirs_button.isEnabled()
