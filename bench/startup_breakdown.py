"""Where the start-up time goes: the steps of `jjg-desktop --db <large dataset>` timed in
fresh processes, next to an empty PySide6 window's.

    python bench/startup_breakdown.py [--db PATH] [--runs 5]

Each child does what `jjg_desktop.qt.shell.app.run` does, in order, and reports the wall time at
the end of each step, from the parent's spawn: the interpreter up; PySide6 imported;
SQLAlchemy's ORM imported; the rest of our modules (`jjg_desktop.qt.shell.app` and what it
pulls in); QApplication with the font, Qt's Chinese texts and the style; the store opened
(schema check, reference data); the main window built; shown with the event loop's first
pass (the `READY` point of bench_startup.py). The background sync's start (keyring loaded
on a worker) is left out: it overlaps the first pass. Runs alternate with the empty window;
medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

EMPTY = """
import json, sys, time
marks = {"interpreter": time.time()}
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
marks["PySide6 imported"] = time.time()
app = QApplication([])
marks["QApplication"] = time.time()
w = QMainWindow()
w.resize(1366, 768)
w.show()
def ready():
    marks["shown, first event-loop pass"] = time.time()
    print("MARKS " + json.dumps(marks), flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""

OURS = """
import json, sys, time
marks = {"interpreter": time.time()}
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
marks["PySide6 imported"] = time.time()
import sqlalchemy.orm
marks["SQLAlchemy ORM imported"] = time.time()
from jjg_desktop.config import resolve_paths
from jjg_desktop.qt.shell.app import build_main_window, freeze_startup_heap
from jjg_desktop.qt.shell.fonts import install_bundled_font
from jjg_desktop.qt.shell.qt_chinese import install_qt_chinese
from jjg_desktop.qt.kit.style import apply_style
from jjg_desktop.services.startup import active_actor, open_store
marks["our modules imported"] = time.time()
app = QApplication([])
install_bundled_font(app)
install_qt_chinese(app)
apply_style(app)
marks["QApplication, font, style"] = time.time()
store = open_store(resolve_paths(db=sys.argv[1]), defer_large_backup=True)
actor = active_actor(store)
marks["store opened"] = time.time()
window = build_main_window(store, actor)
marks["main window built"] = time.time()
window.show()
freeze_startup_heap()
def ready():
    marks["shown, first event-loop pass"] = time.time()
    print("MARKS " + json.dumps(marks), flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
window.workspace.tasks.wait()
store.close()
"""


def _marks(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    for line in out.stdout.splitlines():
        if line.startswith("MARKS "):
            return {k: (v - start) * 1000 for k, v in json.loads(line[6:]).items()}
    raise RuntimeError(f"child did not report:\n{out.stdout}\n{out.stderr}")


def _table(title: str, runs: list[dict[str, float]]) -> None:
    print(title)
    before = 0.0
    for key in runs[0]:
        at = statistics.median(r[key] for r in runs)
        print(f"  {key:32}{at:7.0f} ms  (+{at - before:4.0f})")
        before = at


def main() -> int:
    sys.path.insert(0, str(HERE))
    from generate_large import DEFAULT_DB

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"{args.db}: run bench/bench_startup.py first (it sets the profile)")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    ours_cmd = [sys.executable, "-c", OURS, str(args.db)]
    empty_cmd = [sys.executable, "-c", EMPTY]
    _marks(ours_cmd, env)
    _marks(empty_cmd, env)
    ours, empty = [], []
    for _ in range(args.runs):
        empty.append(_marks(empty_cmd, env))
        ours.append(_marks(ours_cmd, env))
    _table(f"empty PySide6 window (median of {args.runs}, from spawn):", empty)
    _table(f"吉建管 on {args.db.name} (median of {args.runs}, from spawn):", ours)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
