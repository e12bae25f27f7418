"""双随机 through the GUI: the pool with employment history, a draw with its seed, method and
candidates hash, a member who steps aside and why, 验证抽取, and opening the drawn inspection."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.inspections.draw_dialog import DrawDialog
from jjg_desktop.qt.inspections.inspection_page import InspectionPage
from jjg_desktop.qt.inspections.pool_dialog import PoolDialog
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.services.context import Store
from jjg_desktop.store.models import InspectionDraw
from jjg_desktop.store.read.draws import pool_members

if TYPE_CHECKING:
    from conftest import Sample, TypeChinese

OpenWindow = Callable[[], MainWindow]


def credit_code_of(store: Store, enterprise_id: str) -> str:
    from jjg_desktop.store.models import Enterprise
    with store.db.read() as session:
        ent = session.get(Enterprise, enterprise_id)
        assert ent is not None
        return ent.credit_code


def fill_pool(qtbot: QtBot, pool: PoolDialog, type_chinese: TypeChinese,
              contractor_code: str) -> None:
    """Two officials (one is the user), an expert who worked for the contractor, another."""
    people = [("干部", "刘晓燕", "吉建执2204001", "", "clerk01"),
              ("专家", "赵立新", "", "建筑市场", ""),
              ("专家", "孙海波", "", "工程造价", "")]
    for kind, name, cert, specialty, username in people:
        pool.kind.setCurrentText(kind)
        type_chinese(pool.name, name)
        pool.cert_no.setText(cert)
        if specialty:
            type_chinese(pool.specialty, specialty)
        pool.username.setText(username)
        qtbot.mouseClick(pool.add_button, Qt.MouseButton.LeftButton)
        assert pool.message.text() == f"已将 {name} 添加到检查人员库"
    conflicted = next(n for n in range(pool.tree.topLevelItemCount())
                      if pool.tree.topLevelItem(n).text(0) == "赵立新")
    pool.tree.setCurrentItem(pool.tree.topLevelItem(conflicted))
    pool.credit_code.setText(contractor_code)
    type_chinese(pool.enterprise, "珲春市鑫源建筑工程有限公司")
    pool.start.setDate(pool.start.date().addYears(-5))
    pool.still.setChecked(True)
    qtbot.mouseClick(pool.job_button, Qt.MouseButton.LeftButton)
    assert "珲春市鑫源建筑工程有限公司" in pool.tree.topLevelItem(conflicted).text(5)


def draw_one(qtbot: QtBot, window: MainWindow, type_chinese: TypeChinese,
             contractor_code: str) -> DrawDialog:
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    window.show_page(1)
    qtbot.mouseClick(page.draw_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, DrawDialog) and dialog.isVisible()
    qtbot.mouseClick(dialog.pool_button, Qt.MouseButton.LeftButton)
    assert dialog.pool_dialog is not None
    fill_pool(qtbot, dialog.pool_dialog, type_chinese, contractor_code)
    dialog.pool_dialog.reject()
    assert dialog.pool_label.text() == "人员库：干部 1 人，专家 2 人"
    dialog.projects.setValue(1)
    dialog.experts.setValue(0)
    assert dialog.experts.value() == 1  # a team has officials and experts
    dialog.planned_on.setDate(dialog.planned_on.date().addDays(3))
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    return dialog


def test_draw_shows_result_verifies_and_opens_the_inspection(
        qtbot: QtBot, sample: Sample, store: Store, open_window: OpenWindow,
        type_chinese: TypeChinese, monkeypatch: pytest.MonkeyPatch) -> None:
    contractor = sample.enterprise("珲春市鑫源建筑工程有限公司")
    project = sample.project("珲春市第一中学教学楼新建工程", parties={"施工单位": contractor})
    window = open_window()
    dialog = draw_one(qtbot, window, type_chinese, credit_code_of(store, contractor))

    with store.db.read() as session:
        draw = session.get(InspectionDraw, dialog.draw_id)
        assert draw is not None
        seed, digest = draw.seed, draw.candidates_hash
        assert len(pool_members(session, "222404")) == 3
    summary = dialog.summary.text()
    assert seed in summary and digest in summary and "费雪-耶茨洗牌法" in summary
    assert "由 刘晓燕 抽取" in summary and "clerk01" not in summary
    assert "sha256-ctr-fisher-yates/v1" in dialog.summary.toolTip()
    assert dialog.result.topLevelItemCount() == 1
    team = dialog.result.topLevelItem(0)
    assert "珲春市第一中学教学楼新建工程" in team.text(0)
    assert set(team.text(1).split("、")) == {"刘晓燕", "孙海波"}
    children = [(team.child(n).text(1), team.child(n).text(2)) for n in range(team.childCount())]
    assert ("刘晓燕（干部）", "吉建执2204001") in children
    aside = [reason for who, reason in children if who == "赵立新（回避）"]
    if aside:  # drawn before 孙海波: steps aside, and says why
        assert "曾任职于本项目参建单位（珲春市鑫源建筑工程有限公司，" in aside[0]
        assert credit_code_of(store, contractor) not in aside[0]

    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.text().startswith("验证通过")

    # drawing again needs a reason, and the new draw says it is a re-draw and why
    first = dialog.draw_id
    assert dialog.draw_button.text() == "重新抽取…"
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("", True)))
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    assert dialog.draw_id == first and "须说明重新抽取的原因" in dialog.verdict.text()
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *_a, **_k: ("抽中项目已停工", True)))
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    assert dialog.draw_id != first
    assert dialog.summary.text().startswith("重新抽取（原因：抽中项目已停工；替代 ")
    with store.db.read() as session:
        again = session.get(InspectionDraw, dialog.draw_id)
        assert again is not None and again.params["redraw_of"] == first
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.text().startswith("验证通过")
    team = dialog.result.topLevelItem(0)

    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    dialog.result.setCurrentItem(team)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert page.currentWidget() is page.form
    detail = page.form.detail
    assert detail is not None and detail.project_id == project and detail.sealed
    assert detail.planned_on == dialog.planned_on.date().toPython()
    assert detail.planned_on is not None
    assert (detail.planned_on - window.workspace.today()).days == 3
    assert page.form.start_button.isVisible()
    assert not page.form.complete_button.isVisible()


def test_a_draw_without_enough_people_says_why(qtbot: QtBot, sample: Sample,
                                                open_window: OpenWindow) -> None:
    project = sample.project("珲春市第一中学教学楼新建工程")
    window = open_window()
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    window.show_page(1)
    qtbot.mouseClick(page.draw_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, DrawDialog)
    dialog.projects.setValue(1)
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.text().startswith("未能抽取：")
    assert "项目“珲春市第一中学教学楼新建工程”" in dialog.verdict.text()
    assert project not in dialog.verdict.text()
    assert dialog.draw_id == ""
    assert not dialog.verify_button.isEnabled()
    assert dialog.isVisible()
