"""Where the shipped data folders (db/, ui/, resources/) are, installed or from a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def shipped(name: str) -> Path:
    """The shipped folder `name`: inside the package when installed or frozen, else the repo's."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"程序文件不完整：找不到 {name}/ 目录，请重新安装吉建管。")


def resource(*parts: str) -> Path:
    return shipped("resources").joinpath(*parts)


def ui_form(name: str) -> Path:
    return shipped("ui") / name
