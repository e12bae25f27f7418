"""Smoke test of the built program in dist/jjg-desktop/ (run after scripts/build_app.py).

With the built program only (no Python needed by it), in a temporary folder: build a demo
database, print an inspection record to PDF, move the profile through export and import, and
start the GUI offscreen until it reports READY. Each step has a time limit; any failure exits
1 with what went wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"


class SmokeFailure(Exception):
    pass


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run(program: Path, args: Sequence[str], *, timeout: float, env: dict[str, str],
        what: str) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    try:
        result = subprocess.run([str(program), *args], capture_output=True, text=True,
                                encoding="utf-8", errors="replace", timeout=timeout, env=env,
                                check=False)
    except subprocess.TimeoutExpired as exc:
        raise SmokeFailure(f"{what}: no result after {timeout:.0f} s") from exc
    if result.returncode != 0:
        raise SmokeFailure(f"{what}: exit {result.returncode}\n{_tail(result.stderr)}")
    print(f"✓ {what} ({time.monotonic() - started:.1f} s)", flush=True)
    return result


def inspection_id(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT id FROM inspection WHERE status = 'completed' "
                           "ORDER BY number LIMIT 1").fetchone()
    if row is None:
        raise SmokeFailure(f"the demo database {db} has no completed inspection")
    return str(row[0])


def pdf_pages(pdf: Path) -> int:
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise SmokeFailure(f"{pdf} does not start with %PDF")
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))
    return len(PdfReader(pdf).pages)


def check_bundle(app: Path) -> None:
    internal = app / "_internal"
    font = internal / "jjg_desktop" / "_data" / "resources" / "fonts" / "WenQuanYiMicroHei.ttf"
    if not font.is_file():
        raise SmokeFailure(f"the bundled font is missing: {font}")
    migrations = internal / "jjg_desktop" / "_data" / "db" / "migrations" / "versions"
    if not any(migrations.glob("*.py")):
        raise SmokeFailure(f"the migrations are missing: {migrations}")
    if list(internal.rglob("jjg_server")):
        raise SmokeFailure("jjg_server is in the bundle; it must not be shipped")
    print("✓ bundle holds the font and the migrations, not jjg_server", flush=True)


def smoke(app: Path, work: Path) -> None:
    suffix = ".exe" if WINDOWS else ""
    gui = app / f"jjg-desktop{suffix}"
    # A windowed Windows program has no console to print to: the sub-commands and the ready
    # probe go through the console twin there.
    cli = app / f"jjg-desktop-cli{suffix}" if WINDOWS else gui
    for program in {gui, cli}:
        if not program.is_file():
            raise SmokeFailure(f"no built program at {program}: run scripts/build_app.py first")
    check_bundle(app)
    env = {k: v for k, v in os.environ.items()
           if k not in ("JJG_DB", "JJG_DATA_DIR", "PYTHONPATH", "PYTHONHOME")}
    env.update(JJG_CONFIG_DIR=str(work / "config"), QT_QPA_PLATFORM="offscreen")

    version = run(cli, ["--version"], timeout=60, env=env, what="--version")
    if "吉建管" not in version.stdout:
        raise SmokeFailure(f"--version printed {version.stdout!r}")

    db = work / "demo.sqlite"
    run(cli, ["demo", "--db", str(db)], timeout=300, env=env, what="demo database built")

    pdf = work / "inspection.pdf"
    record = inspection_id(db)
    run(cli, ["--db", str(db), "pdf", "inspection", record, "-o", str(pdf)], timeout=180,
        env=env, what=f"inspection record {record[:8]}… printed")
    pages = pdf_pages(pdf)
    if pages < 1:
        raise SmokeFailure(f"{pdf} has no page")
    print(f"✓ PDF: {pdf.stat().st_size / 1024:.0f} KB, {pages} pages", flush=True)

    package = work / "profile.zip"
    run(cli, ["--db", str(db), "profile", "export", "--out", str(package)], timeout=300,
        env=env, what="profile exported")
    run(cli, ["--data-dir", str(work / "new-laptop"), "profile", "import", str(package)],
        timeout=300, env=env, what="profile imported into an empty data folder")

    started = run(cli, ["--db", str(db)], timeout=120, env={**env, "JJG_READY_PROBE": "1"},
                  what="GUI started offscreen")
    if not any(line.startswith("READY ") for line in started.stdout.splitlines()):
        raise SmokeFailure(f"the GUI exited 0 without a READY line:\n{_tail(started.stdout)}"
                           f"\n{_tail(started.stderr)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "jjg-desktop",
                        help="the built folder (default: dist/jjg-desktop)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jjg-smoke-") as tmp:
        try:
            smoke(args.app.resolve(), Path(tmp))
        except SmokeFailure as exc:
            print(f"✗ smoke test failed: {exc}", file=sys.stderr)
            return 1
    print("✓ smoke test passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
