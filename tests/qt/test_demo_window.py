"""A demo database opens as it was on its as-of date: counts and deadlines make sense."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from jjg_desktop.demo.build import build_demo
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.shell.app import build_main_window
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


def test_the_first_draw_on_the_demo_succeeds_and_the_pool_checks_what_is_typed(
        qtbot: QtBot, store, tasks: TaskRunner) -> None:
    from PySide6.QtCore import Qt

    from jjg_desktop.qt.inspections.draw_dialog import DrawDialog
    from jjg_desktop.qt.inspections.inspection_page import InspectionPage

    build_demo(store)
    window = build_main_window(store, active_actor(store), tasks=tasks)
    qtbot.addWidget(window)
    window.show()
    window.workspace.go("inspections")
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    qtbot.mouseClick(page.draw_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, DrawDialog)
    assert dialog.pool_label.text() == "人员库：干部 3 人，专家 12 人"
    dialog.projects.setValue(2)
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    assert dialog.draw_id, dialog.verdict.text()
    assert dialog.result.topLevelItemCount() == 2

    qtbot.mouseClick(dialog.pool_button, Qt.MouseButton.LeftButton)
    pool = dialog.pool_dialog
    assert pool is not None
    pool.kind.setCurrentText("专家")
    pool.name.setText("周立群")
    pool.phone.setText("abc")
    qtbot.mouseClick(pool.add_button, Qt.MouseButton.LeftButton)
    assert "联系电话只能包含数字" in pool.message.text()
    pool.phone.setText("13904331234")
    qtbot.mouseClick(pool.add_button, Qt.MouseButton.LeftButton)
    assert pool.message.text() == "已将 周立群 添加到检查人员库"
    pool.tree.setCurrentItem(pool.tree.topLevelItem(0))
    pool.credit_code.setText("91222404MA0000000X")
    pool.enterprise.setText("珲春市某建筑公司")
    qtbot.mouseClick(pool.job_button, Qt.MouseButton.LeftButton)
    assert "任职单位的统一社会信用代码有误" in pool.message.text()

    # correct a member's phone, then take them out of the draws
    row = next(n for n in range(pool.tree.topLevelItemCount())
               if pool.tree.topLevelItem(n).text(0) == "周立群")
    pool.tree.setCurrentItem(pool.tree.topLevelItem(row))
    assert pool.phone.text() == "13904331234" and pool.update_button.isEnabled()
    pool.phone.setText("0433-7512345")
    qtbot.mouseClick(pool.update_button, Qt.MouseButton.LeftButton)
    assert pool.message.text() == "已保存 周立群 的修改"
    assert next(m for m in pool.members if m.name == "周立群").phone == "0433-7512345"
    qtbot.mouseClick(pool.deactivate_button, Qt.MouseButton.LeftButton)
    assert pool.message.text() == "已停用 周立群：不再参与抽取"
    assert "周立群" not in {m.name for m in pool.members}
    pool.reject()
    assert dialog.pool_label.text() == "人员库：干部 3 人，专家 12 人"
