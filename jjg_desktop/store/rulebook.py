"""The rule files the province publishes and the program ships: workflow and holiday calendar.

The program ships a workflow and the calendar of the years known when it was built; what the
province publishes through sync (`published_rule` rows) overrides them once installed
(`install_published`, when the store opens and after each sync): the newest workflow, and
each published year's holidays in place of the shipped ones for that year.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jjg_desktop.paths import resource
from jjg_desktop.rules.workdays import CalendarError, WorkCalendar, parse_calendar
from jjg_desktop.rules.workflow import Workflow, WorkflowError, parse_workflow
from jjg_desktop.store.read.raw import Reader, rows

log = logging.getLogger(__name__)

WORKFLOW_FILE = ("workflows", "abnormal-list.v2.json")
CALENDAR_FILE = ("calendar", "holidays-cn.json")


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkflowError(f"无法读取规则文件 {path.name}：{exc}") from exc


@dataclass(frozen=True, slots=True)
class _Published:
    workflow: Workflow | None = None
    calendars: tuple[WorkCalendar, ...] = ()


_installed = [_Published()]


@cache
def shipped_workflow() -> Workflow:
    path = resource(*WORKFLOW_FILE)
    try:
        return parse_workflow(_json(path))
    except WorkflowError as exc:
        raise WorkflowError(f"流程文件 {path.name} 无效：{exc}") from exc


@cache
def shipped_calendar() -> WorkCalendar:
    path = resource(*CALENDAR_FILE)
    try:
        return parse_calendar(_json(path))
    except CalendarError as exc:
        raise CalendarError(f"节假日文件 {path.name} 无效：{exc}") from exc


def abnormal_list_workflow() -> Workflow:
    """The newest workflow the province published, else the one shipped."""
    return _installed[0].workflow or shipped_workflow()


def work_calendar() -> WorkCalendar:
    return _merged(shipped_calendar(), _installed[0].calendars)


@cache
def _merged(shipped: WorkCalendar, published: tuple[WorkCalendar, ...]) -> WorkCalendar:
    """Each published year replaces that year of the shipped calendar."""
    years = {y for c in published for y in c.years}
    holidays = {d for d in shipped.holidays if d.year not in years}
    makeup = {d for d in shipped.makeup_workdays if d.year not in years}
    for c in published:
        holidays |= c.holidays
        makeup |= c.makeup_workdays
    return WorkCalendar(frozenset(holidays), frozenset(makeup),
                        frozenset(shipped.years | years))


WORKFLOW, CALENDAR = "workflow", "calendar"
RULE_KINDS = (WORKFLOW, CALENDAR)


def install_published(session: Reader) -> list[str]:
    """Take up the rule files received from the province; what could not be used, said in
    Chinese (and logged), the shipped rules standing in for it."""
    problems: list[str] = []
    workflow: Workflow | None = None
    calendars: list[WorkCalendar] = []
    found = rows(session, "SELECT kind, code, version, content FROM published_rule "
                          "WHERE deleted_at IS NULL ORDER BY published_on, version")
    for kind, code, version, raw in found:
        content: Mapping[str, Any] = json.loads(raw) if isinstance(raw, str) else raw
        try:
            if kind == WORKFLOW and code == shipped_workflow().code:
                workflow = parse_workflow(content)
            elif kind == CALENDAR:
                calendars.append(parse_calendar(dict(content)))
        except (WorkflowError, CalendarError, ValueError) as exc:
            problems.append(f"省厅发布的{'流程' if kind == WORKFLOW else '节假日安排'}"
                            f" {code} 第 {version} 版无法使用：{exc}")
    for problem in problems:
        log.warning(problem)
    _installed[0] = _Published(workflow, tuple(calendars))
    return problems


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
