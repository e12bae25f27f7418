"""The rule files the province publishes and the program ships: workflow and holiday calendar."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from jjg_desktop.paths import resource
from jjg_desktop.rules.workdays import CalendarError, WorkCalendar, parse_calendar
from jjg_desktop.rules.workflow import Workflow, WorkflowError, parse_workflow

WORKFLOW_FILE = ("workflows", "abnormal-list.v2.json")
CALENDAR_FILE = ("calendar", "holidays-cn.json")


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkflowError(f"无法读取规则文件 {path.name}：{exc}") from exc


@cache
def abnormal_list_workflow() -> Workflow:
    path = resource(*WORKFLOW_FILE)
    try:
        return parse_workflow(_json(path))
    except WorkflowError as exc:
        raise WorkflowError(f"流程文件 {path.name} 无效：{exc}") from exc


@cache
def work_calendar() -> WorkCalendar:
    path = resource(*CALENDAR_FILE)
    try:
        return parse_calendar(_json(path))
    except CalendarError as exc:
        raise CalendarError(f"节假日文件 {path.name} 无效：{exc}") from exc


def escalation_years() -> int | None:
    """After how many years on the list a case goes to the serious-violation list."""
    years = abnormal_list_workflow().periods.get("escalate_after_years")
    return int(years) if years else None


def escalation_due(listed_on: date | None, today: date) -> bool:
    """Whether a case listed on `listed_on` (and still listed) has been on the list for the
    published number of years by `today`."""
    years = escalation_years()
    if listed_on is None or years is None:
        return False
    try:
        due = listed_on.replace(year=listed_on.year + years)
    except ValueError:  # listed on 29 February; due on 1 March
        due = date(listed_on.year + years, 3, 1)
    return today >= due
