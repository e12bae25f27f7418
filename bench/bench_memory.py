"""Memory with the 100k enterprise list open, against the app on an empty database.

    python bench/bench_memory.py [--db PATH] [--runs 3]

Each measurement is a fresh process that starts the app as `jjg-desktop` does (font, Qt's
Chinese texts, style, store, `build_main_window`, window shown at 1366×768, background sync
started with no server set) and then:

- empty: on a new database, shows the 入吉企业 page and waits for its (empty) list;
- large: on the large dataset, shows the 入吉企业 page with all 100 000 enterprises, scrolls
  to the bottom until the lazy model has every id (500 pages of 200), then steps down the
  whole list painting each screen (rows read in blocks into the bounded row cache) and back
  to the top.

Each then collects garbage, lets the event loop run for a second and reads its own
/proc/self/status: VmHWM (peak resident set) and VmRSS (settled, with its anonymous and
file-backed parts). Runs alternate empty and large; medians are printed. Target (DESIGN.md):
settled RSS with the list open ≤ the empty app's + 80 MB; exits 1 when missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_large import DEFAULT_DB, generate, with_bench_profile  # noqa: E402

TARGET_MB = 80.0
SCROLL_STEPS = 40
FIELDS = ("VmHWM", "VmRSS", "RssAnon", "RssFile")


def proc_status_mb() -> dict[str, float]:
    """This process's memory figures from /proc/self/status, in MB."""
    values: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in FIELDS:
            values[key] = int(rest.split()[0]) / 1024
    return values


def _child(db: Path, scroll: bool) -> None:
    from PySide6.QtWidgets import QApplication
    from qt_driver import open_db, run_for, show_window, start_app, wait_until

    from jjg_desktop.qt.kit.workspace import Destination

    app = start_app()
    store = open_db(db)
    window = show_window(store, start_sync=True)
    page = window.enterprises
    model, table = page.model, page.list.table
    window.go(Destination("enterprises"))
    wait_until(lambda: model.count is not None, 60, "the enterprise count")
    t = time.perf_counter()
    if scroll:
        wait_until(lambda: model.rowCount() > 0, 60, "the first page")
        bar = table.verticalScrollBar()
        while model.rowCount() < model.count:
            before = model.rowCount()
            table.scrollToBottom()
            wait_until(lambda before=before: model.rowCount() > before, 60,
                       f"the page after row {before}")
        for step in (*range(SCROLL_STEPS + 1), *reversed(range(SCROLL_STEPS))):
            bar.setValue(bar.maximum() * step // SCROLL_STEPS)
            table.viewport().repaint()
            QApplication.processEvents()
    scrolled_s = time.perf_counter() - t
    gc.collect()
    run_for(1000)
    result = {"rows": model.rowCount(), "count": model.count, "scrolled_s": scrolled_s,
              **proc_status_mb()}
    print("MEMORY " + json.dumps(result), flush=True)
    window.sync.shutdown()
    window.workspace.tasks.wait()
    store.close()
    app.quit()


def _measure(db: Path, scroll: bool, env: dict[str, str]) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(db)] + (["--scroll"] if scroll else [])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900,
                         check=False)
    for line in out.stdout.splitlines():
        if line.startswith("MEMORY "):
            return json.loads(line.removeprefix("MEMORY "))
    raise RuntimeError(f"child did not report:\n{out.stdout}\n{out.stderr}")


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--scroll", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.scroll)
        return 0

    generate(args.db)
    with_bench_profile(args.db)
    with tempfile.TemporaryDirectory(prefix="jjg-bench-memory-") as tmp:
        empty_db = Path(tmp) / "empty.sqlite"
        with_bench_profile(empty_db)
        config = Path(tmp) / "config"  # no server set: the sync stays idle
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   JJG_CONFIG_DIR=str(config))
        empty, large = [], []
        for _ in range(args.runs):
            empty.append(_measure(empty_db, False, env))
            large.append(_measure(args.db, True, env))

    print(f"memory, MB (median of {args.runs} fresh processes each)")
    print(f"{'':34}{'peak':>9}{'settled':>9}{'anon':>9}{'file':>9}")
    for label, runs in (("empty database, window shown", empty),
                        (f"100k list open, {large[0]['rows']} rows fetched", large)):
        print(f"{label:34}" + "".join(f"{_median(runs, k):9.1f}" for k in FIELDS))
    print(f"(the large run fetched its ids and painted the list in "
          f"{_median(large, 'scrolled_s'):.1f} s)")
    settled = _median(large, "VmRSS") - _median(empty, "VmRSS")
    peak = _median(large, "VmHWM") - _median(empty, "VmHWM")
    ok = settled <= TARGET_MB
    print(f"difference: settled +{settled:.1f} MB, peak +{peak:.1f} MB "
          f"(target settled ≤ +{TARGET_MB:.0f} MB) — {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
