"""The PyInstaller build runs on its own: a demo database, a PDF and the GUI offscreen, all
with the built program. Takes about a minute or more, so it runs only with JJG_TEST_BUILD=1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("JJG_TEST_BUILD") != "1",
                       reason="builds the app with PyInstaller; set JJG_TEST_BUILD=1 to run"),
]


def test_the_built_program_makes_a_demo_a_pdf_and_starts() -> None:
    pytest.importorskip("PyInstaller", reason="pip install '.[build]'")
    build = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_app.py")],
                           cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]

    smoke = subprocess.run([sys.executable, str(ROOT / "scripts" / "smoke_built_app.py")],
                           cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "✓ smoke test passed" in smoke.stdout
