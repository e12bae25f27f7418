"""Widgets on the offscreen platform: a prepared application, a synchronous task runner,
the main window on a fresh database, and builders for the records the lists show."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.kit.style import apply_style
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.shell.app import build_main_window
from jjg_desktop.qt.shell.fonts import install_bundled_font
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.shell.qt_chinese import install_qt_chinese
from jjg_desktop.rules.credit_code import complete
from jjg_desktop.services.context import Actor, Store
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import (
    AbnormalCase,
    ChecklistTemplate,
    Enterprise,
    Inspection,
    Project,
    ProjectParty,
)

TODAY = date(2026, 5, 18)
NOW = datetime(2026, 5, 18, 1, 30)

# The offscreen platform has no window system to pass size limits to, raise a window in, or
# grab the keyboard for a popup (a completer's list), and warns each time; only that platform
# emits these. Every other Qt warning fails the test.
OFFSCREEN_ONLY = (r"^This plugin does not support "
                  r"(propagateSizeHints\(\)|raise\(\)|grabbing the (keyboard|mouse))$")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_ONLY))


@pytest.fixture(scope="session", autouse=True)
def prepared_app(qapp: Any) -> Any:
    install_bundled_font(qapp)
    install_qt_chinese(qapp)
    apply_style(qapp)
    return qapp


@pytest.fixture
def tasks() -> TaskRunner:
    return TaskRunner(synchronous=True)


@pytest.fixture
def open_window(qtbot: QtBot, store: Store, actor: Actor,
                tasks: TaskRunner) -> Iterator[Callable[[], MainWindow]]:
    """Opens the main window (after the test has put its data in)."""
    opened: list[MainWindow] = []

    def open_() -> MainWindow:
        win = build_main_window(store, actor, tasks=tasks, today=lambda: TODAY)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        with qtbot.waitActive(win):
            win.show()
            win.activateWindow()
        opened.append(win)
        return win

    yield open_
    for win in opened:
        win.close()


@pytest.fixture
def window(open_window: Callable[[], MainWindow]) -> MainWindow:
    return open_window()


class Sample:
    """Records as the provincial server would have sent them (no audit, no outbox)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._serial = itertools.count(1)
        self._template: str | None = None

    def _synced(self, **values: Any) -> dict[str, Any]:
        return {"id": new_id(), "created_at": NOW, "updated_at": NOW, "server_version": 1,
                **values}

    def enterprise(self, name: str, *, contact_person: str = "", contact_phone: str = "",
                   status: str = "正常", home: tuple[str, str] = ("220000", "吉林省"),
                   address: str = "") -> str:
        code = complete(f"91222404MA{next(self._serial):06d}")
        ent = Enterprise(**self._synced(
            credit_code=code, name=name, home_province_code=home[0], home_province=home[1],
            division_code="222404", contact_person=contact_person, contact_phone=contact_phone,
            status=status, address=address))
        with self.store.db.write() as s:
            s.add(ent)
        return ent.id

    def enterprises(self, count: int) -> list[str]:
        """`count` enterprises named 珲春第N建筑有限公司, registered in that order."""
        ids = []
        with self.store.db.write() as s:
            for n in range(1, count + 1):
                ent = Enterprise(**self._synced(
                    credit_code=complete(f"91222404MA{next(self._serial):06d}"),
                    name=f"珲春第{n}建筑有限公司", home_province_code="220000",
                    home_province="吉林省", division_code="222404"))
                s.add(ent)
                ids.append(ent.id)
        return ids

    def project(self, name: str, *, status: str = "在建",
                parties: dict[str, str] | None = None) -> str:
        serial = next(self._serial)
        project = Project(**self._synced(code=f"2224042026{serial:04d}", name=name,
                                         division_code="222404", status=status,
                                         start_date=date(2026, 4, 1)))
        with self.store.db.write() as s:
            s.add(project)
            s.flush()
            for role, enterprise_id in (parties or {}).items():
                s.add(ProjectParty(**self._synced(project_id=project.id,
                                                  enterprise_id=enterprise_id, role=role)))
        return project.id

    def inspection(self, project_id: str, number: str, *, status: str = "completed",
                   on: date = TODAY, method: str = "unannounced") -> str:
        with self.store.db.write() as s:
            if self._template is None:
                template = ChecklistTemplate(**self._synced(
                    code="JZSC", version="2026.1", title="建筑市场执法检查表", content={},
                    content_hash="0" * 64))
                s.add(template)
                s.flush()
                self._template = template.id
            inspection = Inspection(**self._synced(
                number=number, project_id=project_id, template_id=self._template,
                division_code="222404", method=method, status=status, planned_on=on,
                completed_at=datetime.combine(on, datetime.min.time()).replace(hour=3)
                if status == "completed" else None))
            s.add(inspection)
        return inspection.id

    def case(self, enterprise_id: str, *, state: str = "proposed", deadline: date | None = None,
             grounds: tuple[str, ...] = ("联系不上",)) -> str:
        case = AbnormalCase(**self._synced(enterprise_id=enterprise_id, division_code="222404",
                                           state=state, grounds=list(grounds),
                                           deadline=deadline))
        with self.store.db.write() as s:
            s.add(case)
        return case.id


def _type_chinese(widget: QWidget, text: str) -> None:
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


TypeChinese = Callable[[QWidget, str], None]


@pytest.fixture
def type_chinese() -> TypeChinese:
    """Types Chinese as an input method does: it commits whole words to the focused field.

    (QTest.keyClicks only knows keys that have a Latin-1 character.)
    """
    return _type_chinese


@pytest.fixture
def sample(store: Store) -> Sample:
    return Sample(store)
