"""A verification being filled in survives the laptop dying: the form keeps a local draft half a
second after each change, puts it back when opened again, and forgets it once saved or given
up."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot
from test_verification_ui import (
    drag,
    jpeg,
    new_form,
    open_detail,
    register_firm,
    sign,
    stored,
    verification_count,
)

from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.registry.verification_form import DRAFT_KIND, VerificationForm
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.drafts import load_draft

if TYPE_CHECKING:
    from conftest import TypeChinese

OpenWindow = Callable[[], MainWindow]
Button = QMessageBox.StandardButton
RESTORED = re.compile(r"^已恢复上次未保存的核查记录（\d{4}-\d\d-\d\d \d\d:\d\d）$")


def draft(store: Store, firm: str) -> dict[str, Any] | None:
    return load_draft(store, DRAFT_KIND, firm)


def answer_questions(monkeypatch: MonkeyPatch, choice: Button) -> list[str]:
    """Every QMessageBox.question is answered `choice`; returns the titles asked."""
    asked: list[str] = []

    def ask(_parent: QWidget, title: str, *_args: object) -> Button:
        asked.append(title)
        return choice
    monkeypatch.setattr(QMessageBox, "question", staticmethod(ask))
    return asked


def reopen(qtbot: QtBot, page: EnterprisePage, old: VerificationForm) -> VerificationForm:
    """新建核查… again: the section throws the old form away (deleteLater: no close, no hide)."""
    page.detail.verifications.new_button.click()
    form = page.detail.verifications.form
    assert form is not None and form is not old and form.isVisible()
    qtbot.waitUntil(lambda: not shiboken6.isValid(old))
    return form


def fill(qtbot: QtBot, form: VerificationForm, type_chinese: TypeChinese,
         monkeypatch: MonkeyPatch, photo: Path) -> None:
    form.date.setDate(QDate(2026, 5, 16))
    type_chinese(form.verifiers.edit, "金哲")
    qtbot.keyClick(form.verifiers.edit, Qt.Key.Key_Return)
    form.checks["registration_true"].outcomes["通过"].click()
    office = form.checks["office_present"]
    office.outcomes["不通过"].click()
    type_chinese(office.note, "登记地址为空置商铺，无人办公")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a, **_k: ([str(photo)], "")))
    qtbot.mouseClick(office.photos.add_button, Qt.MouseButton.LeftButton)
    form.checks["reachable"].outcomes["通过"].click()
    call = form.call_log.add_call()
    call.answered.click()
    type_chinese(call.note, "对方称仍在珲春施工")
    type_chinese(form.notes, "企业负责人陈刚在场")
    sign(qtbot, form)  # 刘晓燕 signs and confirms …
    qtbot.mouseClick(form.signatures.confirm_button, Qt.MouseButton.LeftButton)
    assert form.signatures.signer.currentText() == "金哲"
    drag(qtbot, form.signatures.pad.canvas)  # … 金哲 has signed, not yet confirmed


def test_a_form_thrown_away_without_closing_comes_back_whole_and_saves(
        qtbot: QtBot, monkeypatch: MonkeyPatch, type_chinese: TypeChinese,
        ctx: ServiceContext, store: Store, open_window: OpenWindow, tmp_path: Path) -> None:
    firm = register_firm(ctx)
    page = open_detail(open_window(), firm)
    first = new_form(qtbot, page)
    assert not first.draft_bar.isVisible()
    photo = jpeg(tmp_path / "门店.jpg")
    fill(qtbot, first, type_chinese, monkeypatch, photo)
    qtbot.waitUntil(lambda: (d := draft(store, firm)) is not None and bool(d["ink"]),
                    timeout=2000)
    before = first.draft_state()
    signed = {s.name: s.png for s in first.signatures.confirmed()}
    ink = first.signatures.pad.strokes()

    form = reopen(qtbot, page, first)  # the laptop died; the form is opened again
    assert form.draft_bar.isVisible()
    assert RESTORED.match(form.draft_label.text())
    assert form.verified_on().isoformat() == "2026-05-16"
    assert form.methods["实地核查"].isChecked()
    assert form.verifiers.names() == ["刘晓燕", "金哲"]
    checks = form.checks
    assert checks["registration_true"].outcomes["通过"].isChecked()
    assert checks["commitments_kept"].outcomes["未核查"].isChecked()
    office = checks["office_present"]
    assert office.outcomes["不通过"].isChecked()
    assert office.note.toPlainText() == "登记地址为空置商铺，无人办公"
    assert office.photos.paths() == [photo]
    assert not office.photos.list.item(0).icon().isNull()
    assert checks["reachable"].outcomes["通过"].isChecked()
    [call] = form.call_log.rows
    assert call.at.text().startswith("2026-05-16 ")
    assert call.number.text() == "13904330001"
    assert call.answered.isChecked() and call.note.text() == "对方称仍在珲春施工"
    assert form.notes.toPlainText() == "企业负责人陈刚在场"
    assert {s.name: s.png for s in form.signatures.confirmed()} == signed
    assert form.signatures.none_label.isHidden()
    assert form.signatures.signer.currentText() == "金哲"
    assert form.signatures.pad.strokes() == ink and form.signatures.confirm_button.isEnabled()
    assert form.draft_state() == before

    qtbot.mouseClick(form.signatures.confirm_button, Qt.MouseButton.LeftButton)  # 金哲's ink
    type_chinese(form.representative, "陈刚")  # the enterprise's representative signs too
    form.signatures.signer.setCurrentText("陈刚")
    drag(qtbot, form.signatures.pad.canvas)
    type_chinese(form.notes, "，已拍照")  # saved at once, before the draft catches up
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.verification_id is not None and not form.draft_bar.isVisible()
    record = stored(store, form.verification_id)
    assert record.verified_on.isoformat() == "2026-05-16"
    assert record.verifiers == ["刘晓燕", "金哲"]
    assert record.notes == "企业负责人陈刚在场，已拍照"
    assert record.checks["office_present"]["note"] == "登记地址为空置商铺，无人办公"
    assert record.checks["reachable"]["calls"][0]["note"] == "对方称仍在珲春施工"
    assert [p.check for p in record.photos] == ["office_present"]
    assert sorted((s.role, s.name) for s in record.signatures) == [
        ("企业代表", "陈刚"), ("核查人员", "刘晓燕"), ("核查人员", "金哲")]
    qtbot.wait(700)  # past the debounce: nothing brings the draft back
    assert draft(store, firm) is None

    qtbot.keyClick(form, Qt.Key.Key_Escape)
    form = reopen(qtbot, page, form)
    assert not form.draft_bar.isVisible() and not form.has_input()
    assert verification_count(store, firm) == 1


def test_closing_keeps_the_draft_and_giving_it_up_clears_it(
        qtbot: QtBot, monkeypatch: MonkeyPatch, type_chinese: TypeChinese,
        ctx: ServiceContext, store: Store, open_window: OpenWindow, tmp_path: Path) -> None:
    firm = register_firm(ctx)
    page = open_detail(open_window(), firm)
    form = new_form(qtbot, page)
    fill(qtbot, form, type_chinese, monkeypatch, jpeg(tmp_path / "门店.jpg"))
    type_chinese(form.checks["commitments_kept"].note, "承诺")
    asked = answer_questions(monkeypatch, Button.Close)
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # closed at once: written on hiding, no wait
    assert asked == ["放弃这次核查"] and not form.isVisible()
    saved = draft(store, firm)
    assert saved is not None and saved["checks"]["commitments_kept"]["note"] == "承诺"

    form = reopen(qtbot, page, form)
    assert form.draft_bar.isVisible()
    assert form.checks["commitments_kept"].note.toPlainText() == "承诺"
    asked = answer_questions(monkeypatch, Button.Cancel)
    qtbot.mouseClick(form.discard_draft_button, Qt.MouseButton.LeftButton)
    assert asked == ["放弃草稿"] and form.draft_bar.isVisible()
    assert draft(store, firm) is not None

    answer_questions(monkeypatch, Button.Discard)
    qtbot.mouseClick(form.discard_draft_button, Qt.MouseButton.LeftButton)
    assert not form.draft_bar.isVisible()
    assert draft(store, firm) is None
    assert not form.has_input()
    assert form.verifiers.names() == ["刘晓燕"]
    assert form.checks["office_present"].outcomes["未核查"].isChecked()
    assert form.checks["office_present"].photos.paths() == []
    assert form.call_log.rows == [] and form.notes.toPlainText() == ""
    assert form.signatures.confirmed() == [] and form.signatures.pad.is_empty()
    qtbot.wait(700)
    assert draft(store, firm) is None

    type_chinese(form.notes, "重新填写")  # a new draft begins …
    qtbot.waitUntil(lambda: draft(store, firm) is not None, timeout=2000)
    asked = answer_questions(monkeypatch, Button.Discard)
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # … and 丢弃 on closing forgets it
    assert asked == ["放弃这次核查"] and not form.isVisible()
    assert draft(store, firm) is None
    form = reopen(qtbot, page, form)
    assert not form.draft_bar.isVisible() and not form.has_input()
    assert verification_count(store, firm) == 0
