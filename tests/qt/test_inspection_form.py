"""The inspection form, in the real window: a whole spot check from the draw to the printed
record; answers saved at once; refused completion lists what is missing; amendments keep the
original; a re-inspection closes a finding; keyboard answering; 工作台 lists."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QPushButton, QWidget
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot
from test_draw_ui import credit_code_of, draw_one
from test_verification_ui import drag

from jjg_desktop.qt.dashboard.dashboard import Dashboard
from jjg_desktop.qt.inspections.draw_dialog import DrawDialog
from jjg_desktop.qt.inspections.inspection_dialogs import AmendDialog, NoticeDialog, StartDialog
from jjg_desktop.qt.inspections.inspection_form import InspectionForm
from jjg_desktop.qt.inspections.inspection_page import InspectionPage
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.rules.draw import DrawParams
from jjg_desktop.services import draws, inspections
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.store.models import Inspection
from jjg_desktop.store.read.inspections import InspectionDetail, inspection_detail

if TYPE_CHECKING:
    from conftest import FixedClock, Sample, TypeChinese

OpenWindow = Callable[[], MainWindow]
NONCOMPLIANT_ITEMS = {"JS-02", "SG-03"}


def jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "#7a5c3a").save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def stored(store: Store, inspection_id: str) -> InspectionDetail:
    with store.db.read() as session:
        found = inspection_detail(session, inspection_id)
    assert found is not None
    return found


def ok(dialog: QWidget | None) -> None:
    assert dialog is not None and dialog.isVisible()
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def drawn_inspection(ctx: ServiceContext, sample: Sample) -> str:
    contractor = sample.enterprise("珲春市鑫源建筑工程有限公司")
    sample.project("珲春市第一中学教学楼新建工程", parties={"施工单位": contractor})
    draws.add_pool_member(ctx, kind="干部", name="刘晓燕", enforcement_cert_no="吉建执2204001",
                          username="clerk01")
    draws.add_pool_member(ctx, kind="专家", name="孙海波", specialty="工程造价")
    draw_id = draws.make_draw(ctx, DrawParams(projects=1), seed="0" * 32)
    with ctx.store.db.read() as session:
        found = session.query(Inspection.id).filter(Inspection.draw_id == draw_id).scalar()
    assert found is not None
    return str(found)


def answer_all(ctx: ServiceContext, inspection_id: str, noncompliant: set[str],
               store: Store, photo: Path) -> None:
    for item in stored(store, inspection_id).items:
        value = {"number": "92", "text": "无"}.get(item.answer_type, "符合")
        if item.answer_type == "photo":
            value = "不适用"
        if item.code in noncompliant:
            value = "不符合"
        inspections.answer(ctx, inspection_id, item.code, value)
    del photo


def sign_all(ctx: ServiceContext, inspection_id: str, store: Store) -> None:
    png = _png()
    inspections.sign(ctx, inspection_id, signer_role="受检单位代表", signer_name="张伟", png=png)
    for member in stored(store, inspection_id).team:
        inspections.sign(ctx, inspection_id, signer_role="检查人员", signer_name=member.name,
                         png=png)


def _png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    for x in range(20, 180):
        image.putpixel((x, 40), (16, 32, 74, 255))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def completed_inspection(ctx: ServiceContext, sample: Sample, store: Store,
                         tmp_path: Path) -> str:
    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    answer_all(ctx, inspection_id, NONCOMPLIANT_ITEMS, store, tmp_path)
    sign_all(ctx, inspection_id, store)
    inspections.complete(ctx, inspection_id, conclusion="存在问题，限期整改。")
    return inspection_id


def open_form(window: MainWindow, inspection_id: str) -> InspectionForm:
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    window.workspace.go("inspections", inspection_id, preset="form")
    assert page.currentWidget() is page.form
    return page.form


# --- the whole walk ------------------------------------------------------------------------


def test_a_whole_spot_check_from_draw_to_printed_record(
        qtbot: QtBot, monkeypatch: MonkeyPatch, sample: Sample, store: Store,
        open_window: OpenWindow, type_chinese: TypeChinese, tmp_path: Path) -> None:
    contractor = sample.enterprise("珲春市鑫源建筑工程有限公司")
    sample.project("珲春市第一中学教学楼新建工程", parties={"施工单位": contractor})
    window = open_window()
    dialog: DrawDialog = draw_one(qtbot, window, type_chinese, credit_code_of(store, contractor))
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    form = page.form
    inspection_id = form.inspection_id
    assert form.detail is not None and form.detail.sealed

    # 开始检查 on site
    qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    assert isinstance(form.dialog, StartDialog)
    ok(form.dialog)  # the project has no address on file: the place is asked for
    assert form.dialog.isVisible() and form.dialog.message.text() == "请填写检查地点"
    type_chinese(form.dialog.place, "珲春市新安街道学府路")
    ok(form.dialog)
    assert stored(store, inspection_id).status == "in_progress"
    assert form.complete_button.isVisible() and not form.start_button.isVisible()

    # every item: the attendance rate under 80 %, two 不符合, the photo item with a photo
    photo = jpeg(tmp_path / "工资公示牌.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a, **_k: ([str(photo)], "")))
    for code, row in form.rows.items():
        form.scroll.ensureWidgetVisible(row)
        if row.answer_type == "number":
            row.number.setFocus()  # type: ignore[union-attr]
            qtbot.keyClicks(row.number, "72")
            qtbot.keyClick(row.number, Qt.Key.Key_Return)
        elif row.answer_type == "text":
            type_chinese(row.text_answer, "无")  # type: ignore[arg-type]
            qtbot.keyClick(row.text_answer, Qt.Key.Key_Return)
        elif code == "XM-04":
            qtbot.mouseClick(row.buttons["不适用"], Qt.MouseButton.LeftButton)
        else:
            value = "不符合" if code in NONCOMPLIANT_ITEMS else "符合"
            qtbot.mouseClick(form.rows[code].buttons[value], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.rows["SM-08"].photo_button, Qt.MouseButton.LeftButton)
    assert form.rows["SM-08"].photos.count() == 1
    detail = stored(store, inspection_id)
    assert detail.progress.answered == detail.progress.total
    assert "打卡率 72%" in form.real_name.text() and "扣" in form.real_name.text()
    assert form.progress.text() == f"已填 {detail.progress.total}/{detail.progress.total}，不符合 3"
    assert {f.item_code for f in detail.findings} == NONCOMPLIANT_ITEMS | {"SM-02"}
    assert len(form.findings.rows) == 3

    # a finding's requirement edited in place
    finding = next(f for f in detail.findings if f.item_code == "JS-02")
    line = form.findings.rows[finding.id].lines["requirement"]
    line.clear()
    type_chinese(line, "立即停止违法发包行为")
    line.flush()
    assert {f.id: f.requirement for f in stored(store, inspection_id).findings}[finding.id] \
        == "立即停止违法发包行为"

    # conclusion and signatures (the party, then each inspector; a mouse stroke on the pad)
    type_chinese(form.conclusion, "发现问题三项，责令限期整改。")
    form.conclusion.flush()
    sig = form.signatures
    form.scroll.ensureWidgetVisible(sig.pad)
    type_chinese(sig.party_name, "张伟")
    drag(qtbot, sig.pad.canvas)
    qtbot.mouseClick(sig.confirm_button, Qt.MouseButton.LeftButton)
    for _member in stored(store, inspection_id).team:
        drag(qtbot, sig.pad.canvas)
        qtbot.mouseClick(sig.confirm_button, Qt.MouseButton.LeftButton)
    signed = {(s.role, s.name) for s in stored(store, inspection_id).signatures}
    assert ("受检单位代表", "张伟") in signed
    assert {n for r, n in signed if r == "检查人员"} == {"刘晓燕", "孙海波"}

    # 完成检查: locked
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    done = stored(store, inspection_id)
    assert done.status == "completed" and done.completion_problems == ()
    assert not form.complete_button.isVisible() and form.amend_button.isVisible()
    assert not form.rows["JS-01"].buttons["符合"].isEnabled()
    assert form.rows["JS-01"].remark.isReadOnly()
    assert not form.signatures.signing.isVisible()

    # 签发整改通知书 (its number shown), then print the record and the notice
    qtbot.mouseClick(form.notice_button, Qt.MouseButton.LeftButton)
    assert isinstance(form.dialog, NoticeDialog)
    ok(form.dialog)
    issued = stored(store, inspection_id).notices
    # the findings are the client's and the contractor's: one notice to each
    assert len(issued) == 2
    units = [{f.enterprise or f.responsible_role for f in stored(store, inspection_id).findings
              if f.id in n.finding_ids} for n in issued]
    assert all(len(u) == 1 for u in units) and units[0] != units[1]
    assert "每个责任单位一份" in window.statusBar().currentMessage()
    assert all(n.number in form.notice_line.text() for n in issued)

    qtbot.mouseClick(form.print_button, Qt.MouseButton.LeftButton)
    preview = form.preview
    assert preview is not None and preview.isVisible()
    assert preview.document.pageCount() >= 2
    preview.close()
    qtbot.mouseClick(form.print_notice_button, Qt.MouseButton.LeftButton)
    assert form.preview is not None and form.preview is not preview
    assert form.preview.document.pageCount() >= 1
    form.preview.close()


# --- pieces --------------------------------------------------------------------------------


def test_an_answer_is_saved_at_the_click(qtbot: QtBot, ctx: ServiceContext, sample: Sample,
                                          store: Store, open_window: OpenWindow) -> None:
    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    form = open_form(open_window(), inspection_id)
    qtbot.mouseClick(form.rows["JS-03"].buttons["不符合"], Qt.MouseButton.LeftButton)
    detail = stored(store, inspection_id)
    assert detail.answers["JS-03"] == "不符合"
    assert [f.item_code for f in detail.findings] == ["JS-03"]
    assert form.rows["JS-03"].property("finding") is True
    assert form.progress.text() == f"已填 1/{detail.progress.total}，不符合 1"
    qtbot.mouseClick(form.rows["JS-03"].buttons["符合"], Qt.MouseButton.LeftButton)
    assert stored(store, inspection_id).findings == ()
    assert not form.findings.rows


def test_a_remark_is_saved_on_leaving_the_field(qtbot: QtBot, ctx: ServiceContext,
                                                sample: Sample, store: Store,
                                                open_window: OpenWindow,
                                                type_chinese: TypeChinese) -> None:
    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    form = open_form(open_window(), inspection_id)
    remark = form.rows["SG-05"].remark
    type_chinese(remark, "项目负责人不在岗")
    assert "SG-05" not in {i.code for i in stored(store, inspection_id).items if i.remark}
    form.rows["SG-06"].setFocus()
    assert {i.code: i.remark for i in stored(store, inspection_id).items}["SG-05"] \
        == "项目负责人不在岗"


def test_a_planned_inspection_cannot_be_answered_until_started(
        qtbot: QtBot, ctx: ServiceContext, sample: Sample, open_window: OpenWindow) -> None:
    inspection_id = drawn_inspection(ctx, sample)
    form = open_form(open_window(), inspection_id)
    assert form.start_button.isVisible()
    assert not form.rows["JS-01"].buttons["符合"].isEnabled()
    assert not form.signatures_group.isVisible()


def test_a_refused_completion_lists_what_is_missing(qtbot: QtBot, ctx: ServiceContext,
                                                     sample: Sample, store: Store,
                                                     open_window: OpenWindow) -> None:
    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    inspections.answer(ctx, inspection_id, "JS-01", "符合")
    form = open_form(open_window(), inspection_id)
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert stored(store, inspection_id).status == "in_progress"
    text = form.problems.text()
    assert form.problems.isVisible()
    assert "还不能完成检查" in text
    assert "项未填写（已填 1/" in text
    assert "请填写检查结论" in text
    assert "受检单位代表尚未签名" in text
    assert "检查人员尚未签名：刘晓燕、孙海波" in text
    # the list follows the record as it is filled in
    qtbot.mouseClick(form.rows["JS-02"].buttons["符合"], Qt.MouseButton.LeftButton)
    assert "已填 2/" in form.problems.text()


def test_a_corrupt_photo_is_refused_in_chinese(qtbot: QtBot, monkeypatch: MonkeyPatch,
                                               ctx: ServiceContext, sample: Sample, store: Store,
                                               open_window: OpenWindow, tmp_path: Path) -> None:
    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    broken = tmp_path / "坏照片.jpg"
    broken.write_bytes(b"not a jpeg at all")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a, **_k: ([str(broken)], "")))
    form = open_form(open_window(), inspection_id)
    row = form.rows["SM-08"]
    qtbot.mouseClick(row.photo_button, Qt.MouseButton.LeftButton)
    assert row.message.isVisible() and "坏照片.jpg 未添加：" in row.message.text()
    assert row.photos.count() == 0
    assert not stored(store, inspection_id).items[0].photos


def test_amending_a_completed_record_keeps_the_original(
        qtbot: QtBot, ctx: ServiceContext, sample: Sample, store: Store,
        open_window: OpenWindow, type_chinese: TypeChinese, tmp_path: Path) -> None:
    inspection_id = completed_inspection(ctx, sample, store, tmp_path)
    form = open_form(open_window(), inspection_id)
    qtbot.mouseClick(form.amend_button, Qt.MouseButton.LeftButton)
    dialog = form.dialog
    assert isinstance(dialog, AmendDialog)
    dialog.target.setCurrentIndex(dialog.target.findData("JS-02"))
    assert dialog.current.text() == "不符合"
    dialog.new_value.setCurrentText("符合")
    ok(dialog)  # no reason: refused, the dialog stays
    assert dialog.isVisible() and dialog.message.text() == "更正须说明理由"
    type_chinese(dialog.reason, "现场核实施工许可证已办理，原记录有误")
    ok(dialog)
    assert not dialog.isVisible()
    detail = stored(store, inspection_id)
    item = next(i for i in detail.items if i.code == "JS-02")
    assert (item.value, item.original_value) == ("符合", "不符合")
    assert detail.amendments[0].reason == "现场核实施工许可证已办理，原记录有误"
    assert "“不符合” → “符合”" in form.amendments.text()
    assert form.amendments_group.isVisible()
    assert form.rows["JS-02"].buttons["符合"].isChecked()


def test_a_reinspection_closes_a_finding(qtbot: QtBot, ctx: ServiceContext, sample: Sample,
                                         store: Store, open_window: OpenWindow,
                                         clock: FixedClock, tmp_path: Path,
                                         type_chinese: TypeChinese) -> None:
    inspection_id = completed_inspection(ctx, sample, store, tmp_path)
    window = open_window()
    form = open_form(window, inspection_id)
    qtbot.mouseClick(form.reinspect_button, Qt.MouseButton.LeftButton)
    re_id = form.inspection_id
    assert re_id != inspection_id
    assert form.detail is not None and form.detail.method == "复查"
    qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    assert isinstance(form.dialog, StartDialog)
    form.dialog.place.setText("Hunchun")
    ok(form.dialog)
    assert form.reviews_group.isVisible()
    assert set(form.reviews.rows) == {f.id for f in stored(store, inspection_id).findings}
    visible = {c for c, r in form.rows.items() if not r.isHidden()}
    assert visible == NONCOMPLIANT_ITEMS
    # each finding is asked once: its item's answer is the review's outcome
    row = next(iter(form.reviews.rows.values()))
    assert not row.findChildren(QPushButton)  # nothing to answer a second time
    assert "请在上方检查项" in row.outcome.text()
    code = next(f.item_code for f in stored(store, inspection_id).findings
                if f.id == row.finding_id)
    previous = next(f.deadline for f in stored(store, inspection_id).findings
                    if f.id == row.finding_id)
    qtbot.mouseClick(form.rows[code].buttons["不符合"], Qt.MouseButton.LeftButton)
    type_chinese(form.rows[code].remark, "仍未整改")
    form.rows[next(c for c in NONCOMPLIANT_ITEMS if c != code)].setFocus()  # leaves the field
    row = form.reviews.rows[row.finding_id]
    assert row.outcome.text().startswith("复查结果：未整改")
    assert row.deadline_row.isVisibleTo(row)
    proposed = row.deadline.date().toPython()
    assert proposed > clock.now.date() and proposed != previous  # a new one, not the old
    later = proposed + timedelta(days=10)
    row.deadline.setDate(later)
    row.deadline.editingFinished.emit()
    [review] = [r for r in stored(store, re_id).reviews if r.finding.id == row.finding_id]
    assert review.new_deadline == later
    for code in NONCOMPLIANT_ITEMS:  # 已整改 for every finding, through its item
        qtbot.mouseClick(form.rows[code].buttons["符合"], Qt.MouseButton.LeftButton)
    labels = {r.outcome.text() for r in form.reviews.rows.values()}
    assert all(label.startswith("复查结果：已整改到位") for label in labels)
    inspections.set_conclusion(ctx, re_id, "已整改到位。")
    sign_all(ctx, re_id, store)
    form.reload()
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert stored(store, re_id).status == "completed"
    statuses = {f.item_code: f.status for f in stored(store, inspection_id).findings}
    assert statuses == {code: "closed" for code in NONCOMPLIANT_ITEMS}


def test_answering_with_the_keyboard(qtbot: QtBot, ctx: ServiceContext, sample: Sample,
                                     store: Store, open_window: OpenWindow) -> None:
    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    form = open_form(open_window(), inspection_id)
    first = form.rows["JS-01"]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_1)
    qtbot.keyClick(first, Qt.Key.Key_Down)
    second = form.rows["JS-02"]
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_N)
    qtbot.keyClick(second, Qt.Key.Key_Down)
    qtbot.keyClick(form.rows["JS-03"], Qt.Key.Key_3)
    qtbot.keyClick(form.rows["JS-03"], Qt.Key.Key_Up)
    assert second.hasFocus()
    # Tab reaches the answer buttons; a key there answers the same item
    second.buttons["符合"].setFocus()
    qtbot.keyClick(second.buttons["符合"], Qt.Key.Key_Y)
    answers = stored(store, inspection_id).answers
    assert answers == {"JS-01": "符合", "JS-02": "符合", "JS-03": "不适用"}


def test_dashboard_shows_an_overdue_rectification(
        qtbot: QtBot, ctx: ServiceContext, sample: Sample, store: Store,
        open_window: OpenWindow, clock: FixedClock, tmp_path: Path) -> None:
    from datetime import timedelta
    clock.now -= timedelta(days=60)  # inspected two months before the window's today
    inspection_id = completed_inspection(ctx, sample, store, tmp_path)
    clock.now += timedelta(days=60)
    sample.project("珲春市人民医院门诊楼改造工程")
    window = open_window()
    dash = window.pages["dashboard"]
    assert isinstance(dash, Dashboard)
    assert dash.overdue.topLevelItemCount() == 2
    first = dash.overdue.topLevelItem(0)
    assert first.text(0) == stored(store, inspection_id).number
    assert "逾期" in first.text(3)
    assert dash.reinspections.topLevelItemCount() == 1
    coverage = [dash.coverage.topLevelItem(n).text(0)
                for n in range(dash.coverage.topLevelItemCount())]
    assert coverage == ["珲春市人民医院门诊楼改造工程"]
    assert "1/2" in dash.coverage_caption.text()
    dash.overdue.setCurrentItem(first)
    qtbot.keyClick(dash.overdue, Qt.Key.Key_Return)
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    assert window.page_key() == "inspections" and page.currentWidget() is page.form
    assert page.form.inspection_id == inspection_id


def test_a_photo_opens_at_full_size_from_its_thumbnail(
        qtbot: QtBot, monkeypatch: MonkeyPatch, ctx: ServiceContext, sample: Sample,
        open_window: OpenWindow, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    inspection_id = drawn_inspection(ctx, sample)
    inspections.start(ctx, inspection_id, place="珲春市新安街道")
    for n, size in enumerate(((1600, 1200), (1200, 1600))):
        path = tmp_path / f"现场{n}.jpg"
        image = QImage(*size, QImage.Format.Format_RGB32)
        image.fill(0x336699 + n)
        assert image.save(str(path), "JPEG")
        inspections.attach_photo(ctx, inspection_id, path, item_code="SM-08")
    form = open_form(open_window(), inspection_id)
    row = form.rows["SM-08"]
    assert row.photos.count() == 2 and row.photos.iconSize().width() <= 88
    first = row.photos.item(0)
    assert not first.icon().isNull()
    qtbot.waitUntil(lambda: row.photos.visualItemRect(first).width() > 0)  # laid out
    rect = row.photos.visualItemRect(first)
    # a double-click: the press of its first click, then the double-click
    qtbot.mousePress(row.photos.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseRelease(row.photos.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(row.photos.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewer = form.viewer
    assert viewer is not None and viewer.isVisible()
    assert viewer.windowTitle() == "SM-08 照片 · 第 1/2 张"
    sizes = {"1600×1200 像素": (1600, 1200), "1200×1600 像素": (1200, 1600)}
    [first_size] = [s for s in sizes if s in viewer.caption.text()]
    shown = viewer.image.pixmap()
    assert max(shown.width(), shown.height()) > 88 * 4  # fitted to the window, not a thumbnail
    qtbot.mouseClick(viewer.actual_button, Qt.MouseButton.LeftButton)
    assert (viewer.image.pixmap().width(), viewer.image.pixmap().height()) == sizes[first_size]
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.keyClick(viewer.focusWidget() or viewer, Qt.Key.Key_Right)
    assert viewer.windowTitle() == "SM-08 照片 · 第 2/2 张"
    [second_size] = [s for s in sizes if s in viewer.caption.text()]
    assert second_size != first_size
    assert not viewer.next_button.isEnabled()
    viewer.accept()
