"""What the province publishes from the server: checklist templates, workflow rules (which
the server decides case steps with) and holiday calendars — each as records every client
receives, so a laptop prints the periods and counts the working days the province set."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jjg_desktop.rules.checklist import (
    Template,
    TemplateError,
    content_hash,
    parse_template,
    template_id,
)
from jjg_desktop.rules.workdays import CalendarError, parse_calendar
from jjg_desktop.rules.workflow import WorkflowError
from jjg_desktop.store.synced_rows import natural_id
from jjg_server import records, workflows
from jjg_server.placement import Placement
from jjg_server.records import Writer
from jjg_server.scopes import PROVINCE
from jjg_server.store import PublishedWorkflow, Record

CHECKLIST = "checklist_template"
RULE = "published_rule"
WORKFLOW, CALENDAR = "workflow", "calendar"


class PublishError(ValueError):
    """Refused; the message is Chinese and shown as is."""


def read_template_file(path: Path) -> Template:
    """The template in the file, checked by the client's rules; PublishError if invalid."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishError(f"检查表模板 {path.name} 无效：无法读取文件（{exc}）") from exc
    except json.JSONDecodeError as exc:
        raise PublishError(f"检查表模板 {path.name} 无效：不是有效的 JSON（第 {exc.lineno} 行"
                           f"第 {exc.colno} 列：{exc.msg}）") from exc
    try:
        return parse_template(data)
    except TemplateError as exc:
        raise PublishError(f"检查表模板 {path.name} 无效：{exc}") from exc


def publish_checklist(session: Session, path: Path, *, now: datetime) -> str:
    """Store the template as a checklist_template record (the client's row shape); a
    published version never changes. Returns what was done, in Chinese."""
    template = read_template_file(path)
    record_id = template_id(template.code, template.version)
    record = session.get(Record, (CHECKLIST, record_id))
    name = f"检查表 {template.code} 第 {template.version} 版"
    if record is not None and not record.deleted:
        if record.data.get("content_hash") == template.content_hash:
            return f"{name}已发布，内容相同，未做修改"
        raise PublishError(f"{name}已发布使用，内容不得更改；修改检查表须发布新版本号")
    stamp = now.astimezone(UTC).replace(tzinfo=None).isoformat()
    data = {"id": record_id, "code": template.code, "version": template.version,
            "title": template.title, "content": dict(template.content),
            "content_hash": template.content_hash,
            "published_on": template.published_on.isoformat(), "created_at": stamp,
            "updated_at": stamp, "deleted_at": None}
    records.write(session, (CHECKLIST, record_id), record, data, now=now,
                  writer=Writer("server", "", "checklist.publish"),
                  place=Placement(PROVINCE, None, None))
    return f"已发布{name}（{template.title}），各客户端下次同步时收到"


def publish_workflow(session: Session, path: Path, *, now: datetime) -> str:
    try:
        workflow, content = workflows.read_workflow_file(path)
    except WorkflowError as exc:
        raise PublishError(str(exc)) from exc
    bundled = workflows.abnormal_list()
    if workflow.code != bundled.code:
        raise PublishError(f"流程文件 {path.name} 的编码为“{workflow.code}”，"
                           f"服务器只使用“{bundled.code}”流程")
    session.add(PublishedWorkflow(code=workflow.code, version=workflow.version,
                                  content=content, published_at=now))
    _rule_record(session, WORKFLOW, workflow.code, workflow.version, content, now)
    return (f"已发布流程 {workflow.code} 第 {workflow.version} 版（{workflow.title}），"
            "此后的案件流转按此流程判定，各客户端下次同步时收到")


def publish_calendar(session: Session, path: Path, *, now: datetime) -> str:
    """A year's holidays (the State Council's notice), for every client's working days."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        calendar = parse_calendar(content)
    except (OSError, ValueError, CalendarError) as exc:
        raise PublishError(f"节假日安排文件 {path.name} 无效：{exc}") from exc
    years = "、".join(str(y) for y in sorted(calendar.years))
    version = str(content.get("updated") or now.date().isoformat())
    _rule_record(session, CALENDAR, f"holidays-{years}", version, content, now)
    return f"已发布 {years} 年节假日安排，各客户端下次同步时收到，工作日期限按其计算"


def _rule_record(session: Session, kind: str, code: str, version: str,
                 content: dict[str, Any], now: datetime) -> None:
    """A published_rule record (the client's row shape); a version is published once."""
    record_id = natural_id(RULE, kind, code, version)
    record = session.get(Record, (RULE, record_id))
    digest = content_hash(content)
    if record is not None and not record.deleted:
        if record.data.get("content_hash") == digest:
            return
        raise PublishError(f"{code} 第 {version} 版已发布，内容不得更改；请使用新的版本号")
    stamp = now.astimezone(UTC).replace(tzinfo=None).isoformat()
    data = {"id": record_id, "kind": kind, "code": code, "version": version,
            "content": content, "content_hash": digest,
            "published_on": now.astimezone(UTC).date().isoformat(), "created_at": stamp,
            "updated_at": stamp, "deleted_at": None}
    records.write(session, (RULE, record_id), record, data, now=now,
                  writer=Writer("server", "", f"{kind}.publish"),
                  place=Placement(PROVINCE, None, None))
