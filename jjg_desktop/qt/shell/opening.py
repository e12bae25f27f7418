"""Opening the store for the window, and what to do when it cannot be opened: the heavy half
of the start (SQLAlchemy, migrations, services), loaded on a worker thread after the first
paint or in place when the window cannot be painted first."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from jjg_desktop.config import Paths
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.shell import pages  # noqa: F401  (the pages load here, off the GUI thread)
from jjg_desktop.qt.shell.restore_dialog import RestoreDialog
from jjg_desktop.services.context import Actor, Store, clock_on, utc_now
from jjg_desktop.services.startup import (
    active_actor,
    demo_as_of,
    open_store,
    restore_and_open,
)
from jjg_desktop.store.backups import DamagedDatabase, list_backups
from jjg_desktop.store.errors import DiskFull
from jjg_desktop.store.migrate import SchemaError

log = logging.getLogger("jjg_desktop.app")

__all__ = ["active_actor", "make_workspace", "open_for_gui", "open_store", "recover_damaged"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


def make_workspace(store: Store, actor: Actor, tasks: TaskRunner | None = None,
                   today: Callable[[], date] | None = None) -> Workspace:
    """A demo database lives on its as-of date: the views and every action use that day."""
    as_of = demo_as_of(store)
    if today is None:
        today = (lambda: as_of) if as_of else date.today
    clock = clock_on(as_of) if as_of else utc_now
    return Workspace(store, actor, tasks or TaskRunner(), today, clock, as_of)


def open_for_gui(paths: Paths, log_file: str,
                 recover: Callable[[Paths, DamagedDatabase], Store | None] | None = None,
                 ) -> Store | None:
    """The opened store, or None after telling the user why it cannot be opened.

    A damaged database goes to `recover` (by default the restore dialog), which returns the
    store opened on a restored backup, or None when the user quits.
    """
    try:
        return open_store(paths, defer_large_backup=True)
    except SchemaError as exc:
        log.error("数据库无法打开：%s", exc)
        QMessageBox.critical(None, _tr("无法打开数据库"), str(exc))
    except DiskFull as exc:
        log.error("磁盘空间不足：%s", exc)
        QMessageBox.critical(None, _tr("磁盘空间不足"), str(exc))
    except DamagedDatabase as exc:
        log.error("数据库已损坏：%s", exc, exc_info=exc.__cause__)
        return (recover or recover_damaged)(paths, exc)
    except Exception as exc:
        log.exception("数据库无法打开：%s", paths.db_path)
        QMessageBox.critical(None, _tr("无法打开数据库"), _tr(
            "无法打开数据库 {db}：{error}\n\n请确认该文件存在、未被其他程序占用，"
            "并且磁盘有剩余空间。详细信息已记录到日志 {log}。").format(
                db=paths.db_path, error=exc, log=log_file))
    return None


def recover_damaged(paths: Paths, error: DamagedDatabase) -> Store | None:
    """Offer the backups in a dialog; the store on the restored one, or None to quit."""
    dialog = RestoreDialog(error, list_backups(paths.backups_dir),
                           lambda info: restore_and_open(paths, info.path), paths.backups_dir)
    dialog.exec()
    if dialog.store is not None:
        log.info("已从备份恢复数据库：%s", paths.db_path)
    return dialog.store
