"""What the province publishes through sync — next year's holidays and a new workflow —
reaches every laptop: working-day deadlines count the published holidays and the decisions
print the periods the province set; a published version never changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from sync_support import Device, LiveServer

from jjg_desktop.paths import resource
from jjg_desktop.rules.workflow import due_date
from jjg_desktop.services.startup import open_store
from jjg_desktop.store import rulebook
from jjg_server.publish import PublishError, publish_calendar, publish_workflow

NOW = date(2026, 12, 28)
CALENDAR_2027 = {
    "title": "2027年部分节假日安排", "updated": "2026-11",
    "years": {"2027": {"holidays": ["2027-01-01", "2027-01-02", "2027-01-03"],
                       "workdays": ["2027-01-04"]}},
}


@pytest.fixture(autouse=True)
def shipped_rules_afterwards():
    yield
    rulebook._installed[0] = rulebook._Published()


def _publish(live: LiveServer, action: Callable[..., str], path: Path) -> str:
    from datetime import UTC, datetime

    with Session(live.engine) as session, session.begin():
        return action(session, path, now=datetime(2026, 12, 1, 2, tzinfo=UTC))


def test_next_years_holidays_reach_the_laptop_and_count(
        live: LiveServer, devices: Callable[[str], Device], tmp_path: Path) -> None:
    laptop = devices("hc_clerk")
    laptop.sync()
    assert rulebook.work_calendar().unknown_years(NOW, date(2027, 1, 8)) == [2027]
    before = rulebook.work_calendar().add_workdays(date(2026, 12, 31), 1)
    assert before == date(2027, 1, 1)  # weekends only: New Year's Day counted as a working day

    path = tmp_path / "holidays-2027.json"
    path.write_text(json.dumps(CALENDAR_2027, ensure_ascii=False), encoding="utf-8")
    assert "2027 年节假日安排" in _publish(live, publish_calendar, path)
    laptop.sync()
    calendar = rulebook.work_calendar()
    assert calendar.unknown_years(NOW, date(2027, 1, 8)) == []
    assert calendar.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)  # a make-up day
    assert calendar.is_workday(date(2026, 10, 10))  # the shipped years stand

    # publishing the same version again changes nothing; other content under it is refused
    assert "2027 年" in _publish(live, publish_calendar, path)
    changed = dict(CALENDAR_2027, years={"2027": {"holidays": ["2027-01-01"]}})
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PublishError, match="内容不得更改"):
        _publish(live, publish_calendar, path)


def test_a_published_workflow_sets_the_periods_the_laptops_print(
        live: LiveServer, devices: Callable[[str], Device], tmp_path: Path) -> None:
    laptop = devices("hc_clerk")
    shipped = json.loads(resource("workflows", "abnormal-list.v2.json").read_text("utf-8"))
    assert rulebook.abnormal_list_workflow().periods["rectification_days"] == 90
    newer = dict(shipped, version="3",
                 periods=dict(shipped["periods"], rectification_days=60))
    path = tmp_path / "abnormal-list.v3.json"
    path.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    assert "第 3 版" in _publish(live, publish_workflow, path)
    laptop.sync()
    workflow = rulebook.abnormal_list_workflow()
    assert (workflow.version, workflow.periods["rectification_days"]) == ("3", 60)
    listed = workflow.documents["listed"].conditions.format(
        rectification_days=workflow.periods["rectification_days"], objection_days=30,
        statement_days=5, division="珲春市")
    assert "60日内完成整改" in listed
    # the program started again takes it up from its own store, before any sync
    rulebook._installed[0] = rulebook._Published()
    assert rulebook.abnormal_list_workflow().version == "2"
    open_store(laptop.store.paths).close()
    assert rulebook.abnormal_list_workflow().version == "3"
    assert due_date(workflow.transition("notify_listing"), NOW, rulebook.work_calendar())
