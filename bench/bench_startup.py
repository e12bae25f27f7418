"""Cold start to a usable main window on the large dataset, against an empty PySide6 window.

Both are started as fresh processes, alternately, several times. Each child prints the wall
time at which its window is shown and has painted (ours: with the enterprise list's first
page loaded); the time is taken from the parent's spawn, so interpreter start-up and imports
count and process teardown does not. Prints the medians and the ratio (target ≤ 1.5×).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_large import DEFAULT_DB, generate  # noqa: E402

from jjg_desktop.config import resolve_paths  # noqa: E402
from jjg_desktop.services.startup import active_actor, open_store, set_profile  # noqa: E402

TARGET = 1.5

EMPTY_WINDOW = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1366, 768)
w.show()
def ready():
    print(f"READY {time.time()}", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def _time_child(cmd: list[str], env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("READY "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"child did not report ready:\n{out.stdout}\n{out.stderr}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    generate(args.db)
    store = open_store(resolve_paths(db=args.db))
    if active_actor(store) is None:
        set_profile(store, username="bench", display_name="测试员", role="county_clerk",
                    division_code="222404")
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               JJG_READY_PROBE="1")
    ours_cmd = [sys.executable, "-m", "jjg_desktop", "--db", str(args.db)]
    base_cmd = [sys.executable, "-c", EMPTY_WINDOW]

    _time_child(ours_cmd, env)  # warm the OS file cache for both, as a clerk's second start
    _time_child(base_cmd, env)
    ours, base = [], []
    for _ in range(args.runs):
        base.append(_time_child(base_cmd, env))
        ours.append(_time_child(ours_cmd, env))
    b, o = statistics.median(base), statistics.median(ours)
    ratio = o / b
    print(f"empty PySide6 window: median {b * 1000:.0f} ms  (min {min(base) * 1000:.0f})")
    print(f"吉建管 main window   : median {o * 1000:.0f} ms  (min {min(ours) * 1000:.0f})")
    print(f"ratio {ratio:.2f}× (target ≤ {TARGET}×) — {'OK' if ratio <= TARGET else 'MISSED'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
