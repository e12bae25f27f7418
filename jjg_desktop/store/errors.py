"""Errors whose message is for the user: what happened and what to do, in Chinese."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

MIN_FREE_BYTES = 50 * 1024 * 1024
"""Room a day of work needs beside the database: the write-ahead log, backups, photos."""


class ServiceError(Exception):
    """The action was refused and nothing was written."""


class DiskFull(ServiceError):
    """The disk holding the data folder is full: nothing of the action was saved, nothing
    saved before is lost."""

    def __init__(self, folder: Path, needed: int = MIN_FREE_BYTES) -> None:
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = 0
        need = max(needed, MIN_FREE_BYTES)
        super().__init__(
            f"磁盘空间不足：数据文件夹 {folder} 所在的磁盘只剩 {free / 1024 / 1024:.0f} MB，"
            f"至少需要 {need / 1024 / 1024:.0f} MB。请删除不需要的文件或清空回收站后重试；"
            "已经保存的数据没有丢失，本次操作未保存。")
        self.folder, self.free, self.needed = folder, free, need


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether the error (or what caused it) is SQLite's or the system's "disk full"."""
    while exc is not None:
        if isinstance(exc, DBAPIError):
            exc = exc.orig
            continue
        if isinstance(exc, sqlite3.Error) and (
                getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(exc)):
            return True
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        exc = exc.__cause__ or exc.__context__
    return False
