"""Finding an inspection by the number people say: '7', '007', '〔2026〕7', '2026-07',
'第7号' all find 珲春住建市检〔2026〕007号 — and not 017."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspection_support import site, started
from jjg_desktop.qt.inspections.inspection_page import InspectionPage
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.store.read.inspections import inspection_detail

OpenWindow = Callable[[], MainWindow]


def _numbers(page: InspectionPage) -> list[str]:
    model = page.list.model
    column = next(c for c in range(model.columnCount())
                  if model.headerData(c, Qt.Orientation.Horizontal) == "编号")
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


@pytest.mark.parametrize("typed", ["7", "007", "〔2026〕7", "〔2026〕007", "2026-07", "第7号",
                                   "[2026]7"])
def test_an_inspection_is_found_by_the_number_people_say(
        qtbot: QtBot, ctx: ServiceContext, store: Store, clock, open_window: OpenWindow,
        typed: str) -> None:
    place = site(store, clock.now)
    ids = [started(ctx, place.project_id) for _ in range(17)]
    with store.db.read() as session:
        detail = inspection_detail(session, ids[6])
    assert detail is not None
    wanted = detail.number
    assert wanted.endswith("〔2026〕007号")
    window = open_window()
    window.workspace.go("inspections")
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    qtbot.waitUntil(lambda: len(_numbers(page)) == 17)
    if typed.isascii():
        qtbot.keyClicks(page.list.search, typed)
    else:  # what an input method commits
        page.list.search.setText(typed)
    qtbot.waitUntil(lambda: _numbers(page) == [wanted])
    assert page.list.count_label.text() == "共 1 次检查"


def test_the_inspection_list_exports_as_shown(
        qtbot: QtBot, ctx: ServiceContext, store: Store, clock, open_window: OpenWindow,
        monkeypatch, tmp_path) -> None:
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    place = site(store, clock.now)
    for _ in range(12):
        started(ctx, place.project_id)
    window = open_window()
    window.workspace.go("inspections")
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    qtbot.keyClicks(page.list.search, "7")
    qtbot.waitUntil(lambda: len(_numbers(page)) == 1)
    target = tmp_path / "检查.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(target), "")))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(page.model.columnCount())]
    assert list(rows[0]) == headers
    assert len(rows) == 2 and rows[1][headers.index("编号")] == _numbers(page)[0]


def test_the_findings_of_the_listed_inspections_export_with_their_notices(
        qtbot: QtBot, ctx: ServiceContext, store: Store, clock, open_window: OpenWindow,
        monkeypatch, tmp_path) -> None:
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    from inspection_support import completed, photo_file
    from jjg_desktop.services import notices

    place = site(store, clock.now)
    inspection_id = completed(ctx, place.project_id, photo_file(tmp_path / "p.jpg"), {
        "SM-07": ("不符合", "告示牌不全"), "JS-06": ("不符合", "未提供支付担保")})
    issued = notices.issue_notices(ctx, inspection_id)
    window = open_window()
    window.workspace.go("inspections")
    page = window.pages["inspections"]
    assert isinstance(page, InspectionPage)
    qtbot.waitUntil(lambda: len(_numbers(page)) == 1)
    target = tmp_path / "问题清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(target), "")))
    qtbot.mouseClick(page.findings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("检查编号", "项目", "检查项", "存在的问题")
    by_item = {r[2]: r for r in rows[1:]}
    assert set(by_item) == {"SM-07", "JS-06"}
    with store.db.read() as session:
        from jjg_desktop.store.models import RectificationNotice

        numbers = {session.get_one(RectificationNotice, n).number for n in issued}
    assert {by_item[c][9] for c in by_item} == numbers  # each finding its unit's notice
    assert all(r[8] == "待整改" for r in rows[1:])
