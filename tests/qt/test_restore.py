"""A damaged database at start: the restore dialog, and the app opening the restored data."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from jjg_desktop.config import Paths
from jjg_desktop.qt.shell.app import EXIT_CANNOT_OPEN, EXIT_OK, run
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.shell.opening import open_for_gui
from jjg_desktop.qt.shell.restore_dialog import RestoreDialog
from jjg_desktop.services.context import Store
from jjg_desktop.services.startup import open_store, restore_and_open, set_profile
from jjg_desktop.store.backups import (
    DAMAGED,
    BackupInfo,
    DamagedDatabase,
    list_backups,
    make_backup,
)
from qt_support import when_shown

LEFT = Qt.MouseButton.LeftButton


T0 = datetime(2026, 5, 10, 1, 0, tzinfo=UTC)


def _url(store: Store) -> str:
    with store.db.read() as s:
        return str(s.execute(text("SELECT server_url FROM sync_state")).scalar())


def _prepare(paths: Paths) -> None:
    """Two backups (older: a.example, newer: b.example), then later work, then damage."""
    store = open_store(paths)
    try:
        set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                    division_code="222404")
        for i, url in enumerate(["https://a.example", "https://b.example"]):
            with store.db.write() as s:
                s.execute(text("UPDATE sync_state SET server_url = :u"), {"u": url})
            make_backup(paths.db_path, paths.backups_dir, "manual", T0 + timedelta(days=i))
        with store.db.write() as s:
            s.execute(text("UPDATE sync_state SET server_url = 'https://later.example'"))
    finally:
        store.close()
    data = paths.db_path.read_bytes()
    paths.db_path.write_bytes(b"\0" * 100 + data[100:])


def _sha(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.parent.name != "logs"}


def _dialog(qtbot: QtBot, paths: Paths) -> RestoreDialog:
    dialog = RestoreDialog(DamagedDatabase(paths.db_path, "file is not a database"),
                           list_backups(paths.backups_dir),
                           lambda info: restore_and_open(paths, info.path), paths.backups_dir)
    qtbot.addWidget(dialog)
    return dialog


def test_dialog_explains_and_lists_backups_newest_first(qtbot: QtBot, paths: Paths) -> None:
    _prepare(paths)
    dialog = _dialog(qtbot, paths)
    message = dialog.message.text()
    assert "已损坏" in message and "另存" in message and "不会被删除" in message
    assert str(paths.backups_dir) in message
    assert dialog.table.rowCount() == 2
    times = [dialog.table.item(r, 0).text() for r in range(2)]
    assert times == sorted(times, reverse=True)
    assert dialog.table.item(0, 1).text() == "手动备份"
    assert dialog.table.item(0, 2).text().endswith("KB")
    assert dialog.restore_button.text() == "恢复所选备份"
    assert dialog.quit_button.text() == "退出"
    assert dialog.restore_button.isEnabled()


def test_restoring_the_selected_backup_opens_its_data(qtbot: QtBot, paths: Paths) -> None:
    _prepare(paths)
    damaged = paths.db_path.read_bytes()
    dialog = _dialog(qtbot, paths)
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.restore_button, LEFT)
    assert dialog.result() == RestoreDialog.DialogCode.Accepted
    assert dialog.store is not None
    try:
        assert _url(dialog.store) == "https://a.example"
    finally:
        dialog.store.close()
    [kept] = [b for b in list_backups(paths.backups_dir) if b.reason == DAMAGED]
    assert kept.path.read_bytes() == damaged


def test_a_failed_restore_is_shown_and_the_dialog_stays(qtbot: QtBot, paths: Paths) -> None:
    _prepare(paths)
    newest = list_backups(paths.backups_dir)[0]
    newest.path.write_bytes(b"broken" * 100)
    dialog = _dialog(qtbot, paths)
    dialog.show()
    qtbot.mouseClick(dialog.restore_button, LEFT)
    assert dialog.store is None and dialog.isVisible()
    assert dialog.error.text().startswith("恢复失败：") and dialog.error.isVisible()


def test_without_backups_only_quitting_is_offered(qtbot: QtBot, paths: Paths) -> None:
    dialog = RestoreDialog(DamagedDatabase(paths.db_path, "x"), [],
                           lambda info: open_store(paths), paths.backups_dir)
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    assert "没有找到可用的备份" in dialog.message.text()


def test_open_for_gui_hands_a_damaged_database_to_recovery(qtbot: QtBot, paths: Paths) -> None:
    _prepare(paths)
    seen: list[DamagedDatabase] = []

    def recover(p: Paths, error: DamagedDatabase) -> Store | None:
        seen.append(error)
        backups: list[BackupInfo] = list_backups(p.backups_dir)
        return restore_and_open(p, backups[0].path)

    store = open_for_gui(paths, "jjg.log", recover)
    assert store is not None
    try:
        assert _url(store) == "https://b.example"
    finally:
        store.close()
    [error] = seen
    assert error.path == paths.db_path and "已损坏" in str(error)


def test_run_quit_leaves_every_file_as_it_was(qtbot: QtBot, paths: Paths) -> None:
    _prepare(paths)
    before = _sha(paths.data_dir)

    def quit_dialog(widget: QWidget) -> None:
        assert isinstance(widget, RestoreDialog)
        qtbot.mouseClick(widget.quit_button, LEFT)

    when_shown(quit_dialog)
    assert run(paths) == EXIT_CANNOT_OPEN
    assert _sha(paths.data_dir) == before


def test_run_restores_and_continues_to_the_main_window(qtbot: QtBot, paths: Paths) -> None:
    _prepare(paths)
    shown: list[str] = []

    def close_window(window: QWidget) -> None:
        assert isinstance(window, MainWindow)
        shown.append(window.windowTitle())
        window.close()

    def restore_newest(widget: QWidget) -> None:
        assert isinstance(widget, RestoreDialog)
        assert widget.selected() == list_backups(paths.backups_dir)[0]
        qtbot.mouseClick(widget.restore_button, LEFT)
        when_shown(close_window)

    when_shown(restore_newest)
    assert run(paths) == EXIT_OK
    assert shown == ["吉建管 — 建筑市场监管"]
    conn = sqlite3.connect(paths.db_path)
    try:
        assert conn.execute("SELECT server_url FROM sync_state").fetchone() == (
            "https://b.example",)
    finally:
        conn.close()

