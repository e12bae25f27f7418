"""`jjg-desktop backup list|make|restore`: the database's backups from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from jjg_desktop.config import Paths
from jjg_desktop.store.backups import (
    MANUAL,
    BackupError,
    integrity_problems,
    list_backups,
    make_backup,
    restore,
    rotate,
)

EXIT_OK, EXIT_FAILED = 0, 2


def run_backup(paths: Paths, command: str, backup: Path | None) -> int:
    if command == "list":
        return _list(paths)
    if not paths.db_path.is_file() and command == "make":
        print(f"找不到数据库文件：{paths.db_path}", file=sys.stderr)
        return EXIT_FAILED
    try:
        if command == "make":
            return _make(paths)
        assert backup is not None
        return _restore(paths, backup)
    except BackupError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return EXIT_FAILED


def _list(paths: Paths) -> int:
    backups = list_backups(paths.backups_dir)
    if not backups:
        print(f"备份文件夹 {paths.backups_dir} 中还没有备份。")
        return EXIT_OK
    print(f"备份文件夹：{paths.backups_dir}（共 {len(backups)} 个，最新的在前）")
    for b in backups:
        made = b.made_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{made}  {b.reason_text}  {b.size / 1024:,.0f} KB  "
              f"结构版本 {b.schema or '未知'}  {b.path.name}")
    return EXIT_OK


def _make(paths: Paths) -> int:
    problem = integrity_problems(paths.db_path)
    if problem is not None:
        print(f"✗ 数据库 {paths.db_path} 已损坏（{problem}），无法做正常备份。"
              "可用 `jjg-desktop backup restore` 从以前的备份恢复（损坏的文件会先原样保存）。",
              file=sys.stderr)
        return EXIT_FAILED
    target = make_backup(paths.db_path, paths.backups_dir, MANUAL)
    rotate(paths.backups_dir)
    print(f"已备份并通过完整性检查：{target}")
    return EXIT_OK


def _restore(paths: Paths, backup: Path) -> int:
    source = backup if backup.is_file() else paths.backups_dir / backup.name
    if not source.is_file():
        print(f"✗ 找不到备份：{backup}（也不在 {paths.backups_dir} 中）。"
              "可用 `jjg-desktop backup list` 查看备份。", file=sys.stderr)
        return EXIT_FAILED
    outcome = restore(source.resolve(), paths.db_path, paths.backups_dir)
    print(f"已用备份 {outcome.restored_from.name} 恢复数据库：{paths.db_path}")
    if outcome.kept is not None:
        print(f"恢复前的数据库已保存为：{outcome.kept}")
    return EXIT_OK
