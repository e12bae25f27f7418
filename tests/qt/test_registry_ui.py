"""入吉企业 register: importing the province's sheet, the province and division filters,
exporting exactly the list shown, and the planning lists (待核查, 资质核查)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.registry.project_page import ProjectPage
from jjg_desktop.qt.registry.registration_import_dialog import RegistrationImportDialog
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.rules.credit_code import complete
from jjg_desktop.rules.registration import RegistrationInput
from jjg_desktop.rules.verification import CheckResult
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.enterprise_facts import record_fact
from jjg_desktop.services.registry import register
from jjg_desktop.services.verifications import record_verification
from jjg_desktop.store.read.worklists import pending_change_count
from tests_support import add_enterprise, signed_verification

if TYPE_CHECKING:
    from conftest import Sample

OpenWindow = Callable[[], MainWindow]
HEADER = ["序号", "统一社会信用代码", "企业名称", "注册地省份", "登记日期", "在吉办公地址",
          "在吉负责人", "联系电话"]


def code(n: int) -> str:
    return complete(f"91320100MA{n:06d}")


def sheet_row(n: int, **over: object) -> list[object]:
    row: dict[str, object] = {
        "序号": n, "统一社会信用代码": code(n), "企业名称": f"江苏第{n}建设工程有限公司",
        "注册地省份": "江苏省", "登记日期": datetime(2026, 3, 1),
        "在吉办公地址": f"珲春市新安街{n}号", "在吉负责人": "陈刚", "联系电话": f"1390433{n:04d}"}
    row.update(over)
    return [row[h] for h in HEADER]


def write_sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026年入吉企业信息登记表（珲春市）"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def register_firm(ctx: ServiceContext, n: int, name: str, *, province: str = "江苏省",
                  licence: str = "（苏）JZ安许证字〔2024〕000001",
                  expiry: date | None = date(2027, 6, 30)) -> str:
    return register(ctx, RegistrationInput(
        credit_code=code(n), name=name, home_province=province, division_code="222404",
        registered_on=date(2025, 3, 1), office_address=f"珲春市新安街{n}号",
        person_in_charge="陈刚", phone=f"1390433{n:04d}", safety_licence_no=licence,
        safety_licence_expiry=expiry))


def names(page: EnterprisePage) -> list[str]:
    return [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]


def table_texts(dialog: RegistrationImportDialog) -> list[list[str]]:
    m = dialog.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def pending(store: Store) -> int:
    with store.db.read() as session:
        return pending_change_count(session)


def enterprises_page(window: MainWindow) -> EnterprisePage:
    window.workspace.go("enterprises", preset="all")
    return window.enterprises


def choose_file(monkeypatch: MonkeyPatch, method: str, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, method, staticmethod(lambda *_a, **_k: (str(path), "")))


def click_header(qtbot: QtBot, table: object, column: int) -> None:
    header = table.horizontalHeader()  # type: ignore[attr-defined]
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def read_xlsx(path: Path) -> list[list[object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.active
        assert ws is not None
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# --- import -------------------------------------------------------------------------------


def test_import_previews_every_row_then_adds_the_good_ones(
        qtbot: QtBot, monkeypatch: MonkeyPatch, store: Store, open_window: OpenWindow,
        tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "登记表.xlsx", [
        sheet_row(1), sheet_row(2),
        sheet_row(3, 统一社会信用代码="91320100MA0000031X"),
        sheet_row(4, 统一社会信用代码=code(1), 企业名称="江苏重复建设有限公司")])
    window = open_window()
    page = enterprises_page(window)
    choose_file(monkeypatch, "getOpenFileName", sheet)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.import_dialog
    assert dialog is not None and dialog.isVisible()

    rows = table_texts(dialog)
    assert [r[:4] for r in rows] == [
        ["3", code(1), "江苏第1建设工程有限公司", "新增"],
        ["4", code(2), "江苏第2建设工程有限公司", "新增"],
        ["5", "91320100MA0000031X", "江苏第3建设工程有限公司", "有误"],
        ["6", code(1), "江苏重复建设有限公司", "有误"]]
    assert "第18位校验码应为" in rows[2][4]
    assert rows[3][4] == "与第 3 行的统一社会信用代码重复"
    assert dialog.summary.text() == "共 4 行：新增 2，更新 0，无变化 0，有误 2。有误的行不会导入。"
    assert dialog.apply_button.text() == "导入 2 条"

    dialog.only_invalid.setChecked(True)
    assert [r[0] for r in table_texts(dialog)] == ["5", "6"]

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert sorted(names(page)) == ["江苏第1建设工程有限公司", "江苏第2建设工程有限公司"]
    assert window.statusBar().currentMessage() == (
        "已导入 登记表.xlsx：新增 2 家，更新 0 家；无变化 0 家，有误未导入 2 行")
    assert page.province.findText("江苏省（2）") > 0
    assert pending(store) == 2

    again = page.open_import(sheet)
    assert [r[3] for r in table_texts(again)] == ["无变化", "无变化", "有误", "有误"]
    assert not again.apply_button.isEnabled()
    assert "没有需要导入的更改" in again.summary.text()


def test_a_changed_row_says_which_fields_change(qtbot: QtBot, ctx: ServiceContext,
                                                open_window: OpenWindow, tmp_path: Path) -> None:
    register_firm(ctx, 1, "江苏第1建设工程有限公司", licence="", expiry=None)
    sheet = write_sheet(tmp_path / "更新.xlsx", [
        sheet_row(1, 登记日期=datetime(2025, 3, 1), 联系电话="13904330002")])
    window = open_window()
    dialog = enterprises_page(window).open_import(sheet)
    [row] = table_texts(dialog)
    assert row[3] == "更新"
    assert row[4] == "变更：联系电话 13904330001 → 13904330002"
    assert dialog.apply_button.text() == "导入 1 条"
    assert not dialog.clear_empty.isVisible()


def _full_firm(ctx: ServiceContext) -> str:
    return register(ctx, RegistrationInput(
        credit_code=code(1), name="江苏第1建设工程有限公司", home_province="江苏省",
        division_code="222404", registered_on=date(2025, 3, 1), office_address="珲春市新安街1号",
        person_in_charge="陈刚", phone="13904330001", qualifications=["建筑工程施工总承包贰级"],
        safety_licence_no="（苏）JZ安许证字〔2024〕000001",
        safety_licence_expiry=date(2027, 6, 30), legal_representative="王建华",
        commitments=["承诺登记信息真实"]))


def _stored(store: Store, enterprise_id: str) -> tuple[object, ...]:
    from jjg_desktop.store.models import Enterprise, JilinRegistration

    with store.db.read() as session:
        ent = session.get_one(Enterprise, enterprise_id)
        [reg] = session.query(JilinRegistration).filter_by(enterprise_id=enterprise_id).all()
        return (ent.qualifications, ent.safety_licence_no, ent.safety_licence_expiry,
                ent.legal_representative, reg.commitments, reg.phone, ent.contact_phone)


def test_a_sheet_without_a_column_leaves_what_it_does_not_give(
        qtbot: QtBot, ctx: ServiceContext, store: Store, open_window: OpenWindow,
        tmp_path: Path) -> None:
    firm = _full_firm(ctx)
    sheet = write_sheet(tmp_path / "只有必填列.xlsx", [
        sheet_row(1, 登记日期=datetime(2025, 3, 1), 联系电话="13904330002")])
    window = open_window()
    dialog = enterprises_page(window).open_import(sheet)
    [row] = table_texts(dialog)
    assert (row[3], row[4]) == ("更新", "变更：联系电话 13904330001 → 13904330002")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _stored(store, firm) == (
        ["建筑工程施工总承包贰级"], "（苏）JZ安许证字〔2024〕000001", date(2027, 6, 30), "王建华",
        ["承诺登记信息真实"], "13904330002", "13904330002")


def test_empty_cells_clear_stored_values_only_when_the_clerk_ticks_it(
        qtbot: QtBot, ctx: ServiceContext, store: Store, open_window: OpenWindow,
        tmp_path: Path) -> None:
    firm = _full_firm(ctx)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([*HEADER, "资质", "安全生产许可证号", "法定代表人"])
    ws.append([*sheet_row(1, 登记日期=datetime(2025, 3, 1), 联系电话="13904330001"),
               None, "", "王建华"])
    sheet = tmp_path / "留空.xlsx"
    wb.save(sheet)
    window = open_window()
    dialog = enterprises_page(window).open_import(sheet)
    [row] = table_texts(dialog)
    assert row[3] == "更新"
    assert row[4] == ("清空：资质 建筑工程施工总承包贰级 → 空；"
                      "安全生产许可证号 （苏）JZ安许证字〔2024〕000001 → 空")
    assert dialog.clear_empty.isVisible() and not dialog.clear_empty.isChecked()
    assert "2 项已登记信息" in dialog.clear_empty.text()
    assert not dialog.apply_button.isEnabled()  # nothing but clearing: nothing to import

    qtbot.mouseClick(dialog.clear_empty, Qt.MouseButton.LeftButton,
                     pos=dialog.clear_empty.rect().bottomLeft() + QPoint(4, -4))
    assert dialog.clear_empty.isChecked()
    assert dialog.apply_button.isEnabled() and dialog.apply_button.text() == "导入 1 条"
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _stored(store, firm)[:4] == ([], "", date(2027, 6, 30), "王建华")


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(
        qtbot: QtBot, store: Store, open_window: OpenWindow, tmp_path: Path) -> None:
    bad = tmp_path / "名单.xlsx"
    bad.write_text("企业名称,统一社会信用代码\n某公司,123\n", encoding="utf-8")
    window = open_window()
    page = enterprises_page(window)
    dialog = page.open_import(bad)
    assert dialog.error.isVisible()
    assert "无法读取 名单.xlsx：不是有效的 Excel（.xlsx）文件" in dialog.error.text()
    assert dialog.model.rowCount() == 0
    assert not dialog.apply_button.isEnabled()
    assert page.model.rowCount() == 0
    assert pending(store) == 0


# --- filters and export -------------------------------------------------------------------


def test_province_and_division_filters(qtbot: QtBot, store: Store, sample: Sample,
                                       open_window: OpenWindow) -> None:
    sample.enterprise("江苏甲建设有限公司", home=("320000", "江苏省"))
    sample.enterprise("江苏乙建设有限公司", home=("320000", "江苏省"))
    sample.enterprise("浙江丙建设有限公司", home=("330000", "浙江省"))
    add_enterprise(store, datetime(2026, 5, 1), name="延吉丁建设有限公司",
                   division_code="222401", home_province_code="320000",
                   home_province="江苏省")
    window = open_window()
    page = enterprises_page(window)
    assert [page.province.itemText(i) for i in range(page.province.count())] == [
        "全部省份", "江苏省（3）", "浙江省（1）"]
    assert [page.division.itemText(i) for i in range(page.division.count())] == [
        "全部区划", "珲春市"]

    page.province.setCurrentIndex(page.province.findText("江苏省（3）"))
    assert sorted(names(page)) == sorted(["江苏乙建设有限公司", "江苏甲建设有限公司",
                                          "延吉丁建设有限公司"])
    page.division.setCurrentIndex(1)
    assert sorted(names(page)) == sorted(["江苏乙建设有限公司", "江苏甲建设有限公司"])
    assert page.list.count_label.text() == "共 2 家"


def test_export_writes_exactly_the_filtered_sorted_list(
        qtbot: QtBot, monkeypatch: MonkeyPatch, sample: Sample, open_window: OpenWindow,
        tmp_path: Path) -> None:
    for name, status in (("江苏乙建设有限公司", "正常"), ("江苏甲建设有限公司", "正常"),
                         ("江苏丙建设有限公司", "异常名录")):
        sample.enterprise(name, home=("320000", "江苏省"), status=status,
                          contact_person="陈刚", contact_phone="13904330001")
    sample.enterprise("浙江丁建设有限公司", home=("330000", "浙江省"))
    window = open_window()
    page = enterprises_page(window)
    page.province.setCurrentIndex(page.province.findData("320000"))
    page.status.setCurrentIndex(page.status.findData("正常"))
    click_header(qtbot, page.list.table, 0)
    click_header(qtbot, page.list.table, 0)
    shown = names(page)
    assert shown == sorted(shown, reverse=True) and len(shown) == 2

    target = tmp_path / "导出.xlsx"
    choose_file(monkeypatch, "getSaveFileName", target)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    rows = read_xlsx(target)
    assert rows[0] == ["企业名称", "统一社会信用代码", "注册地省份", "登记日期", "在吉办公地址",
                       "在吉负责人", "联系电话", "登记编号", "资质", "安全生产许可证号",
                       "安全生产许可证有效期", "承诺事项", "法定代表人", "登记地区", "状态"]
    assert [r[0] for r in rows[1:]] == shown
    assert rows[1][2] == "江苏省" and rows[1][5:7] == ["陈刚", "13904330001"]
    assert rows[1][13:] == ["珲春市", "正常"]
    assert window.statusBar().currentMessage() == f"已导出 2 家入吉企业到 {target}"


def test_an_export_imports_back_unchanged(
        qtbot: QtBot, monkeypatch: MonkeyPatch, ctx: ServiceContext, open_window: OpenWindow,
        tmp_path: Path) -> None:
    _full_firm(ctx)
    register_firm(ctx, 2, "江苏第2建设工程有限公司")
    window = open_window()
    page = enterprises_page(window)
    target = tmp_path / "导出再导入.xlsx"
    choose_file(monkeypatch, "getSaveFileName", target)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    dialog = page.open_import(target)
    assert [r[3] for r in table_texts(dialog)] == ["无变化", "无变化"], table_texts(dialog)
    assert not dialog.apply_button.isEnabled()


def test_cancelling_an_export_leaves_no_file(qtbot: QtBot, monkeypatch: MonkeyPatch,
                                             sample: Sample, open_window: OpenWindow,
                                             tmp_path: Path) -> None:
    sample.enterprises(1001)
    window = open_window()
    page = enterprises_page(window)
    page.exporter.progressed.connect(lambda _n, _total: page.exporter.cancel())
    target = tmp_path / "很多.xlsx"
    choose_file(monkeypatch, "getSaveFileName", target)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert list(tmp_path.glob("*.xlsx")) == []
    assert window.statusBar().currentMessage() == "已取消导出，未生成文件。"


def test_projects_export_as_filtered(qtbot: QtBot, monkeypatch: MonkeyPatch, sample: Sample,
                                     open_window: OpenWindow, tmp_path: Path) -> None:
    builder = sample.enterprise("珲春市城市建设投资有限公司")
    sample.project("珲春市第一中学教学楼新建工程", parties={"建设单位": builder})
    sample.project("珲春市体育馆维修工程", status="竣工")
    window = open_window()
    window.workspace.go("projects")
    page = window.pages["projects"]
    assert isinstance(page, ProjectPage)
    page.status.setCurrentIndex(page.status.findData("在建"))
    target = tmp_path / "项目.xlsx"
    choose_file(monkeypatch, "getSaveFileName", target)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    rows = read_xlsx(target)
    assert [r[1] for r in rows[1:]] == ["珲春市第一中学教学楼新建工程"]
    assert rows[1][5] == "珲春市城市建设投资有限公司"
    assert window.statusBar().currentMessage() == f"已导出 1 个项目到 {target}"


# --- planning -----------------------------------------------------------------------------


def _verify(ctx: ServiceContext, enterprise_id: str, on: date) -> None:
    record_verification(ctx, enterprise_id, verified_on=on, method="实地核查",
                        verifiers=["刘晓燕", "金哲"],
                        checks={"office_present": CheckResult("通过")},
                        signatures=signed_verification(["刘晓燕", "金哲"], "实地核查"))


def test_due_list_shows_who_waits_longest(qtbot: QtBot, ctx: ServiceContext, sample: Sample,
                                          open_window: OpenWindow) -> None:
    never = register_firm(ctx, 1, "江苏从未核查建设有限公司")
    old = register_firm(ctx, 2, "江苏去年核查建设有限公司")
    recent = register_firm(ctx, 3, "江苏本月核查建设有限公司")
    _verify(ctx, old, date(2025, 4, 1))
    _verify(ctx, recent, date(2026, 5, 8))
    sample.enterprise("珲春市本地建筑有限公司")
    window = open_window()
    page = enterprises_page(window)
    qtbot.mouseClick(page.switch.buttons["due"], Qt.MouseButton.LeftButton)
    assert page.currentWidget() is page.due
    t = page.due.table
    assert [[t.item(r, c).text() for c in (0, 4, 5)] for r in range(t.rowCount())] == [
        ["江苏从未核查建设有限公司", "从未核查", "—"],
        ["江苏去年核查建设有限公司", "2025-04-01", "412 天"]]
    assert page.due.count_label.text() == "共 2 家"
    assert "超过 365 天" in page.due.caption.text()

    t.setFocus()
    t.setCurrentCell(1, 0)
    qtbot.keyClick(t, Qt.Key.Key_Return)
    assert page.currentWidget() is page.detail
    assert page.detail.enterprise_id == old
    qtbot.keyClick(page.detail, Qt.Key.Key_Escape)
    assert page.currentWidget() is page.due
    assert page.due.switch.buttons["due"].isChecked()
    assert never in page.due.ids() and recent not in page.due.ids()


def test_qualification_list_gives_the_triggers(qtbot: QtBot, ctx: ServiceContext,
                                               open_window: OpenWindow) -> None:
    graded = register_firm(ctx, 1, "江苏信用不合格建设有限公司")
    record_fact(ctx, graded, kind="信用评价", year=2025, value="不合格")
    register_firm(ctx, 2, "江苏守信建设有限公司")
    register_firm(ctx, 3, "江苏无证建设有限公司", licence="", expiry=None)
    window = open_window()
    page = enterprises_page(window)
    window.workspace.go("enterprises", preset="qualification")
    assert page.currentWidget() is page.flags
    t = page.flags.table
    rows = {t.item(r, 0).text(): (t.item(r, 2).text(), t.item(r, 3).text())
            for r in range(t.rowCount())}
    assert rows == {
        "江苏信用不合格建设有限公司": ("年度信用综合评价不合格", "2025年度信用综合评价为“不合格”"),
        "江苏无证建设有限公司": ("未及时办理安全生产许可证", "未登记安全生产许可证")}

    row = next(r for r in range(t.rowCount()) if t.item(r, 0).text().startswith("江苏信用"))
    rect = t.visualItemRect(t.item(row, 0))
    qtbot.mouseClick(t.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(t.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.currentWidget() is page.detail
    assert "年度信用综合评价不合格" in page.detail.qualification.triggers.text()
