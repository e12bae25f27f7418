"""Copies of the database: made (verified, atomically), listed, rotated, and restored.

A backup is `<backups_dir>/<db stem>-<UTC time>-<reason>.sqlite`, a standalone SQLite file
(rollback journal, no -wal beside it) that has passed `PRAGMA integrity_check`. Only a copy of a
damaged database (reason `damaged`) is a byte copy that may fail that check. Rotation never
removes a damaged copy nor the database as it was before a profile import.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from jjg_desktop.config import Paths

DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
DAMAGED = "damaged"
BEFORE_IMPORT = "before-import"
KEPT_FOREVER = frozenset({DAMAGED, BEFORE_IMPORT})
LARGE_DB_BYTES = 200 * 1024 * 1024
"""Above this size the daily backup waits until the main window is up."""

_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(
    r"^(?P<stem>.+?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<micro>\d{6}))?-(?P<reason>[^.]+)\.sqlite$")
_PARTIAL = ".partial"
_SIDE_FILES = ("-wal", "-shm", "-journal")
_REASON_NAMES = {DAILY: "每日自动备份", MANUAL: "手动备份", BEFORE_RESTORE: "恢复前的数据库",
                 DAMAGED: "损坏的数据库（原样保留）", BEFORE_IMPORT: "导入数据前的数据库"}


class BackupError(Exception):
    """A backup could not be made, read or restored; the message says why, in Chinese."""


class DamagedDatabase(Exception):
    """The database file is damaged: SQLite cannot read it or its integrity check fails."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"数据库文件 {path} 已损坏，无法打开（{detail}）。")
        self.path = path
        self.detail = detail


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    made_at: datetime
    reason: str
    size: int
    schema: str | None

    @property
    def reason_text(self) -> str:
        """The reason in words for people."""
        if self.reason in _REASON_NAMES:
            return _REASON_NAMES[self.reason]
        if self.reason.startswith("before-"):
            return f"升级数据库结构前（{self.reason.removeprefix('before-')}）"
        return self.reason


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(path)
    try:
        yield conn
    finally:
        conn.close()


def integrity_problems(path: Path, *, quick: bool = False) -> str | None:
    """None when SQLite finds the file intact, else what is wrong (a short text)."""
    try:
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                return "文件头无效，不是SQLite数据库"
        with _connect(path, read_only=True) as conn:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None if rows == ["ok"] else "；".join(rows[:5])


def schema_of(path: Path) -> str | None:
    try:
        with _connect(path, read_only=True) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _fsync(path: Path) -> None:
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def _target(db_path: Path, backups_dir: Path, reason: str, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime(f"{_STAMP}-%f")
    target = backups_dir / f"{db_path.stem}-{stamp}-{reason}.sqlite"
    if target.exists():
        raise BackupError(f"备份文件已存在：{target}")
    return target


def make_backup(db_path: Path, backups_dir: Path, reason: str,
                now: datetime | None = None) -> Path:
    """A consistent copy through SQLite's online backup (safe while the file is open),
    verified with `PRAGMA integrity_check` before it takes its final name."""
    if not db_path.is_file():
        raise BackupError(f"找不到数据库文件：{db_path}")
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = _target(db_path, backups_dir, reason, now or datetime.now(UTC))
    partial = target.with_name(target.name + _PARTIAL)
    try:
        with _connect(db_path) as src, _connect(partial) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        problem = integrity_problems(partial)
        if problem is not None:
            raise BackupError(f"备份未通过完整性检查：{problem}")
        _fsync(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"无法备份数据库 {db_path}：{exc}") from exc
    except OSError as exc:
        raise BackupError(f"无法写入备份 {target}：{exc.strerror or exc}") from exc
    finally:
        _remove_with_side_files(partial)
    return target


def copy_bytes(db_path: Path, backups_dir: Path, reason: str = DAMAGED,
               now: datetime | None = None) -> Path:
    """The file as it is, byte for byte (with its -wal), for a database SQLite cannot read."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = _target(db_path, backups_dir, reason, now or datetime.now(UTC))
    partial = target.with_name(target.name + _PARTIAL)
    try:
        shutil.copyfile(db_path, partial)
        _fsync(partial)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"无法保存损坏的数据库副本 {target}：{exc.strerror or exc}") from exc
    return target


def _parse(path: Path) -> BackupInfo | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    made_at = datetime.strptime(match["stamp"], _STAMP).replace(
        tzinfo=UTC, microsecond=int(match["micro"] or 0))
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(path=path, made_at=made_at, reason=match["reason"], size=size,
                      schema=schema_of(path))


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """The backups in the folder, newest first (files that are not backups are left out)."""
    if not backups_dir.is_dir():
        return []
    found = (_parse(p) for p in backups_dir.glob("*.sqlite") if p.is_file())
    return sorted((b for b in found if b is not None), key=lambda b: b.made_at, reverse=True)


def _remove_with_side_files(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        p.unlink(missing_ok=True)


def rotate(backups_dir: Path, keep_daily: int = 7, keep_other: int = 10) -> list[Path]:
    """Keep the newest `keep_daily` daily backups and the newest `keep_other` others (copies
    of a damaged database and the database before an import are always kept); also clear
    copies a crash left half-written. The removed files."""
    removed: list[Path] = []
    if not backups_dir.is_dir():
        return removed
    for partial in backups_dir.glob(f"*{_PARTIAL}"):
        _remove_with_side_files(partial)
        removed.append(partial)
    backups = list_backups(backups_dir)
    daily = [b for b in backups if b.reason == DAILY]
    other = [b for b in backups if b.reason != DAILY and b.reason not in KEPT_FOREVER]
    for old in daily[keep_daily:] + other[keep_other:]:
        _remove_with_side_files(old.path)
        removed.append(old.path)
    return removed


def _made_daily_on(backups_dir: Path, today: date) -> bool:
    return any(b.reason == DAILY and b.made_at.astimezone().date() == today
               for b in list_backups(backups_dir))


def daily_backup_if_due(db_path: Path, backups_dir: Path, today: date,
                        now: datetime | None = None) -> Path | None:
    """A daily backup unless one was already made on `today` (local date); its path or None."""
    if _made_daily_on(backups_dir, today):
        return None
    return make_backup(db_path, backups_dir, DAILY, now)


def daily_at_start(paths: Paths) -> bool:
    """Whether the day's backup is made while opening: only for a database small enough
    not to hold up the start (a large one is backed up once the window is up)."""
    try:
        return paths.db_path.stat().st_size <= LARGE_DB_BYTES
    except OSError:
        return True


def daily_due(paths: Paths, today: date | None = None) -> bool:
    """No daily backup has been made today (local date) and there is a database to back up."""
    return paths.db_path.is_file() and not _made_daily_on(paths.backups_dir,
                                                          today or date.today())


def make_daily(paths: Paths, today: date | None = None,
               now: datetime | None = None) -> Path | None:
    """The day's backup when due, then rotation; the new backup's path or None."""
    made = daily_backup_if_due(paths.db_path, paths.backups_dir, today or date.today(), now)
    rotate(paths.backups_dir)
    return made


@dataclass(frozen=True, slots=True)
class RestoreOutcome:
    restored_from: Path
    kept: Path | None
    """The database as it was before the restore (None when there was no file)."""


def keep_current(db_path: Path, backups_dir: Path) -> Path | None:
    """Save the current database before it is replaced: a verified backup when SQLite can
    read it, else its bytes as they are."""
    if not db_path.exists():
        return None
    if integrity_problems(db_path) is None:
        with contextlib.suppress(BackupError):
            return make_backup(db_path, backups_dir, BEFORE_RESTORE)
    return copy_bytes(db_path, backups_dir, DAMAGED)


def restore(backup: Path, db_path: Path, backups_dir: Path) -> RestoreOutcome:
    """Replace the database (closed by every program) with `backup`, keeping the current
    file as a backup first; verified after."""
    problem = integrity_problems(backup) if backup.is_file() else "找不到文件"
    if problem is not None:
        raise BackupError(f"备份 {backup} 不可用：{problem}。数据库未做任何修改。")
    kept = keep_current(db_path, backups_dir)
    incoming = db_path.with_name(db_path.name + ".restoring")
    try:
        shutil.copyfile(backup, incoming)
        _fsync(incoming)
        for suffix in _SIDE_FILES:
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, db_path)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise BackupError(
            f"无法恢复到 {db_path}：{exc.strerror or exc}。恢复前的数据库已保存为 {kept}。"
        ) from exc
    problem = integrity_problems(db_path)
    if problem is not None:
        raise BackupError(f"恢复后的数据库未通过完整性检查：{problem}。"
                          f"恢复前的数据库已保存为 {kept}。")
    return RestoreOutcome(restored_from=backup, kept=kept)
