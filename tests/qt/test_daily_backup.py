"""A large database's daily backup is made once the window is up, on the task runner; a
small one's was made while opening, so nothing more happens."""

from __future__ import annotations

import pytest

from jjg_desktop.qt.shell.daily_backup import back_up_when_due
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.store import backups
from jjg_desktop.store.backups import DAILY, list_backups


def test_a_large_database_is_backed_up_after_the_window_shows(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = window.workspace.store.paths
    monkeypatch.setattr(backups, "LARGE_DB_BYTES", paths.db_path.stat().st_size // 2)

    back_up_when_due(window.workspace)

    [made] = list_backups(paths.backups_dir)
    assert made.reason == DAILY
    assert window.statusBar().currentMessage() == f"已完成今天的自动备份：{made.path.name}"
    back_up_when_due(window.workspace)
    assert len(list_backups(paths.backups_dir)) == 1


def test_a_small_database_is_left_to_the_start(window: MainWindow) -> None:
    back_up_when_due(window.workspace)
    assert list_backups(window.workspace.store.paths.backups_dir) == []
    assert window.statusBar().currentMessage() == ""
