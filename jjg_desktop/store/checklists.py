"""Checklist templates shipped with the program, read from resources/checklists and installed.

A published version never changes: installing finds each shipped (code, version) already in
the store or adds it; the same version with other content is refused, never overwritten.
Ids are derived from (code, version), so every client and the server name a version alike.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.paths import resource
from jjg_desktop.rules.checklist import Template, TemplateError, parse_template, template_id
from jjg_desktop.store.models import ChecklistTemplate


class PublishedTemplateChanged(TemplateError):
    """A shipped file differs from the version of the same number already in use."""


def load_template_file(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"检查表模板 {path.name} 无效：无法读取文件（{exc}）") from exc
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"检查表模板 {path.name} 无效：不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列："
            f"{exc.msg}）") from exc
    try:
        return parse_template(data)
    except TemplateError as exc:
        raise TemplateError(f"检查表模板 {path.name} 无效：{exc}") from exc


def shipped_templates(folder: Path | None = None) -> tuple[Template, ...]:
    """Every template file shipped with the program, in file-name order."""
    folder = folder or resource("checklists")
    templates: dict[tuple[str, str], tuple[Template, str]] = {}
    for path in sorted(folder.glob("*.json")):
        template = load_template_file(path)
        key = (template.code, template.version)
        if key in templates:
            raise TemplateError(
                f"检查表模板 {path.name} 无效：{template.code} 第 {template.version} 版"
                f"已由 {templates[key][1]} 提供")
        templates[key] = (template, path.name)
    return tuple(t for t, _ in templates.values())


def install_shipped_templates(session: Session, now: datetime | None = None, *,
                              server_version: int | None = None,
                              folder: Path | None = None) -> int:
    """Add each shipped version the store lacks; returns how many were added.

    Without `now`, a version is stamped with its publication date (the same on every machine).
    """
    existing = {(code, version): content_hash for code, version, content_hash in session.execute(
        select(ChecklistTemplate.code, ChecklistTemplate.version,
               ChecklistTemplate.content_hash))}
    added = 0
    for template in shipped_templates(folder):
        known = existing.get((template.code, template.version))
        if known == template.content_hash:
            continue
        if known is not None:
            raise PublishedTemplateChanged(
                f"检查表 {template.code} 第 {template.version} 版已发布使用，内容不得更改；"
                "随程序提供的文件与本机记录不一致。修改检查表须发布新版本号。")
        stamp = now or datetime.combine(template.published_on, time.min)
        session.add(ChecklistTemplate(
            id=template_id(template.code, template.version), code=template.code,
            version=template.version, title=template.title, content=dict(template.content),
            content_hash=template.content_hash, published_on=template.published_on,
            server_version=server_version, created_at=stamp, updated_at=stamp))
        added += 1
    session.flush()
    return added
