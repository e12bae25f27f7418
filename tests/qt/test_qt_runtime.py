"""The Qt binding the app runs on keeps Python's reference counts straight.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a method that
returns nothing; after a few thousand such calls the interpreter aborts ("deallocating None"),
at exit or in the middle of a clerk's session. This test names the cause instead.
"""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_calls_returning_nothing_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(100):
        label.setWordWrap(True)
    lost = before - sys.getrefcount(None)
    assert lost < 10, (f"PySide6 {PySide6.__version__} lost {lost} references to None in 100 "
                       "calls: this version will crash the app; use another PySide6 version")
