"""Screenshots of the main window's pages, the inspection form and the dialogs on the demo
database, at a given screen size and scale factors, and a check that nothing is larger than
the screen.

    python scripts/screenshots.py [--db /tmp/demo-shots.sqlite] [--out /tmp/jjg-shots]
                                  [--screen 1366x768] [--scales 1,1.5,2] [--readme]

The demo database is built first if the file does not exist (`jjg-desktop demo --db`).
Each scale factor runs in a process of its own on Qt's offscreen platform with one screen of
the given size in physical pixels (`offscreen:configfile=`) and QT_SCALE_FACTOR set, so at
1.5 a 1366×768 screen is 911×512 logical pixels. The offscreen screen is the part above
a Windows taskbar (40 logical pixels), i.e. what the app is told is available; the main
window fills what a maximised window gets there (less a 31-pixel title bar). Every image is
in physical pixels, without the title bar.

Written to OUT/<screen>@<percent>/: one PNG per page (工作台, 检查, 项目, 入吉企业, 异常名录,
同步), the inspection form (the in-progress inspection with the most answers), and each
dialog (设置, 导入登记表, 新建检查, 双随机抽取, 动态核查, PDF 预览). A window or dialog that does
not fit the screen above the taskbar, title bar included, is printed as a problem; the exit
code is 1 if there was one. `--readme` shoots the README's set instead and writes it into
docs/screenshots/ as palette PNGs: the six pages at 1366×768, the inspection form at 150 % on
a 1920×1080 panel and the enterprise list at 200 % on a 2560×1440 one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README_DIR = ROOT / "docs" / "screenshots"
README_SET = [("1366x768", 1.0, name) for name in ("dashboard", "inspections", "projects",
                                                   "enterprises", "cases", "sync")] + [
    ("1920x1080", 1.5, "inspection-form"), ("2560x1440", 2.0, "enterprises")]
"""(screen, scale, shot): the pages at 1366×768; 150 % and 200 % on the panels that use them."""
SETTLE_ROUNDS = 4
TASKBAR, TITLE_BAR = 40, 31
"""Logical pixels Windows takes from the screen for its taskbar and a window's title bar."""


def _percent(scale: float) -> int:
    return round(scale * 100)


# --- the child: one scale factor ----------------------------------------------------------


def _shoot(db: Path, out: Path) -> list[str]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from jjg_desktop.config import resolve_paths
    from jjg_desktop.qt.kit.presets import OPEN_FORM
    from jjg_desktop.qt.kit.style import apply_style
    from jjg_desktop.qt.kit.workspace import Destination
    from jjg_desktop.qt.shell.app import build_main_window
    from jjg_desktop.qt.shell.fonts import install_bundled_font
    from jjg_desktop.qt.shell.qt_chinese import install_qt_chinese
    from jjg_desktop.services.startup import active_actor, open_store

    app = QApplication([])
    install_bundled_font(app)
    install_qt_chinese(app)
    apply_style(app)
    work_area = app.primaryScreen().availableGeometry()
    problems: list[str] = []

    def settle() -> None:
        for _ in range(SETTLE_ROUNDS):
            window.workspace.tasks.wait()
            loop = QEventLoop()
            QTimer.singleShot(60, loop.quit)
            loop.exec()

    def save(widget: QWidget, name: str) -> None:
        settle()
        width, height = widget.width(), widget.height() + TITLE_BAR
        if width > work_area.width() or height > work_area.height():
            problems.append(f"{name}: {width}×{height} with its title bar, larger than the "
                            f"{work_area.width()}×{work_area.height()} left by the taskbar "
                            "(logical pixels)")
        widget.grab().save(str(out / f"{name}.png"), "PNG")

    store = open_store(resolve_paths(db=db))
    actor = active_actor(store)
    assert actor is not None, "the demo database has a profile"
    window = build_main_window(store, actor)
    window.resize(work_area.width(), work_area.height() - TITLE_BAR)
    window.show()
    for row, key in enumerate(window.pages):
        window.show_page(row)
        save(window, key)

    with store.db.read() as session:
        inspection_id = session.connection().exec_driver_sql(
            "SELECT i.id FROM inspection i LEFT JOIN inspection_answer a "
            "ON a.inspection_id = i.id WHERE i.status = 'in_progress' "
            "GROUP BY i.id ORDER BY count(a.id) DESC LIMIT 1").scalar_one()
    window.go(Destination("inspections", inspection_id, OPEN_FORM))
    save(window, "inspection-form")
    for name, dialog in _dialogs(window, out):
        dialog.show()
        save(dialog, f"dialog-{name}")
        dialog.close()
    window.close()
    window.workspace.tasks.wait()
    store.close()
    return problems


def _dialogs(window: Any, out: Path) -> list[tuple[str, Any]]:
    from jjg_desktop.qt.inspections.draw_dialog import DrawDialog
    from jjg_desktop.qt.inspections.new_inspection_dialog import NewInspectionDialog
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview
    from jjg_desktop.qt.registry.registration_import_dialog import RegistrationImportDialog
    from jjg_desktop.qt.registry.verification_form import VerificationForm
    from jjg_desktop.qt.settings.settings_dialog import SettingsDialog
    from jjg_desktop.reports.inspection_record import render_inspection_record

    ws = window.workspace
    form = window.pages["inspections"].form
    pdf = render_inspection_record(ws.store, form.inspection_id, out / "record.pdf")
    with ws.store.db.read() as session:
        enterprise_id = session.connection().exec_driver_sql(
            "SELECT e.id FROM enterprise e JOIN jilin_registration r ON r.enterprise_id = e.id "
            "ORDER BY e.name LIMIT 1").scalar_one()
    return [("settings", SettingsDialog(window, workspace=ws)),
            ("import", RegistrationImportDialog(ws, window)),
            ("new-inspection", NewInspectionDialog(ws, window)),
            ("draw", DrawDialog(ws, window)),
            ("verification", VerificationForm(ws, enterprise_id, window)),
            ("pdf-preview", PdfPreview(pdf, "建筑市场执法检查记录", window))]


# --- the parent ---------------------------------------------------------------------------


def _run_scale(db: Path, folder: Path, screen: tuple[int, int], scale: float,
               config_dir: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "offscreen.json"
    config.write_text(json.dumps({"windowFrameMargins": False, "screens": [{
        "name": "screen", "x": 0, "y": 0, "width": screen[0],
        "height": screen[1] - round(TASKBAR * scale),
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               QT_SCALE_FACTOR=str(scale), JJG_CONFIG_DIR=str(config_dir))
    env.pop("QT_SCREEN_SCALE_FACTORS", None)
    out = subprocess.run([sys.executable, __file__, "--child", str(db), str(folder)],
                         env=env, capture_output=True, text=True, timeout=600, check=False)
    config.unlink()
    for line in out.stdout.splitlines():
        if line.startswith("PROBLEMS "):
            return json.loads(line.removeprefix("PROBLEMS "))
    raise RuntimeError(f"the {scale}× run failed:\n{out.stdout}\n{out.stderr}")


def _optimise(source: Path, target: Path) -> None:
    """A palette PNG: screenshots of a flat UI keep their look in 256 colours at a
    fraction of the size."""
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "demo-shots.sqlite")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "jjg-shots")
    ap.add_argument("--screen", default="1366x768", help="physical pixels, WIDTHxHEIGHT")
    ap.add_argument("--scales", default="1,1.5,2")
    ap.add_argument("--readme", action="store_true",
                    help=f"shoot the README's set instead and write it into {README_DIR}")
    ap.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print("PROBLEMS " + json.dumps(_shoot(*args.child), ensure_ascii=False), flush=True)
        return 0

    if not args.db.exists():
        subprocess.run([sys.executable, "-m", "jjg_desktop", "demo", "--db", str(args.db)],
                       check=True)
    runs = (list(dict.fromkeys((screen, scale) for screen, scale, _ in README_SET))
            if args.readme else [(args.screen, float(s)) for s in args.scales.split(",")])
    problems = []
    with tempfile.TemporaryDirectory(prefix="jjg-shots-config-") as config_dir:
        for screen, scale in runs:
            width, height = (int(n) for n in screen.lower().split("x"))
            folder = args.out / f"{screen}@{_percent(scale)}"
            found = _run_scale(args.db, folder, (width, height), scale, Path(config_dir))
            print(f"{folder}: {len(list(folder.glob('*.png')))} screenshots")
            problems += [f"{screen} at {_percent(scale)} %: {p}" for p in found]
    if args.readme:
        if README_DIR.exists():
            shutil.rmtree(README_DIR)
        README_DIR.mkdir(parents=True)
        for screen, scale, name in README_SET:
            suffix = "" if scale == 1 else f"-{_percent(scale)}"
            _optimise(args.out / f"{screen}@{_percent(scale)}" / f"{name}.png",
                      README_DIR / f"{name}{suffix}.png")
        total = sum(p.stat().st_size for p in README_DIR.glob("*.png"))
        print(f"{README_DIR}: {len(README_SET)} screenshots, {total / 1e6:.2f} MB")
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
