"""设置…: the saved settings shown, refused values explained beside their field with the
dialog left open, good ones saved; the print dialog starts from the chosen printer defaults;
the whole profile exported and imported from the data section."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.kit import print_defaults
from jjg_desktop.qt.kit.print_defaults import configured_printer, print_options
from jjg_desktop.qt.settings.settings_dialog import SettingsDialog
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.settings import Settings, load_settings, save_settings, settings_path
from jjg_desktop.store.backups import BEFORE_IMPORT, list_backups
from qt_support import when_shown

PRINTERS = ["办公室 HP LaserJet", "财务室 Canon"]
OK = Qt.MouseButton.LeftButton


def _dialog(qtbot: QtBot, **kwargs: object) -> SettingsDialog:
    dialog = SettingsDialog(printers=PRINTERS, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _ok(qtbot: QtBot, dialog: SettingsDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), OK)


def test_the_dialog_shows_what_was_saved(qtbot: QtBot, tmp_path: Path) -> None:
    save_settings(Settings(server_url="https://jjg.jl.gov.cn", sync_interval_minutes=30,
                           printer_name="档案室 Epson", print_copies=2, duplex=True))
    dialog = _dialog(qtbot)
    assert dialog.server_url.text() == "https://jjg.jl.gov.cn"
    assert dialog.sync_minutes.value() == 30 and dialog.sync_minutes.suffix() == " 分钟"
    assert [dialog.printer.itemText(i) for i in range(dialog.printer.count())] == [
        "系统默认", *PRINTERS, "档案室 Epson（当前未连接）"]
    assert dialog.printer.currentText() == "档案室 Epson（当前未连接）"
    assert (dialog.copies.value(), dialog.duplex.isChecked()) == (2, True)
    assert str(settings_path()) in dialog.file_label.text()
    note = dialog.data_note.text()
    assert "下次启动" in note and "不会被移到新目录" in note and "导出本机数据" in note
    assert not dialog.export_button.isVisible()


def test_clear_text_is_refused_until_the_user_ticks_it(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    qtbot.keyClicks(dialog.server_url, "http://10.22.4.1:8000")
    _ok(qtbot, dialog)
    error = dialog.errors["server_url"][0]
    assert dialog.isVisible() and dialog.saved is None and not settings_path().exists()
    assert error.isVisible() and "明文" in error.text() and "https://" in error.text()
    assert "允许不加密的连接" in dialog.plain_http.text()
    qtbot.mouseClick(dialog.plain_http, Qt.MouseButton.LeftButton,
                     pos=dialog.plain_http.rect().bottomLeft() + QPoint(4, -4))
    assert dialog.plain_http.isChecked()
    _ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = load_settings()
    assert (saved.server_url, saved.allow_plain_http) == ("http://10.22.4.1:8000", True)


def test_a_bad_address_is_explained_beside_it_and_nothing_is_saved(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    qtbot.keyClicks(dialog.server_url, "jjg.jl.gov.cn/sync")
    _ok(qtbot, dialog)

    error = dialog.errors["server_url"][0]
    assert dialog.isVisible() and dialog.saved is None
    assert error.isVisible() and "服务器地址应以 http:// 或 https:// 开头" in error.text()
    assert dialog.focusWidget() is dialog.server_url
    assert not settings_path().exists()

    dialog.server_url.setText("https://jjg.jl.gov.cn/sync")
    _ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert load_settings().server_url == "https://jjg.jl.gov.cn/sync"


def test_a_missing_certificate_is_refused_and_a_chosen_one_is_kept(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _dialog(qtbot)
    dialog.ca_bundle.setText(str(tmp_path / "gone.pem"))
    _ok(qtbot, dialog)
    assert "找不到 CA 证书文件" in dialog.errors["ca_bundle"][0].text()
    assert dialog.isVisible()

    bundle = tmp_path / "省厅根证书.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(bundle), "")))
    qtbot.mouseClick(dialog.ca_browse, OK)
    _ok(qtbot, dialog)
    assert not dialog.errors["ca_bundle"][0].isVisible()
    assert load_settings().ca_bundle == str(bundle)


def test_data_folder_interval_and_printing_are_saved(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "D盘数据"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *_a, **_k: str(folder)))
    dialog = _dialog(qtbot)
    qtbot.mouseClick(dialog.data_browse, OK)
    dialog.sync_minutes.setValue(45)
    dialog.printer.setCurrentIndex(2)
    dialog.copies.setValue(3)
    qtbot.keyClick(dialog.duplex, Qt.Key.Key_Space)
    _ok(qtbot, dialog)

    saved = load_settings()
    assert saved == dialog.saved
    assert (saved.data_dir, saved.sync_interval_minutes, saved.printer_name,
            saved.print_copies, saved.duplex) == (str(folder), 45, "财务室 Canon", 3, True)
    assert json.loads(settings_path().read_text(encoding="utf-8"))["printer_name"] == (
        "财务室 Canon")


def test_cancel_keeps_the_file_as_it_was(qtbot: QtBot) -> None:
    save_settings(Settings(print_copies=2))
    before = settings_path().read_bytes()
    dialog = _dialog(qtbot)
    dialog.copies.setValue(5)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert settings_path().read_bytes() == before


def test_the_print_dialog_starts_from_the_chosen_defaults() -> None:
    chosen = Settings(printer_name="财务室 Canon", print_copies=3, duplex=True)
    options = print_options(chosen, PRINTERS)
    assert (options.printer_name, options.copies, options.duplex) == ("财务室 Canon", 3, True)
    assert print_options(chosen, ["别的打印机"]).printer_name == ""
    save_settings(chosen)
    assert configured_printer(load_settings()).copyCount() == 3


def test_print_in_the_preview_starts_from_the_saved_defaults(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "记录.pdf"
    canvas = Canvas(str(pdf))
    canvas.drawString(72, 720, "record")
    canvas.showPage()
    canvas.save()
    save_settings(Settings(print_copies=4))
    offered: list[int] = []

    class FakePrintDialog:
        def __init__(self, printer: QPrinter, _parent: QWidget) -> None:
            offered.append(printer.copyCount())

        def setWindowTitle(self, _title: str) -> None:
            pass

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(print_defaults, "QPrintDialog", FakePrintDialog)
    preview = print_defaults.preview_with_settings(pdf, "检查记录")
    qtbot.addWidget(preview)
    qtbot.mouseClick(preview.print_button, OK)
    assert offered == [4]


def test_settings_open_from_the_main_window(qtbot: QtBot, window: MainWindow) -> None:
    assert window.settings_action in window.menuBar().actions()
    seen: list[str] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, SettingsDialog)
        seen.append(dialog.current_data.text())
        assert dialog.export_button.isVisible() and dialog.import_button.isVisible()
        dialog.reject()

    when_shown(look)
    window.settings_action.trigger()
    assert seen == [f"本次运行使用的数据目录：{window.workspace.store.paths.data_dir}"]


def _url(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("SELECT server_url FROM sync_state").fetchone()[0])


def _set_url(db: Path, url: str) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE sync_state SET server_url = ?", (url,))
        conn.commit()


def test_export_and_import_from_the_settings(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = window.workspace.store.paths
    package = tmp_path / "移机"
    _set_url(paths.db_path, "https://exported.example")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(package), "")))
    dialog = SettingsDialog(window, workspace=window.workspace, printers=[])
    qtbot.addWidget(dialog)
    dialog.show()

    qtbot.mouseClick(dialog.export_button, OK)

    exported = package.with_name("移机.zip")
    assert zipfile.ZipFile(exported).testzip() is None
    assert "已导出本机数据到" in window.statusBar().currentMessage()

    _set_url(paths.db_path, "https://later.example")
    asked: list[str] = []
    told: list[str] = []
    left: list[bool] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(exported), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda _p, _t, text, *_a: told.append(text)))
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: left.append(True)))

    qtbot.mouseClick(dialog.import_button, OK)

    assert "替换本机当前的数据" in asked[0] and "先备份" in asked[0]
    assert "吉建管现在关闭" in told[0] and left == [True]
    assert _url(paths.db_path) == "https://exported.example"
    [kept] = [b for b in list_backups(paths.backups_dir) if b.reason == BEFORE_IMPORT]
    assert _url(kept.path) == "https://later.example"


def test_a_refused_import_says_why_and_the_app_goes_on(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    junk = tmp_path / "不是数据包.zip"
    junk.write_bytes(b"not a zip")
    warned: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(junk), "")))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _p, _t, text, *_a: warned.append(text)))
    dialog = SettingsDialog(window, workspace=window.workspace, printers=[])
    qtbot.addWidget(dialog)
    dialog.show()

    qtbot.mouseClick(dialog.import_button, OK)

    assert "不是有效的 zip 文件" in warned[0] and "本机数据未做任何修改" in warned[0]
    window.status.refresh_pending()
    assert window.status.pending.text() == "未同步更改：0"


def test_the_punishing_authority_is_kept_with_the_data_and_audited(
        qtbot: QtBot, window: MainWindow) -> None:
    from sqlalchemy import select

    from jjg_desktop.store.models import AuditEntry
    from jjg_desktop.store.read.local_settings import (
        CONTACT_PHONE,
        PENALTY_AUTHORITY,
        document_setting,
    )

    store = window.workspace.store
    dialog = SettingsDialog(window, workspace=window.workspace, printers=[])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.penalty_authority.isVisible() and dialog.penalty_authority.text() == ""
    dialog.penalty_authority.setText("  珲春市城市管理综合行政执法局 ")
    dialog.contact_phone.setText("0433-7512345")
    _ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.db.read() as session:
        assert document_setting(session, PENALTY_AUTHORITY) == "珲春市城市管理综合行政执法局"
        assert document_setting(session, CONTACT_PHONE) == "0433-7512345"
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "setting.penalty_authority")).one()
    assert entry.data == {"from": "", "to": "珲春市城市管理综合行政执法局"}

    again = SettingsDialog(window, workspace=window.workspace, printers=[])
    qtbot.addWidget(again)
    assert again.penalty_authority.text() == "珲春市城市管理综合行政执法局"
    # without a store (the settings file alone) the field is not offered
    alone = _dialog(qtbot)
    assert not alone.penalty_authority.isVisibleTo(alone)
