"""A demo database opens as it was on its as-of date: counts and deadlines make sense."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from jjg_desktop.demo.build import build_demo
from jjg_desktop.qt.app import build_main_window
from jjg_desktop.qt.tasks import TaskRunner
from jjg_desktop.services import enterprises
from jjg_desktop.services.context import local_date
from jjg_desktop.services.startup import active_actor
from jjg_desktop.store.models import AuditEntry


def test_the_demo_lives_on_its_as_of_date(qtbot: QtBot, store, tasks: TaskRunner) -> None:
    build_demo(store)
    window = build_main_window(store, active_actor(store), tasks=tasks)
    qtbot.addWidget(window)
    window.show()

    as_of = date(2023, 11, 20)
    assert window.workspace.today() == as_of
    assert window.status.demo_label is not None
    assert window.status.demo_label.text() == "演示数据 · 日期 2023-11-20"
    tile = next(t for t in window.pages["dashboard"].tiles if t.tile.caption == "本年检查")
    qtbot.waitUntil(lambda: tile.number.text() not in ("", "0"))

    ctx = window.workspace.service()
    with store.db.read() as s:
        ent_id = s.execute(text("SELECT id FROM enterprise LIMIT 1")).scalar_one()
    enterprises.update_contact(ctx, ent_id, contact_person="测试联系人")
    with store.db.read() as s:
        last = s.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
    assert local_date(last.at) == as_of
