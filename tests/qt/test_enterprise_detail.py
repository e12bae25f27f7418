"""Contact details are saved as they are typed: after a pause, on leaving the field, and when
the view or the window closes; refused input says why and is not saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.kit.typing_pause import SAVE_PAUSE_MS
from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.services.context import Store
from jjg_desktop.store.read.registers import (
    EnterpriseDetail,
    enterprise_detail,
)
from jjg_desktop.store.read.worklists import outbox_ids, outbox_rows, pending_change_count

if TYPE_CHECKING:
    from conftest import Sample, TypeChinese

OpenWindow = Callable[[], MainWindow]


def stored(store: Store, enterprise_id: str) -> EnterpriseDetail:
    with store.db.read() as session:
        detail = enterprise_detail(session, enterprise_id)
    assert detail is not None
    return detail


def pending(store: Store) -> int:
    with store.db.read() as session:
        return pending_change_count(session)


def open_detail(qtbot: QtBot, window: MainWindow, enterprise_id: str) -> EnterprisePage:
    window.workspace.go("enterprises", enterprise_id)
    page = window.enterprises
    assert page.currentWidget() is page.detail
    return page


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_detail_shows_the_enterprise(qtbot: QtBot, sample: Sample,
                                     open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司", contact_person="王建国",
                            contact_phone="13943312345", address="珲春市人民大街88号")
    project = sample.project("珲春市第一中学教学楼新建工程", parties={"施工单位": ent})
    window = open_window()
    page = open_detail(qtbot, window, ent)
    detail = page.detail
    assert detail.title.text() == "珲春市鑫源建筑工程有限公司"
    assert detail.values["divisionValue"].text() == "珲春市"
    assert detail.values["syncValue"].text() == "服务器版本 1"
    assert [f.edit.text() for f in detail.fields.values()] == [
        "珲春市人民大街88号", "王建国", "13943312345"]
    assert detail.projects.rowCount() == 1
    assert detail.projects.item(0, 1).text() == "珲春市第一中学教学楼新建工程"
    assert detail.projects.item(0, 2).text() == "施工单位"

    detail.projects.setFocus()
    detail.projects.setCurrentCell(0, 1)
    qtbot.keyClick(detail.projects, Qt.Key.Key_Return)
    assert window.page_key() == "projects"
    assert window.pages["projects"].detail.project_id == project


def test_typed_phone_is_saved_after_a_pause(qtbot: QtBot, sample: Sample, store: Store,
                                            open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司", contact_phone="0433-7512345")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    phone = page.detail.fields["contact_phone"].edit
    retype(qtbot, phone, "13943312345")
    assert stored(store, ent).contact_phone == "0433-7512345"

    qtbot.waitUntil(lambda: stored(store, ent).contact_phone == "13943312345",
                    timeout=SAVE_PAUSE_MS * 4)
    assert pending(store) == 1
    with store.db.read() as session:
        [command] = outbox_rows(session, outbox_ids(session))
    assert command.command == "enterprise.update_contact"
    assert command.entity_id == ent
    assert window.statusBar().currentMessage() == "已保存 联系电话"
    assert window.status.pending.text() == "未同步更改：1"
    assert not page.detail.fields["contact_phone"].message.isVisible()

    page.show_list()
    row = page.model.row_of(ent)
    assert page.model.data(page.model.index(row, 5)) == "13943312345"


def test_leaving_the_field_saves_at_once(qtbot: QtBot, type_chinese: TypeChinese, sample: Sample,
                                         store: Store, open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    person = page.detail.fields["contact_person"].edit
    person.setFocus()
    type_chinese(person, "李秀丽")
    qtbot.keyClick(person, Qt.Key.Key_Tab)
    assert stored(store, ent).contact_person == "李秀丽"
    assert window.statusBar().currentMessage() == "已保存 联系人"


def test_refused_phone_says_why_and_is_not_saved(qtbot: QtBot, sample: Sample, store: Store,
                                                 open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司", contact_phone="13943312345")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    field = page.detail.fields["contact_phone"]
    retype(qtbot, field.edit, "abc")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.message.isVisible()
    assert field.message.text() == "联系电话只能包含数字、“-”、括号和分隔符"
    assert "联系电话未保存" in window.statusBar().currentMessage()
    assert stored(store, ent).contact_phone == "13943312345"
    assert pending(store) == 0

    retype(qtbot, field.edit, "0433-7512345")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert not field.message.isVisible()
    assert stored(store, ent).contact_phone == "0433-7512345"


def test_incomplete_phone_is_saved_with_a_hint(qtbot: QtBot, sample: Sample, store: Store,
                                               open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    field = page.detail.fields["contact_phone"]
    retype(qtbot, field.edit, "1394331")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert stored(store, ent).contact_phone == "1394331"
    assert field.message.isVisible()
    assert "不像完整的手机号" in field.message.text()
    assert field.message.property("tone") == "hint"


def test_going_back_right_after_typing_saves(qtbot: QtBot, type_chinese: TypeChinese,
                                             sample: Sample, store: Store,
                                             open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    address = page.detail.fields["address"].edit
    type_chinese(address, "珲春市河南街道靖和街")
    qtbot.keyClicks(address, "12")
    qtbot.keyClick(address, Qt.Key.Key_Escape)
    assert page.currentWidget() is page.list
    assert stored(store, ent).address == "珲春市河南街道靖和街12"


def test_closing_the_window_right_after_typing_saves(qtbot: QtBot, sample: Sample,
                                                     store: Store,
                                                     open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    retype(qtbot, page.detail.fields["contact_phone"].edit, "13812345678")
    window.close()
    assert stored(store, ent).contact_phone == "13812345678"
    assert pending(store) == 1


def test_switching_page_right_after_typing_saves(qtbot: QtBot, sample: Sample, store: Store,
                                                 open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司")
    window = open_window()
    page = open_detail(qtbot, window, ent)
    retype(qtbot, page.detail.fields["contact_phone"].edit, "13812345678")
    qtbot.keyClick(page.detail.fields["contact_phone"].edit, Qt.Key.Key_1,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.page_key() == "dashboard"
    assert stored(store, ent).contact_phone == "13812345678"
