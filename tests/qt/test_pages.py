"""检查, 异常名录, 项目, 工作台 and 同步: what each shows and where its entries lead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidget
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.cases.case_page import CasePage
from jjg_desktop.qt.dashboard.dashboard import Dashboard
from jjg_desktop.qt.inspections.inspection_page import InspectionPage
from jjg_desktop.qt.kit.lazy_model import LazyTableModel
from jjg_desktop.qt.kit.presets import OVERDUE_COLORS
from jjg_desktop.qt.registry.project_page import ProjectPage
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.sync.sync_page import SyncPage
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.enterprises import update_contact
from jjg_desktop.services.inspections import TeamEntry, plan

if TYPE_CHECKING:
    from conftest import Sample, TypeChinese

OpenWindow = Callable[[], MainWindow]


def table(model: LazyTableModel) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def activate(qtbot: QtBot, tree: QTreeWidget, row: int) -> None:
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(row))
    qtbot.keyClick(tree, Qt.Key.Key_Return)


def test_inspections_list_in_chinese(qtbot: QtBot, sample: Sample,
                                     open_window: OpenWindow) -> None:
    project = sample.project("珲春市第一中学教学楼新建工程")
    sample.inspection(project, "珲建检〔2026〕001号", status="completed", on=date(2026, 3, 2))
    sample.inspection(project, "珲建检〔2026〕002号", status="in_progress", on=date(2026, 5, 10),
                      method="special")
    sample.inspection(project, "珲建检〔2026〕003号", status="planned", on=date(2026, 6, 1),
                      method="routine")
    window = open_window()
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "编号", "项目", "方式", "状态", "检查日期"]
    assert table(page.model) == [
        ["珲建检〔2026〕003号", "珲春市第一中学教学楼新建工程", "日常检查", "计划", "2026-06-01"],
        ["珲建检〔2026〕002号", "珲春市第一中学教学楼新建工程", "专项检查", "检查中", "2026-05-10"],
        ["珲建检〔2026〕001号", "珲春市第一中学教学楼新建工程", "四不两直", "已完成", "2026-03-02"],
    ]
    assert page.list.count_label.text() == "共 3 次检查"
    page.status.setCurrentIndex(page.status.findText("已完成"))
    assert [r[0] for r in table(page.model)] == ["珲建检〔2026〕001号"]


def test_opening_an_inspection_opens_the_form(qtbot: QtBot, sample: Sample, ctx: ServiceContext,
                                              open_window: OpenWindow) -> None:
    project = sample.project("珲春市第一中学教学楼新建工程")
    inspection = plan(ctx, project, method="日常", planned_on=date(2026, 5, 20),
                      team=[TeamEntry("刘晓燕", "干部", "吉建执2204001"),
                            TeamEntry("孙海波", "专家")])
    window = open_window()
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    window.show_page(1)
    page.list.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.list.table, Qt.Key.Key_Return)
    assert page.currentWidget() is page.form
    assert page.form.detail is not None and page.form.detail.id == inspection
    qtbot.mouseClick(page.form.project_button, Qt.MouseButton.LeftButton)
    assert window.page_key() == "projects"
    assert window.pages["projects"].detail.title.text() == "珲春市第一中学教学楼新建工程"


def test_an_inspection_with_an_unreadable_checklist_says_so(
        qtbot: QtBot, sample: Sample, open_window: OpenWindow) -> None:
    project = sample.project("珲春市第一中学教学楼新建工程")
    sample.inspection(project, "珲建检〔2026〕001号")
    window = open_window()
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    window.show_page(1)
    page.list.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.list.table, Qt.Key.Key_Return)
    assert page.form.title.text().startswith("无法打开该检查记录：")
    assert not page.form.print_button.isVisible()
    qtbot.mouseClick(page.form.back_button, Qt.MouseButton.LeftButton)
    assert page.currentWidget() is page.list


def test_cases_list_highlights_overdue(qtbot: QtBot, sample: Sample,
                                       open_window: OpenWindow) -> None:
    late = sample.enterprise("天津远祥路桥工程有限责任公司", home=("120000", "天津市"))
    soon = sample.enterprise("济南鼎立建筑工程有限公司", home=("370000", "山东省"))
    done = sample.enterprise("四川亿通建筑工程有限公司", home=("510000", "四川省"))
    sample.case(late, deadline=date(2026, 5, 8), grounds=("信息登记不实", "联系不上"))
    sample.case(soon, state="rectifying", deadline=date(2026, 6, 3))
    sample.case(done, state="removed", deadline=date(2026, 4, 1))
    window = open_window()
    page = window.pages["cases"]
    assert isinstance(page, CasePage)
    rows = table(page.model)
    assert [r[0] for r in rows] == ["四川亿通建筑工程有限公司", "天津远祥路桥工程有限责任公司",
                                    "济南鼎立建筑工程有限公司"]
    assert rows[1][2:5] == ["信息登记不实、联系不上", "拟列入（待市州审核）",
                         "2026-05-08（已逾期 10 天）"]
    assert rows[2][4] == "2026-06-03"
    assert rows[0][4] == "2026-04-01"
    background = Qt.ItemDataRole.BackgroundRole
    assert page.model.data(page.model.index(1, 0), background) == OVERDUE_COLORS[1]
    assert page.model.data(page.model.index(0, 0), background) is None
    assert page.model.data(page.model.index(2, 0), background) is None

    page.state.setCurrentIndex(page.state.findText("已逾期"))
    assert [r[0] for r in table(page.model)] == ["天津远祥路桥工程有限责任公司"]
    page.state.setCurrentIndex(page.state.findText("办理中"))
    assert page.list.count_label.text() == "共 2 件"


def test_projects_search_by_name_and_code(qtbot: QtBot, type_chinese: TypeChinese, sample: Sample,
                                          open_window: OpenWindow) -> None:
    builder = sample.enterprise("珲春市教育局")
    sample.project("珲春市第一中学教学楼新建工程", parties={"建设单位": builder})
    sample.project("珲春市人民医院门诊楼改造工程", status="竣工")
    window = open_window()
    page = window.pages["projects"]
    assert isinstance(page, ProjectPage)
    rows = table(page.model)
    assert [r[1] for r in rows] == ["珲春市人民医院门诊楼改造工程", "珲春市第一中学教学楼新建工程"]
    assert rows[1][5] == "珲春市教育局"
    type_chinese(page.list.search, "中学")
    qtbot.waitUntil(lambda: [r[1] for r in table(page.model)] == ["珲春市第一中学教学楼新建工程"])
    page.list.search.clear()
    qtbot.keyClicks(page.list.search, rows[0][0])
    qtbot.waitUntil(lambda: [r[1] for r in table(page.model)] == ["珲春市人民医院门诊楼改造工程"])
    page.list.search.clear()
    page.status.setCurrentIndex(page.status.findText("在建"))
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 1 个项目")


def test_project_detail_parties_lead_to_the_enterprise(qtbot: QtBot, sample: Sample,
                                                       open_window: OpenWindow) -> None:
    contractor = sample.enterprise("珲春市鑫源建筑工程有限公司")
    project = sample.project("珲春市第一中学教学楼新建工程", parties={"施工单位": contractor})
    window = open_window()
    window.workspace.go("projects", project)
    detail = window.pages["projects"].detail
    assert detail.values["codeValue"].text().startswith("2224042026")
    assert detail.parties.item(0, 1).text() == "珲春市鑫源建筑工程有限公司"
    detail.parties.setFocus()
    detail.parties.setCurrentCell(0, 1)
    qtbot.keyClick(detail.parties, Qt.Key.Key_Return)
    assert window.page_key() == "enterprises"
    assert window.enterprises.detail.enterprise_id == contractor


def test_dashboard_counts_and_ways_in(qtbot: QtBot, sample: Sample,
                                      open_window: OpenWindow) -> None:
    local = sample.enterprise("珲春市鑫源建筑工程有限公司")
    outside = sample.enterprise("天津远祥路桥工程有限责任公司", home=("120000", "天津市"))
    project = sample.project("珲春市第一中学教学楼新建工程")
    sample.project("珲春市人民医院门诊楼改造工程", status="竣工")
    first = sample.inspection(project, "珲建检〔2026〕001号", on=date(2026, 3, 2))
    sample.inspection(project, "珲建检〔2025〕009号", on=date(2025, 9, 1))
    case = sample.case(outside, deadline=date(2026, 5, 1))
    sample.case(local, state="removed")
    window = open_window()
    dash = window.pages["dashboard"]
    assert isinstance(dash, Dashboard)
    counts = {t.tile.caption: t.number.text() for t in dash.tiles}
    assert counts == {"在册企业": "2", "其中省外入吉": "1", "在建项目": "1", "本年检查": "1",
                      "办理中的异常名录案件": "1", "未同步更改": "0"}
    assert dash.inspections.topLevelItem(0).text(0) == "珲建检〔2026〕001号"
    assert dash.cases.topLevelItemCount() == 1
    assert dash.cases.topLevelItem(0).text(3) == "2026-05-01（已逾期）"

    qtbot.mouseClick(dash.tiles[1], Qt.MouseButton.LeftButton)
    assert window.page_key() == "enterprises"
    assert window.enterprises.origin.currentText() == "省外"
    assert window.enterprises.list.count_label.text() == "共 1 家"

    window.show_page(0)
    activate(qtbot, dash.inspections, 0)
    inspections = window.pages["inspections"]
    assert window.page_key() == "inspections"
    assert inspections.list.current_id() == first

    window.show_page(0)
    activate(qtbot, dash.cases, 0)
    assert window.page_key() == "cases"
    assert window.pages["cases"].list.current_id() == case

    window.show_page(0)
    qtbot.mouseClick(dash.tiles[3], Qt.MouseButton.LeftButton)
    assert inspections.year.currentText() == "2026年"
    assert inspections.list.count_label.text() == "共 1 次检查"


def test_dashboard_and_sync_page_follow_a_change(qtbot: QtBot, sample: Sample,
                                                 open_window: OpenWindow) -> None:
    ent = sample.enterprise("珲春市鑫源建筑工程有限公司")
    window = open_window()
    sync = window.pages["sync"]
    assert isinstance(sync, SyncPage)
    assert sync.pending.text() == "0 条更改"
    assert sync.last_sync.text() == "从未同步"
    assert len(sync.client_id.text()) == 36

    update_contact(window.workspace.service(), ent, contact_phone="13943312345")
    window.workspace.saved("已保存 联系电话", "enterprise", ent)
    assert window.status.pending.text() == "未同步更改：1"
    window.show_page(5)
    assert sync.pending.text() == "1 条更改"
    assert table(sync.model)[0][1:] == ["修改企业联系方式", "企业 · 珲春市鑫源建筑工程有限公司",
                                        "待发送"]
    window.show_page(0)
    tiles = {t.tile.caption: t.number.text() for t in window.pages["dashboard"].tiles}
    assert tiles["未同步更改"] == "1"


def test_dashboard_greets_the_user_with_the_day(window: MainWindow) -> None:
    dash = window.pages["dashboard"]
    assert isinstance(dash, Dashboard)
    assert dash.findChild(QLabel, "greetingLabel").text() == \
        "刘晓燕，您好。今天是 2026-05-18。"
