"""`jjg-desktop profile export|import`: the whole profile (database and attachments) in one
zip, to move to a new laptop."""

from __future__ import annotations

import sys
from pathlib import Path

from jjg_desktop.config import Paths
from jjg_desktop.services.profile_transfer import (
    ProfileError,
    export_profile,
    import_profile,
)

EXIT_OK, EXIT_FAILED = 0, 2


class _Percent:
    """A percentage on stderr as the work goes on (only on a terminal)."""

    def __init__(self, verb: str) -> None:
        self._verb, self._shown = verb, -1
        self._live = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> bool:
        percent = done * 100 // total if total else 100
        if self._live and percent != self._shown:
            self._shown = percent
            print(f"\r{self._verb}… {percent}%", end="", file=sys.stderr, flush=True)
        return True

    def finish(self) -> None:
        if self._live and self._shown >= 0:
            print(file=sys.stderr)


def run_profile(paths: Paths, command: str, zip_path: Path, replace: bool = False) -> int:
    percent = _Percent("正在导出" if command == "export" else "正在导入")
    try:
        if command == "export":
            exported = export_profile(paths, zip_path, percent)
            percent.finish()
            print(f"已导出到：{exported.path}（{exported.size / 2**20:,.1f} MB，"
                  f"数据库和 {exported.attachments} 个附件，结构版本 {exported.schema}）")
            print("在新电脑上安装吉建管后，运行 `jjg-desktop profile import 文件.zip` 导入。")
            return EXIT_OK
        imported = import_profile(zip_path, paths, replace=replace, progress=percent)
    except ProfileError as exc:
        percent.finish()
        print(f"✗ {exc}", file=sys.stderr)
        return EXIT_FAILED
    percent.finish()
    when = (imported.exported_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if imported.exported_at else "时间不详")
    print(f"已导入：数据库 {imported.db_path}，{imported.attachments} 个附件"
          f"（导出于 {when}，吉建管 {imported.app_version}）")
    if imported.kept is not None:
        print(f"导入前的数据库已保存为：{imported.kept}")
    return EXIT_OK
