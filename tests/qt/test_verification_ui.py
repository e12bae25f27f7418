"""动态核查 through the GUI: outcomes, photos, call log, signatures, saving; a failed check
leads to an abnormal-list proposal; the record prints; facts feed the qualification line."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.kit.case_proposal_dialog import CaseProposalDialog
from jjg_desktop.qt.kit.signature_pad import SignatureCanvas, SignaturePad
from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.registry.fact_dialog import FactDialog
from jjg_desktop.qt.registry.verification_form import VerificationForm
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.rules.credit_code import complete
from jjg_desktop.rules.registration import RegistrationInput
from jjg_desktop.rules.verification import CheckResult
from jjg_desktop.services import drafts
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.registry import register
from jjg_desktop.services.verifications import DRAFT_KIND, proposal_draft, record_verification
from jjg_desktop.store.read.cases import case_detail
from jjg_desktop.store.read.planning import (
    VerificationDetail,
    enterprise_verifications,
    verification_detail,
)
from tests_support import signed_verification

if TYPE_CHECKING:
    from conftest import TypeChinese

OpenWindow = Callable[[], MainWindow]
FIRM = "江苏华泰建设工程有限公司"


def register_firm(ctx: ServiceContext) -> str:
    return register(ctx, RegistrationInput(
        credit_code=complete("91320100MA000001"), name=FIRM, home_province="江苏省",
        division_code="222404", registered_on=date(2025, 3, 1),
        office_address="珲春市新安街8号", person_in_charge="陈刚", phone="13904330001",
        safety_licence_no="（苏）JZ安许证字〔2024〕000001",
        safety_licence_expiry=date(2027, 6, 30)))


def jpeg(path: Path, color: str = "#4a7ab5") -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def open_detail(window: MainWindow, enterprise_id: str) -> EnterprisePage:
    window.workspace.go("enterprises", enterprise_id)
    page = window.enterprises
    assert page.currentWidget() is page.detail
    return page


def new_form(qtbot: QtBot, page: EnterprisePage) -> VerificationForm:
    qtbot.mouseClick(page.detail.verifications.new_button, Qt.MouseButton.LeftButton)
    form = page.detail.verifications.form
    assert form is not None and form.isVisible()
    return form


def sign(qtbot: QtBot, form: VerificationForm) -> SignatureCanvas:
    canvas = form.signatures.pad.canvas
    form.scroll.ensureWidgetVisible(canvas)
    drag(qtbot, canvas)
    return canvas


def drag(qtbot: QtBot, canvas: QWidget) -> None:
    """A signature stroke with the mouse: press, move across, release."""
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(30, 90))
    for x, y in ((80, 60), (140, 110), (200, 70), (260, 100)):
        qtbot.mouseMove(canvas, QPoint(x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))


def stored(store: Store, verification_id: str) -> VerificationDetail:
    with store.db.read() as session:
        found = verification_detail(session, verification_id)
    assert found is not None
    return found


def verification_count(store: Store, enterprise_id: str) -> int:
    with store.db.read() as session:
        return len(enterprise_verifications(session, enterprise_id))


def test_signature_pad_draws_a_transparent_png(qtbot: QtBot) -> None:
    pad = SignaturePad("签名")
    qtbot.addWidget(pad)
    pad.show()
    assert pad.is_empty()
    assert not pad.clear_button.isEnabled()
    drag(qtbot, pad.canvas)
    assert not pad.is_empty()
    image = Image.open(io.BytesIO(pad.png_bytes()))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # background stays transparent
    assert image.getchannel("A").getextrema() == (0, 255)  # the ink is opaque
    qtbot.mouseClick(pad.clear_button, Qt.MouseButton.LeftButton)
    assert pad.is_empty()


def test_a_verification_with_evidence_leads_to_a_proposal_and_prints(
        qtbot: QtBot, monkeypatch: MonkeyPatch, type_chinese: TypeChinese,
        ctx: ServiceContext, store: Store, open_window: OpenWindow, tmp_path: Path) -> None:
    firm = register_firm(ctx)
    window = open_window()
    page = open_detail(window, firm)
    assert page.detail.verifications.empty.text() == "尚未核查。"
    form = new_form(qtbot, page)
    assert form.verifiers.names() == ["刘晓燕"]
    type_chinese(form.verifiers.edit, "金哲")
    qtbot.keyClick(form.verifiers.edit, Qt.Key.Key_Return)
    assert form.verifiers.names() == ["刘晓燕", "金哲"]

    checks = form.checks
    checks["registration_true"].outcomes["通过"].click()
    checks["commitments_kept"].outcomes["通过"].click()
    office = checks["office_present"]
    office.outcomes["不通过"].click()
    type_chinese(office.note, "登记地址为空置商铺，无人办公")
    photo = jpeg(tmp_path / "门店.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a, **_k: ([str(photo)], "")))
    qtbot.mouseClick(office.photos.add_button, Qt.MouseButton.LeftButton)
    assert office.photos.list.count() == 1
    assert not office.photos.list.item(0).icon().isNull()

    reach = checks["reachable"]
    reach.outcomes["通过"].click()
    call = form.call_log.add_call()
    assert call.number.text() == "13904330001"
    assert call.at.text().startswith("2026-05-18 ")
    call.answered.click()

    sign(qtbot, form)
    qtbot.mouseClick(form.signatures.confirm_button, Qt.MouseButton.LeftButton)
    assert form.signatures.pad.is_empty()
    assert form.signatures.none_label.isHidden()

    # one signature of three: not final; it stays a draft that can still be signed
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.verification_id is None and verification_count(store, firm) == 0
    assert "核查人员尚未签名：金哲" in form.error.text()
    assert "企业代表尚未签名" in form.error.text()
    assert form.save_button.isEnabled() and form.signatures.pad.isVisible()
    form.write_draft()
    assert drafts.find_draft(store, DRAFT_KIND, firm, now=window.workspace.clock()) is not None

    form.signatures.signer.setCurrentText("金哲")
    sign(qtbot, form)
    qtbot.mouseClick(form.signatures.confirm_button, Qt.MouseButton.LeftButton)
    type_chinese(form.representative, "张立新")
    assert [form.signatures.signer.itemText(i) for i in range(
        form.signatures.signer.count())] == ["刘晓燕", "金哲", "张立新"]
    form.signatures.signer.setCurrentText("张立新")
    sign(qtbot, form)
    qtbot.mouseClick(form.signatures.confirm_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.verification_id is not None, form.error.text()
    assert not form.save_button.isVisible() and not form.signatures.pad.isVisible()
    record = stored(store, form.verification_id)
    assert record.method == "实地核查"
    assert record.verifiers == ["刘晓燕", "金哲"]
    assert record.checks["office_present"]["outcome"] == "不通过"
    assert record.checks["office_present"]["note"] == "登记地址为空置商铺，无人办公"
    assert record.checks["reachable"]["calls"][0]["answered"] is True
    assert [(p.check, p.caption) for p in record.photos] == [("office_present", "固定办公场所")]
    assert sorted((s.role, s.name) for s in record.signatures) == [
        ("企业代表", "张立新"), ("核查人员", "刘晓燕"), ("核查人员", "金哲")]
    assert window.statusBar().currentMessage().startswith(f"已保存 {FIRM} 的动态核查记录")
    assert "不通过：固定办公场所" in form.result_label.text()
    assert page.detail.verifications.table.rowCount() == 1
    assert page.detail.verifications.table.item(0, 3).text() == "不通过：固定办公场所"

    assert form.propose_button.isVisible()
    qtbot.mouseClick(form.propose_button, Qt.MouseButton.LeftButton)
    proposal = form.proposal
    assert isinstance(proposal, CaseProposalDialog) and proposal.isVisible()
    assert proposal.chosen_grounds() == ["没有固定办公场所"]
    assert list(proposal.grounds) == ["信息登记不实", "虚假承诺", "没有固定办公场所", "联系不上"]
    assert proposal.evidence.count() == 2
    assert "固定办公场所不通过：登记地址为空置商铺，无人办公" in proposal.comment.toPlainText()
    qtbot.mouseClick(proposal.submit_button, Qt.MouseButton.LeftButton)
    assert proposal.case_id is not None
    with store.db.read() as session:
        case = case_detail(session, proposal.case_id)
    assert case is not None and case.state == "proposed"
    assert case.grounds == ["没有固定办公场所"]
    assert not form.propose_button.isEnabled()
    assert "已发起异常名录拟列入" in window.statusBar().currentMessage()

    qtbot.mouseClick(form.print_button, Qt.MouseButton.LeftButton)
    assert form.preview is not None and form.preview.isVisible()
    assert form.preview.document.pageCount() > 0
    assert form.preview.path.parent == store.paths.data_dir / "prints"


def test_what_the_service_refuses_is_shown_and_nothing_is_written(
        qtbot: QtBot, type_chinese: TypeChinese, ctx: ServiceContext, store: Store,
        open_window: OpenWindow) -> None:
    firm = register_firm(ctx)
    window = open_window()
    form = new_form(qtbot, open_detail(window, firm))
    form.checks["office_present"].outcomes["不通过"].click()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.error.isVisible()
    assert form.error.text().startswith("未保存：实地核查应由至少两名人员进行；"
                                        "固定办公场所判定为不通过，请写明情况；")
    assert form.verification_id is None and form.save_button.isEnabled()
    assert verification_count(store, firm) == 0

    form.methods["电话核查"].click()
    form.checks["office_present"].outcomes["未核查"].click()
    form.checks["reachable"].outcomes["不通过"].click()
    type_chinese(form.checks["reachable"].note, "三次拨打均无人接听")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.error.text() == ("未保存：电话核查请记录拨打时间和号码；"
                                 "判定联系不上时，通话记录中应有未接通的呼叫；"
                                 "核查人员尚未签名：刘晓燕")
    form.call_log.add_call()
    sign(qtbot, form)  # a call needs no representative: the verifier's signature is enough
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.verification_id is not None
    assert verification_count(store, firm) == 1
    assert form.draft is not None and form.draft.grounds == ["联系不上"]


def test_a_corrupt_photo_is_refused_with_the_reason(
        qtbot: QtBot, ctx: ServiceContext, open_window: OpenWindow, tmp_path: Path) -> None:
    firm = register_firm(ctx)
    form = new_form(qtbot, open_detail(open_window(), firm))
    broken = tmp_path / "坏照片.jpg"
    broken.write_bytes(jpeg(tmp_path / "好.jpg").read_bytes()[:200])
    strip = form.checks["office_present"].photos
    strip.add_files([broken])
    assert strip.list.count() == 0
    assert strip.message.isVisible()
    assert strip.message.text() == ("未添加：照片 坏照片.jpg 已损坏或不完整，无法读取，"
                                    "请重新拍摄或复制")
    strip.add_files([jpeg(tmp_path / "好.jpg")])
    assert strip.list.count() == 1 and not strip.message.isVisible()

    # the thumbnail opens the photo at full size
    entry = strip.list.item(0)
    qtbot.waitUntil(lambda: strip.list.visualItemRect(entry).width() > 0)
    centre = strip.list.visualItemRect(entry).center()
    qtbot.mousePress(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    viewer = strip.viewer
    assert viewer is not None and viewer.isVisible()
    assert viewer.caption.text().startswith("好.jpg")
    viewer.accept()


def test_a_refused_proposal_says_why(qtbot: QtBot, ctx: ServiceContext, store: Store,
                                     open_window: OpenWindow) -> None:
    firm = register_firm(ctx)
    vid = record_verification(ctx, firm, verified_on=date(2026, 5, 10), method="实地核查",
                              verifiers=["刘晓燕", "金哲"],
                              checks={"office_present": CheckResult("不通过", "无人办公")},
                              signatures=signed_verification(["刘晓燕", "金哲"], "实地核查"))
    window = open_window()
    draft = proposal_draft(window.workspace.service(), vid)
    assert draft is not None
    dialog = CaseProposalDialog(window.workspace, draft, window)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.grounds["没有固定办公场所"].setChecked(False)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("未提交：")
    assert "列入事由" in dialog.error.text()
    assert dialog.case_id is None and dialog.isVisible()


def test_printing_a_record_from_the_detail(qtbot: QtBot, ctx: ServiceContext,
                                           open_window: OpenWindow) -> None:
    firm = register_firm(ctx)
    record_verification(ctx, firm, verified_on=date(2026, 4, 2), method="实地核查",
                        verifiers=["刘晓燕", "金哲"],
                        checks={"registration_true": CheckResult("通过")},
                        signatures=signed_verification(["刘晓燕", "金哲"], "实地核查"))
    page = open_detail(open_window(), firm)
    section = page.detail.verifications
    assert section.table.item(0, 0).text() == "2026-04-02"
    assert section.table.item(0, 3).text() == "通过 1 项，未核查 3 项"
    qtbot.mouseClick(section.print_button, Qt.MouseButton.LeftButton)
    assert section.preview is not None and section.preview.document.pageCount() > 0


def test_recording_a_fact_updates_the_qualification_line(
        qtbot: QtBot, ctx: ServiceContext, open_window: OpenWindow) -> None:
    firm = register_firm(ctx)
    page = open_detail(open_window(), firm)
    box = page.detail.qualification
    assert box.triggers.text().startswith("资质核查提示：无")
    qtbot.mouseClick(box.record_button, Qt.MouseButton.LeftButton)
    dialog = box.dialog
    assert isinstance(dialog, FactDialog) and dialog.isVisible()
    dialog.set_kind("年度产值")
    assert dialog.value.isVisibleTo(dialog) and not dialog.grade.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.value, "abc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "未保存：年度产值应为数字（万元），当前为“abc”"

    dialog.set_kind("信用评价")
    dialog.year.setValue(2025)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("未保存：信用评价等级应为：")
    dialog.grade.setCurrentText("不合格")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert box.triggers.text() == (
        "资质核查提示：年度信用综合评价不合格（2025年度信用综合评价为“不合格”）")
    assert "2025年度 信用评价 不合格" in box.facts.text()


def test_closing_a_filled_form_asks_before_discarding(
        qtbot: QtBot, monkeypatch: MonkeyPatch, ctx: ServiceContext, store: Store,
        open_window: OpenWindow) -> None:
    firm = register_firm(ctx)
    form = new_form(qtbot, open_detail(open_window(), firm))
    form.checks["registration_true"].outcomes["通过"].click()
    asked: list[str] = []

    def answer(choice: QMessageBox.StandardButton) -> None:
        def ask(_parent: QWidget, title: str, *_args: object) -> QMessageBox.StandardButton:
            asked.append(title)
            return choice
        monkeypatch.setattr(QMessageBox, "question", staticmethod(ask))

    answer(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert asked == ["放弃这次核查"] and form.isVisible()
    answer(QMessageBox.StandardButton.Discard)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert verification_count(store, firm) == 0


def test_a_failed_verification_is_proposed_later_from_the_enterprise_page(
        qtbot: QtBot, ctx: ServiceContext, store: Store, open_window: OpenWindow) -> None:
    firm = register_firm(ctx)
    record_verification(ctx, firm, verified_on=date(2026, 4, 2), method="实地核查",
                        verifiers=["刘晓燕", "金哲"],
                        checks={"office_present": CheckResult("通过")},
                        signatures=signed_verification(["刘晓燕", "金哲"], "实地核查"))
    record_verification(ctx, firm, verified_on=date(2026, 5, 10), method="实地核查",
                        verifiers=["刘晓燕", "金哲"],
                        checks={"office_present": CheckResult("不通过", "无人办公")},
                        signatures=signed_verification(["刘晓燕", "金哲"], "实地核查"))
    section = open_detail(open_window(), firm).detail.verifications
    assert section.table.item(0, 0).text() == "2026-05-10"
    assert section.propose_button.isVisible() and section.propose_button.isEnabled()
    section.table.setCurrentCell(1, 0)  # the visit that passed: nothing to propose
    assert not section.propose_button.isEnabled()
    section.table.setCurrentCell(0, 0)
    qtbot.mouseClick(section.propose_button, Qt.MouseButton.LeftButton)
    proposal = section.proposal
    assert isinstance(proposal, CaseProposalDialog) and proposal.isVisible()
    assert proposal.chosen_grounds() == ["没有固定办公场所"]
    qtbot.mouseClick(proposal.submit_button, Qt.MouseButton.LeftButton)
    assert proposal.case_id is not None
    with store.db.read() as session:
        from jjg_desktop.store.models import AbnormalCase

        assert session.get_one(AbnormalCase, proposal.case_id).state == "proposed"
