"""The day's backup of a large database, made on the task runner once the window is up
(a small one is backed up while the store opens)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store.backups import BackupError, daily_at_start, make_daily

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("DailyBackup", text)


def back_up_when_due(workspace: Workspace) -> None:
    """Start the day's backup if opening the store left it for later; the status bar says
    when it is done or why it failed."""
    paths = workspace.store.paths
    if daily_at_start(paths):
        return

    def work(_state: TaskState) -> Path | None:
        try:
            return make_daily(paths)
        except BackupError as exc:
            log.warning("每日备份未完成：%s", exc)
            raise ServiceError(_tr("今天的自动备份未完成：{error}").format(error=exc)) from exc

    def done(made: Path | None) -> None:
        if made is not None:
            workspace.message.emit(_tr("已完成今天的自动备份：{name}").format(name=made.name))

    run_service(workspace.tasks, "daily-backup", work, done, workspace.message.emit)
