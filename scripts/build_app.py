"""Build the one-folder program into dist/jjg-desktop/ with PyInstaller (pyinstaller.spec).

    python scripts/build_app.py            # build
    python scripts/build_app.py --smoke    # build, then run scripts/smoke_built_app.py

Needs the build extra: `pip install .[build]` (Windows: Python 3.11 x64). Prints the time the
build took and the size of the folder; exits non-zero when the build fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP = DIST / "jjg-desktop"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(*, clean: bool) -> float:
    """Run PyInstaller; the seconds it took."""
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK)]
    if clean:
        command.append("--clean")
    command.append(str(ROOT / "pyinstaller.spec"))
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"✗ PyInstaller failed (exit {result.returncode}); see its output above.")
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--smoke", action="store_true", help="run the smoke test after building")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("PyInstaller") is None:
        print("✗ PyInstaller is not installed: pip install '.[build]'", file=sys.stderr)
        return 2
    seconds = build(clean=args.clean)
    print(f"✓ built {APP} in {seconds:.0f} s, {folder_size(APP) / 2**20:.0f} MB")
    if args.smoke:
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "smoke_built_app.py"),
                               "--app", str(APP)], check=False).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
