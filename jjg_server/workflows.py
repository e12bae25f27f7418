"""The published workflow files, read from where the client package ships them.

The server decides workflow steps with the same rules and the same JSON as the client. The
file is found the way `jjg_desktop.paths` finds it (inside the installed package, else in
the checkout) without importing anything of the client beyond its rules.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

from jjg_desktop.rules.workflow import Workflow, WorkflowError, parse_workflow

ABNORMAL_LIST = ("workflows", "abnormal-list.v1.json")


def resources_dir() -> Path:
    spec = importlib.util.find_spec("jjg_desktop")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("找不到 jjg_desktop 程序包，无法读取流程定义")
    package = Path(spec.origin).resolve().parent
    for candidate in (package / "_data" / "resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("程序文件不完整：找不到 resources/ 目录，请重新安装")


def load_workflow(path: Path) -> Workflow:
    try:
        return parse_workflow(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise WorkflowError(f"流程文件 {path.name} 无效：{exc}") from exc


@cache
def abnormal_list() -> Workflow:
    return load_workflow(resources_dir().joinpath(*ABNORMAL_LIST))
