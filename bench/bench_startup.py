"""Cold start: an empty PySide6 window against our first paint and our fully usable window.

Each start is a fresh process; they are started alternately, several times, on the demo
database and on the large dataset, with the bytecode cache warm and with none (every module
compiled at start, as on a first run). A child reports the wall time at which its window's
first paint pass has been drawn (`PAINTED`; ours: navigation, status bar and the 工作台) and
at which the store is open and the window attached (`READY`, ours: any page opens when
asked); the time is taken from the parent's spawn, so interpreter start-up and imports count.

A second kind of run probes the GUI thread with a 5 ms timer from the first paint to READY
and reports its longest lateness: how long the window could not repaint or take a key while
the rest loads (target ≤ 50 ms).

A second baseline, the floor, is the empty window that then imports SQLAlchemy's ORM: no
program whose pages read through the ORM can be usable sooner. It is started in the same
rounds, and its ratio printed beside ours.

With `--built DIR` (the one-folder program from scripts/build_app.py) the same is measured
for the PyInstaller build. Prints medians and the ratios (targets: first paint ≤ 1.5×, fully
usable ≤ 4× the empty window).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_large import DEFAULT_DB, generate, with_bench_profile  # noqa: E402

from jjg_desktop.cli.main import main as cli_main  # noqa: E402

PAINT_TARGET, USABLE_TARGET, STALL_TARGET_MS = 1.5, 4.0, 50.0

EMPTY_WINDOW = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1366, 768)
def ready():
    print(f"PAINTED {time.time()}", flush=True)
    print(f"READY {time.time()}", flush=True)
    app.quit()
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            w.removeEventFilter(self)
            QTimer.singleShot(0, ready)
        return False
spy = FirstPaint()
w.installEventFilter(spy)
w.show()
app.exec()
"""

FLOOR = EMPTY_WINDOW.replace('    print(f"READY', '    import sqlalchemy.orm\n    print(f"READY')

STALL_PROBE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from jjg_desktop.qt.shell import main_window
app = QApplication([])
last, worst = [0.0], [0.0]
def tick():
    now = time.perf_counter()
    if last[0]:
        worst[0] = max(worst[0], now - last[0] - 0.005)
    last[0] = now
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(tick)
shown = main_window.MainWindow.show
def show(self):
    shown(self)
    self.painted.connect(timer.start)
main_window.MainWindow.show = show
app.aboutToQuit.connect(lambda: print(f"STALL {worst[0] * 1000:.1f}", flush=True))
from jjg_desktop.cli.main import main
raise SystemExit(main(["--db", sys.argv[1]]))
"""


def _times(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    found = {}
    for line in out.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PAINTED", "READY"):
            found[word] = float(rest) - start
        elif word == "STALL":
            found[word] = float(rest) / 1000
    if "READY" not in found:
        raise RuntimeError(f"child did not report ready:\n{out.stdout}\n{out.stderr}")
    return found


def _env(cache: Path | None) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               JJG_READY_PROBE="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache is None:  # a fresh, empty cache folder per start: everything compiles
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="jjg-nocache-")
    else:
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def _measure(label: str, ours: list[str], base: list[str], runs: int,
             cache: Path | None) -> None:
    floor_cmd = [sys.executable, "-c", FLOOR]
    for cmd in (ours, base, floor_cmd):  # the OS file cache warm, as a clerk's second start
        _times(cmd, _env(cache))
    paint, usable, empty, floor = [], [], [], []
    for _ in range(runs):
        empty.append(_times(base, _env(cache))["PAINTED"])
        floor.append(_times(floor_cmd, _env(cache))["READY"])
        found = _times(ours, _env(cache))
        paint.append(found.get("PAINTED", found["READY"]))
        usable.append(found["READY"])
    e = statistics.median(empty)
    p, u = statistics.median(paint) / e, statistics.median(usable) / e
    print(f"{label:<44} empty {_ms(empty):>8} | first paint {_ms(paint):>8} ({p:.2f}×, "
          f"{'met' if p <= PAINT_TARGET else 'MISSED'}) | usable {_ms(usable):>8} "
          f"({u:.2f}×, {'met' if u <= USABLE_TARGET else 'MISSED'}) | floor, empty window "
          f"+ SQLAlchemy ORM {_ms(floor):>8} ({statistics.median(floor) / e:.2f}×)", flush=True)


def _stall(label: str, db: Path, runs: int, cache: Path) -> None:
    worst = [_times([sys.executable, "-c", STALL_PROBE, str(db)], _env(cache))["STALL"]
             for _ in range(runs)]
    m = max(worst) * 1000
    print(f"{label:<44} GUI thread from first paint to usable: longest stall median "
          f"{statistics.median(worst) * 1000:.0f} ms, worst {m:.0f} ms "
          f"({'met' if m <= STALL_TARGET_MS else 'MISSED'} ≤ {STALL_TARGET_MS:.0f} ms)",
          flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--large", type=Path, default=DEFAULT_DB)
    ap.add_argument("--demo", type=Path, default=Path(tempfile.gettempdir()) / "jjg-bench"
                    / "demo.sqlite")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--built", type=Path, help="the one-folder program (dist/jjg-desktop)")
    args = ap.parse_args()

    generate(args.large)
    if not args.demo.exists():
        args.demo.parent.mkdir(parents=True, exist_ok=True)
        cli_main(["demo", "--db", str(args.demo)])
    for db in (args.demo, args.large):
        with_bench_profile(db)
    cache = Path(tempfile.mkdtemp(prefix="jjg-pycache-"))
    base = [sys.executable, "-c", EMPTY_WINDOW]
    try:
        for name, db in (("demo", args.demo), ("large", args.large)):
            ours = [sys.executable, "-m", "jjg_desktop", "--db", str(db)]
            _measure(f"{name}, bytecode cached", ours, base, args.runs, cache)
            _measure(f"{name}, no bytecode", ours, base, max(3, args.runs // 2), None)
            _stall(f"{name}, bytecode cached", db, args.runs, cache)
            if args.built:
                program = args.built / ("jjg-desktop.exe" if os.name == "nt" else "jjg-desktop")
                _measure(f"{name}, PyInstaller build", [str(program), "--db", str(db)], base,
                         args.runs, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
