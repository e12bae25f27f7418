"""The workflow a case step is decided with: the newest published one, else the bundled one.

The server decides workflow steps with the same rules and the same JSON as the client. The
bundled file is found the way `jjg_desktop.paths` finds it (inside the installed package,
else in the checkout) without importing anything of the client beyond its rules.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules.workflow import Workflow, WorkflowError, parse_workflow
from jjg_server.store import PublishedWorkflow

ABNORMAL_LIST = ("workflows", "abnormal-list.v2.json")


def resources_dir() -> Path:
    spec = importlib.util.find_spec("jjg_desktop")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("找不到 jjg_desktop 程序包，无法读取流程定义")
    package = Path(spec.origin).resolve().parent
    for candidate in (package / "_data" / "resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("程序文件不完整：找不到 resources/ 目录，请重新安装")


def read_workflow_file(path: Path) -> tuple[Workflow, dict[str, Any]]:
    """The workflow in the file and its JSON; WorkflowError (Chinese) if it is not valid."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return parse_workflow(content), content
    except (OSError, ValueError) as exc:
        raise WorkflowError(f"流程文件 {path.name} 无效：{exc}") from exc


def load_workflow(path: Path) -> Workflow:
    return read_workflow_file(path)[0]


@cache
def abnormal_list() -> Workflow:
    return load_workflow(resources_dir().joinpath(*ABNORMAL_LIST))


@lru_cache(maxsize=8)
def _parsed(content: str) -> Workflow:
    return parse_workflow(json.loads(content))


def case_workflow(session: Session) -> Workflow:
    """The newest published abnormal-list workflow, or the bundled one if none was."""
    bundled = abnormal_list()
    row = session.scalars(select(PublishedWorkflow).where(PublishedWorkflow.code == bundled.code)
                          .order_by(PublishedWorkflow.id.desc()).limit(1)).first()
    if row is None:
        return bundled
    return _parsed(json.dumps(row.content, sort_keys=True, ensure_ascii=False))
