"""入吉企业 list: loads ids a page at a time, searches as you type, sorts in SQL, counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Sample, TypeChinese

OpenWindow = Callable[[], MainWindow]


def names(page: EnterprisePage) -> list[str]:
    model = page.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def open_enterprises(qtbot: QtBot, open_window: OpenWindow) -> EnterprisePage:
    window = open_window()
    qtbot.keyClick(window.nav, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.page_key() == "enterprises"
    return window.enterprises


def click_header(qtbot: QtBot, page: EnterprisePage, column: int) -> None:
    header = page.list.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_ids_are_fetched_200_at_a_time(qtbot: QtBot, sample: Sample,
                                       open_window: OpenWindow) -> None:
    sample.enterprises(450)
    page = open_enterprises(qtbot, open_window)
    model = page.model
    assert model.rowCount() == 200
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    model.fetchMore()
    assert model.rowCount() == 450
    assert not model.canFetchMore()
    assert page.list.count_label.text() == "共 450 家"


def test_scrolling_to_the_end_fetches_the_next_page(qtbot: QtBot, sample: Sample,
                                                    open_window: OpenWindow) -> None:
    sample.enterprises(250)
    page = open_enterprises(qtbot, open_window)
    table = page.list.table
    table.setFocus()
    table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.model.rowCount() == 250)


def test_newest_registration_first_by_default(qtbot: QtBot, sample: Sample,
                                              open_window: OpenWindow) -> None:
    sample.enterprises(3)
    page = open_enterprises(qtbot, open_window)
    assert names(page) == ["珲春第3建筑有限公司", "珲春第2建筑有限公司", "珲春第1建筑有限公司"]


def test_typing_in_the_search_box_filters_the_list(qtbot: QtBot, type_chinese: TypeChinese,
                                                   sample: Sample, open_window: OpenWindow) -> None:
    sample.enterprises(30)
    sample.enterprise("珲春市鑫源建筑工程有限公司", contact_person="王建国",
                      contact_phone="13943312345")
    sample.enterprise("延吉鑫源市政工程有限公司", contact_person="李秀丽",
                      contact_phone="0433-2345678")
    page = open_enterprises(qtbot, open_window)
    assert page.list.search.placeholderText() == "名称、统一社会信用代码、联系人或电话"

    type_chinese(page.list.search, "鑫源")
    qtbot.waitUntil(lambda: names(page) == ["延吉鑫源市政工程有限公司",
                                            "珲春市鑫源建筑工程有限公司"])
    assert page.list.count_label.text() == "共 2 家"

    page.list.search.clear()
    qtbot.keyClicks(page.list.search, "2345678")
    qtbot.waitUntil(lambda: names(page) == ["延吉鑫源市政工程有限公司"])
    assert page.list.count_label.text() == "共 1 家"

    page.list.search.clear()
    type_chinese(page.list.search, "王建国")
    qtbot.waitUntil(lambda: names(page) == ["珲春市鑫源建筑工程有限公司"])

    page.list.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 32)
    assert page.list.count_label.text() == "共 32 家"


def test_search_by_credit_code_prefix(qtbot: QtBot, sample: Sample,
                                      open_window: OpenWindow) -> None:
    wanted = sample.enterprise("珲春市宏达建设有限公司")
    sample.enterprises(5)
    page = open_enterprises(qtbot, open_window)
    code = page.model.record(wanted).credit_code
    qtbot.keyClicks(page.list.search, code[:14].lower())
    qtbot.waitUntil(lambda: page.model.rowCount() == 6)
    page.list.search.clear()
    qtbot.keyClicks(page.list.search, code[:17].lower())
    qtbot.waitUntil(lambda: names(page) == ["珲春市宏达建设有限公司"])


def test_clicking_a_header_sorts_by_that_column(qtbot: QtBot, sample: Sample,
                                                open_window: OpenWindow) -> None:
    for name in ("长春乙公司", "吉林甲公司", "延边丙公司"):
        sample.enterprise(name)
    page = open_enterprises(qtbot, open_window)
    assert names(page) == ["延边丙公司", "吉林甲公司", "长春乙公司"]
    click_header(qtbot, page, 0)
    ascending = names(page)
    assert ascending == sorted(ascending)
    assert page.list.table.horizontalHeader().sortIndicatorSection() == 0
    click_header(qtbot, page, 0)
    assert names(page) == list(reversed(ascending))
    click_header(qtbot, page, 0)
    assert names(page) == ["延边丙公司", "吉林甲公司", "长春乙公司"]


def test_a_column_sql_cannot_sort_keeps_the_order(qtbot: QtBot, sample: Sample,
                                                  open_window: OpenWindow) -> None:
    sample.enterprise("甲公司", contact_person="赵")
    sample.enterprise("乙公司", contact_person="钱")
    page = open_enterprises(qtbot, open_window)
    click_header(qtbot, page, 4)
    assert names(page) == ["乙公司", "甲公司"]
    assert page.list.table.horizontalHeader().sortIndicatorSection() == -1


def test_status_and_origin_filters(qtbot: QtBot, sample: Sample,
                                   open_window: OpenWindow) -> None:
    sample.enterprise("本省正常公司")
    sample.enterprise("本省异常公司", status="异常名录")
    sample.enterprise("外省公司", home=("210000", "辽宁省"))
    page = open_enterprises(qtbot, open_window)
    page.status.setCurrentIndex(page.status.findText("异常名录"))
    assert names(page) == ["本省异常公司"]
    assert page.list.count_label.text() == "共 1 家"
    page.status.setCurrentIndex(0)
    page.origin.setCurrentIndex(page.origin.findText("省外"))
    assert names(page) == ["外省公司"]
    page.origin.setCurrentIndex(page.origin.findText("省内"))
    assert names(page) == ["本省异常公司", "本省正常公司"]


def test_columns_show_the_register(qtbot: QtBot, sample: Sample,
                                   open_window: OpenWindow) -> None:
    sample.enterprise("辽宁恒信建设有限公司", contact_person="张伟", contact_phone="024-23456789",
                      home=("210000", "辽宁省"))
    page = open_enterprises(qtbot, open_window)
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["企业名称", "统一社会信用代码", "注册地/来源省份", "所在区划", "联系人",
                       "联系电话", "状态"]
    row = [model.data(model.index(0, c)) for c in range(7)]
    assert row[0] == "辽宁恒信建设有限公司"
    assert row[2:] == ["辽宁省", "珲春市", "张伟", "024-23456789", "正常"]


def test_enter_and_double_click_open_the_detail(qtbot: QtBot, sample: Sample,
                                                open_window: OpenWindow) -> None:
    sample.enterprise("珲春甲建设有限公司")
    sample.enterprise("珲春乙建设有限公司")
    page = open_enterprises(qtbot, open_window)
    qtbot.keyClick(page.list.search, Qt.Key.Key_Down)
    assert page.list.table.hasFocus()
    qtbot.keyClick(page.list.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.list.table, Qt.Key.Key_Return)
    assert page.currentWidget() is page.detail
    assert page.detail.title.text() == "珲春甲建设有限公司"

    qtbot.keyClick(page.detail.fields["address"].edit, Qt.Key.Key_Escape)
    assert page.currentWidget() is page.list
    assert page.list.current_id() == page.detail.enterprise_id

    table = page.list.table
    rect = table.visualRect(page.model.index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.currentWidget() is page.detail
    assert page.detail.title.text() == "珲春乙建设有限公司"
