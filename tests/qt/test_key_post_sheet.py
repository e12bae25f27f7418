"""Version 3's key posts' sheet on the inspection form: one line per post with the project's
key people filled in, each person's rate as typed, saved once whole and valid (an incomplete or
impossible line is named and kept, never saved), a line removed, 不适用; and on a completed
record the correction made on the sheet itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_inspection_form import ok, open_form, stored

from inspection_support import TEAM, fill, photo_file, sign_all, site
from jjg_desktop.qt.inspections.inspection_dialogs import AmendDialog
from jjg_desktop.qt.inspections.key_post_sheet import KeyPostSheet
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.rules import key_posts
from jjg_desktop.services import drafts, inspections
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.store.models import Finding

if TYPE_CHECKING:
    from conftest import FixedClock, TypeChinese

OpenWindow = Callable[[], MainWindow]


def version_three_inspection(ctx: ServiceContext, store: Store, clock: FixedClock) -> str:
    project = site(store, clock.now).project_id
    inspection_id = inspections.plan(ctx, project, method="专项", planned_on=date(2026, 12, 7),
                                     team=TEAM)
    inspections.start(ctx, inspection_id, place="施工现场")
    return inspection_id


def enter_days(qtbot: QtBot, sheet: KeyPostSheet, line: int, due: str, on_duty: str) -> None:
    person = sheet._lines[line]
    for edit, text in ((person.due, due), (person.on_duty, on_duty)):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, text)
    sheet.flush()


def stored_sheet(store: Store, inspection_id: str) -> str:
    return stored(store, inspection_id).answers.get("SM-02", "")


def sm02_finding(store: Store, inspection_id: str) -> Finding | None:
    with store.db.read() as s:
        return s.query(Finding).filter_by(inspection_id=inspection_id, item_code="SM-02").first()


def test_the_sheet_saves_each_person_once_whole_and_names_what_is_missing(
        qtbot: QtBot, ctx: ServiceContext, store: Store, clock: FixedClock,
        open_window: OpenWindow, type_chinese: TypeChinese) -> None:
    inspection_id = version_three_inspection(ctx, store, clock)
    form = open_form(open_window(), inspection_id)
    row = form.rows["SM-02"]
    sheet = row.sheet
    assert sheet is not None and not row.buttons  # no 符合/不符合 for a sheet
    lines = [p.line() for p in sheet._lines]
    assert [(line.post, line.name) for line in lines] == [
        ("项目负责人", "张立新"), ("专职安全员", ""), ("总监理工程师", "李明"),
        ("安全监理工程师", "")]
    assert sheet.month.text() == "2026年4月"  # the last full month before today (2026-05-18)

    form.rows["SM-01"].buttons["符合"].click()  # the project has a real-name system
    enter_days(qtbot, sheet, 0, "22", "21")
    enter_days(qtbot, sheet, 2, "22", "15")
    saved = key_posts.parse(form.detail.item("SM-02"), stored_sheet(store, inspection_id))
    assert saved.month == "2026-04"
    assert [(p.post, p.name, p.due, p.on_duty) for p in saved.people] == [
        ("项目负责人", "张立新", 22, 21), ("总监理工程师", "李明", 22, 15)]
    assert sheet._lines[2].rate.text() == "68.2%"
    assert sheet._lines[2].rate.property("tone") == "error"
    assert sheet._lines[0].rate.property("tone") == "hint"
    finding = sm02_finding(store, inspection_id)
    assert finding is not None and finding.responsible_role == "监理单位"
    assert "总监理工程师李明 在岗15天/应在岗22天（68.2%）" in finding.problem
    assert "未填写岗位：专职安全员、安全监理工程师" in sheet.status.text()
    assert "总监理工程师李明" in form.real_name.text()
    # people's names are shown as typed, never as markup
    assert sheet.status.textFormat() == form.real_name.textFormat() == Qt.TextFormat.PlainText

    # a name without days is named and kept, not saved, and a reload does not wipe it
    type_chinese(sheet._lines[1].name, "王强")
    sheet._edited()
    sheet.flush()
    assert sheet.status.text().startswith("第 2 行（专职安全员）尚未填完")
    form.reload()
    assert sheet._lines[1].name.text() == "王强"
    assert len(key_posts.parse(form.detail.item("SM-02"),
                               stored_sheet(store, inspection_id)).people) == 2
    # more days on duty than due: refused before it reaches the record
    enter_days(qtbot, sheet, 1, "22", "23")
    assert sheet.status.text() == \
        "第 2 行（专职安全员王强）：在岗天数应为 0 到 22（应在岗天数）之间的整数"
    enter_days(qtbot, sheet, 1, "22", "10")
    people = key_posts.parse(form.detail.item("SM-02"), stored_sheet(store, inspection_id)).people
    assert [p.name for p in people] == ["张立新", "王强", "李明"]
    finding = sm02_finding(store, inspection_id)
    assert finding is not None and finding.responsible_role == "施工单位"

    # a line removed saves at once
    sheet._lines[2].remove.click()
    people = key_posts.parse(form.detail.item("SM-02"), stored_sheet(store, inspection_id)).people
    assert [p.name for p in people] == ["张立新", "王强"]

    sheet.not_applicable.click()
    assert stored_sheet(store, inspection_id) == "不适用"
    finding = sm02_finding(store, inspection_id)
    assert finding is not None and finding.status == "withdrawn"


def test_a_completed_sheet_is_corrected_on_the_sheet_with_the_original_kept(
        qtbot: QtBot, ctx: ServiceContext, store: Store, clock: FixedClock,
        open_window: OpenWindow, type_chinese: TypeChinese, tmp_path) -> None:
    inspection_id = version_three_inspection(ctx, store, clock)
    original = key_posts.encode("2026-04", [("项目负责人", "张立新", 22, 15),
                                            ("总监理工程师", "李明", 22, 20)])
    fill(ctx, inspection_id, photo_file(tmp_path / "p.jpg"), {"SM-02": (original, "")})
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, "检查完毕。")
    form = open_form(open_window(), inspection_id)
    assert form.rows["SM-02"].sheet is not None
    assert form.rows["SM-02"].sheet._lines[0].name.isReadOnly()  # locked with the record

    form.amend()
    dialog = form.dialog
    assert isinstance(dialog, AmendDialog)
    dialog.target.setCurrentIndex(dialog.target.findData("SM-02"))
    assert dialog.sheet is not None and dialog.current.text() == "2026年4月 2人，最低 68.2%"
    assert not dialog.new_value.isVisible()
    type_chinese(dialog.reason, "复核实名制平台考勤记录")
    enter_days(qtbot, dialog.sheet, 0, "22", "25")  # impossible: refused in the dialog
    ok(dialog)
    assert dialog.isVisible() and "在岗天数应为 0 到 22" in dialog.message.text()
    assert stored(store, inspection_id).amendments == ()
    # the platform's figures were re-read: 张立新 was on duty 18 days, not 15
    enter_days(qtbot, dialog.sheet, 0, "22", "18")
    ok(dialog)
    assert not dialog.isVisible()
    after = stored(store, inspection_id)
    assert after.answers["SM-02"] != original
    [amendment] = after.amendments
    # the correction reads as the line that changed, not a summary that may not move
    assert (amendment.old_value, amendment.new_value) == (
        "2026年4月：项目负责人张立新 在岗15天/应在岗22天（68.2%）",
        "2026年4月：项目负责人张立新 在岗18天/应在岗22天（81.8%）")
    assert next(i for i in after.items if i.code == "SM-02").original_value == original
    finding = sm02_finding(store, inspection_id)
    assert finding is not None and finding.status == "withdrawn"  # nobody short any more


def test_a_sheet_not_yet_whole_stays_with_its_record_as_a_draft(
        qtbot: QtBot, ctx: ServiceContext, store: Store, clock: FixedClock,
        open_window: OpenWindow, type_chinese: TypeChinese) -> None:
    """Lines typed but not whole are kept on this machine for their record: opening another
    record shows that record's sheet (not the lines typed for the first), reopening the
    first — even in a new window, as after the laptop died — puts them back, and the draft
    is gone once the sheet is saved."""
    first = version_three_inspection(ctx, store, clock)
    project = stored(store, first).project_id
    second = inspections.plan(ctx, project, method="专项", planned_on=date(2026, 12, 7),
                              team=TEAM)
    inspections.start(ctx, second, place="施工现场")
    window = open_window()
    form = open_form(window, first)
    sheet = form.rows["SM-02"].sheet
    assert sheet is not None
    type_chinese(sheet._lines[1].name, "王强")
    sheet._edited()
    sheet.flush()
    draft = drafts.load_draft(store, inspections.SHEET_DRAFT, first)
    assert draft is not None and draft["lines"][1] == ["专职安全员", "王强", "", ""]

    form = open_form(window, second)
    qtbot.waitUntil(lambda: form.detail is not None and form.detail.id == second)
    assert [p.line().name for p in sheet._lines] == ["张立新", "", "李明", ""]
    assert stored_sheet(store, second) == ""
    assert drafts.load_draft(store, inspections.SHEET_DRAFT, second) is None

    later = open_form(open_window(), first)  # a new window: the laptop was restarted
    again = later.rows["SM-02"].sheet
    assert again is not None
    assert [p.line().name for p in again._lines] == ["张立新", "王强", "李明", ""]
    assert again.status.text().startswith("已恢复上次未填完的在岗情况")
    enter_days(qtbot, again, 0, "22", "20")
    enter_days(qtbot, again, 1, "22", "19")
    enter_days(qtbot, again, 2, "22", "21")
    assert stored_sheet(store, first) != ""
    assert [p.name for p in key_posts.parse(later.detail.item("SM-02"),
                                            stored_sheet(store, first)).people] == [
        "张立新", "王强", "李明"]
    assert drafts.load_draft(store, inspections.SHEET_DRAFT, first) is None


def test_an_unreadable_sheet_draft_is_dropped_and_the_sheet_starts_afresh(
        ctx: ServiceContext, store: Store, clock: FixedClock, open_window: OpenWindow) -> None:
    inspection_id = version_three_inspection(ctx, store, clock)
    drafts.save_draft(store, inspections.SHEET_DRAFT, inspection_id,
                      {"month": "十一月", "lines": [["项目负责人", "张立新", "22", "20"]]})
    form = open_form(open_window(), inspection_id)
    sheet = form.rows["SM-02"].sheet
    assert sheet is not None
    assert [p.line().name for p in sheet._lines] == ["张立新", "", "李明", ""]
    assert not sheet.status.text().startswith("已恢复")
    assert drafts.load_draft(store, inspections.SHEET_DRAFT, inspection_id) is None
