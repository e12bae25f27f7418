"""The first paint: the window shows the 工作台 before SQLAlchemy is loaded, from a plain
sqlite3 read that must agree with the read model; what is clicked before the store is open is
opened once it is; and what cannot be painted first goes the long way."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from jjg_desktop.config import Paths
from jjg_desktop.demo.build import build_demo
from jjg_desktop.qt.kit.presets import OPEN, Destination
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.shell.opening import make_workspace
from jjg_desktop.services.context import Actor, Store
from jjg_desktop.services.startup import active_actor, demo_as_of, open_store, set_profile
from jjg_desktop.store.read.dashboard import read_dashboard
from jjg_desktop.store.read.first_screen import read_first_dashboard, read_first_screen

HEAVY = ("sqlalchemy", "pydantic", "alembic", "PIL", "reportlab", "openpyxl", "requests",
         "keyring",
         # the Designer-form loader, and the province's rules (parsed for deadlines, shown
         # only after the figures arrive)
         "PySide6.QtUiTools", "jjg_desktop.store.rulebook", "jjg_desktop.rules.workflow",
         # the rotating log's module (with socket and pickle): a plain file until the paint
         "logging.handlers")


def test_the_first_screen_reads_what_the_read_model_reads(store: Store) -> None:
    build_demo(store)
    first = read_first_screen(store.db.path)
    assert first is not None
    actor = active_actor(store)
    assert actor is not None
    assert (first.profile.username, first.profile.display_name, first.profile.role,
            first.profile.division_code) == (actor.username, actor.display_name, actor.role,
                                             actor.division_code)
    assert first.demo_as_of == demo_as_of(store) is not None

    raw = read_first_dashboard(store.db.path, first)
    with store.db.read() as session:
        model = read_dashboard(session, actor.role, actor.division_code, first.today())
    assert raw == model
    # the comparison means something only if the demo fills every part of the screen
    assert raw is not None and raw.counts.enterprises > 0 and raw.counts.inspections_this_year
    assert raw.inspections and raw.cases and raw.coverage.active_projects
    assert raw.overdue or raw.reinspections


def test_what_cannot_be_painted_first_goes_the_long_way(tmp_path: Path, paths: Paths) -> None:
    assert read_first_screen(tmp_path / "none.sqlite") is None
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    assert read_first_screen(foreign) is None
    not_a_database = tmp_path / "garbage.sqlite"
    not_a_database.write_bytes(b"not a database at all" * 100)
    assert read_first_screen(not_a_database) is None

    store = open_store(paths)
    store.close()
    assert read_first_screen(paths.db_path) is None  # nobody works here yet: ask first
    store = open_store(paths)
    set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                division_code="222404")
    store.close()
    assert read_first_screen(paths.db_path) is not None
    conn = sqlite3.connect(paths.db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0009'")
    conn.close()
    assert read_first_screen(paths.db_path) is None  # an upgrade comes first


PROBE = textwrap.dedent("""
    import sys
    from jjg_desktop.qt.shell import main_window
    shown = main_window.MainWindow.show
    def show(self):
        names = set(sys.argv[2].split(','))
        heavy = sorted({m for m in sys.modules if m in names} |
                       ({m.split('.')[0] for m in sys.modules} & names))
        print('AT-PAINT', ','.join(heavy), flush=True)
        from PySide6 import QtCore
        print('QT-NAMESPACE', 'Qt' in vars(QtCore), flush=True)
        shown(self)
    main_window.MainWindow.show = show
    from jjg_desktop.cli.main import main
    raise SystemExit(main(['--db', sys.argv[1]]))
""")


def test_nothing_heavy_is_loaded_before_the_first_paint(tmp_path: Path, paths: Paths) -> None:
    store = open_store(paths)
    set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                division_code="222404")
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", JJG_READY_PROBE="1")
    out = subprocess.run([sys.executable, "-c", PROBE, str(paths.db_path), ",".join(HEAVY)],
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] if " " in line else ""
             for line in out.stdout.splitlines()}
    assert lines["AT-PAINT"] == ""
    # PySide6 builds the Qt namespace's enums on first use (~30 ms): not before the paint
    assert lines["QT-NAMESPACE"] == "False"
    assert float(lines["PAINTED"]) < float(lines["READY"])


def _actor(store: Store) -> Actor:
    return set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                       division_code="222404")


def test_a_click_before_the_store_is_open_is_answered_then_done(
        qtbot: QtBot, store: Store) -> None:
    actor = _actor(store)
    workspace = make_workspace(store, actor, TaskRunner(synchronous=True))
    window = MainWindow(actor.display_name, workspace.today())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted, timeout=500):  # drawn, not the fallback's second
        window.show()
    assert window.page_key() == "dashboard"
    assert not window.settings_action.isEnabled()
    # set by the style sheet, so that the paint does not build the Qt namespace
    assert window.nav.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert window.nav.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff

    tile = next(t for t in window.dashboard.tiles if t.tile.caption == "办理中的异常名录案件")
    qtbot.mouseClick(tile.number, Qt.MouseButton.LeftButton)  # the number is the tile too
    assert window.page_key() == "cases"
    stand_in = window.stack.currentWidget()
    assert isinstance(stand_in, QLabel) and stand_in.text() == "正在载入“异常名录”…"
    assert stand_in.alignment() == Qt.AlignmentFlag.AlignCenter
    assert window.statusBar().currentMessage() == "正在打开数据库，稍后自动打开…"

    window.attach(workspace)
    page = window.stack.currentWidget()
    assert window.page_key() == "cases" and page.objectName() == "casesPage"
    assert page.state.currentData() == OPEN
    assert window.settings_action.isEnabled()
    with qtbot.waitSignal(window.ready, timeout=5000):
        pass
    # pages are built when first asked for, not in the background
    assert set(window.built_pages()) == {"dashboard", "cases"}
    window.go(Destination("enterprises"))
    assert window.stack.currentWidget().objectName() == "enterprisesPage"
    assert set(window.built_pages()) == {"dashboard", "cases", "enterprises"}
    window.close()


def test_a_window_not_drawn_still_loads_the_rest(qtbot: QtBot, store: Store) -> None:
    """Started minimised (or drawn without the navigation being painted), the start does not
    wait for a paint that does not come: `painted` follows a second after showing."""
    actor = _actor(store)
    window = MainWindow(actor.display_name, date(2023, 6, 1))
    qtbot.addWidget(window)
    window.nav.removeEventFilter(window)  # as if no paint reached it
    fired: list[bool] = []
    window.painted.connect(lambda: fired.append(True))
    window.show()
    qtbot.wait(200)
    assert fired == []
    with qtbot.waitSignal(window.painted, timeout=3000):
        pass
    qtbot.wait(50)
    assert fired == [True]  # once
