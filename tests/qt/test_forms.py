"""Every Designer form loads and holds every widget the code looks up in it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader

import jjg_desktop.qt
from jjg_desktop.paths import shipped
from jjg_desktop.qt.kit.forms import FORMS

UI_FILES = sorted(p.name for p in shipped("ui").glob("*.ui"))

for _module in pkgutil.walk_packages(jjg_desktop.qt.__path__, "jjg_desktop.qt."):
    importlib.import_module(_module.name)  # every module of the window: every form declared


def test_every_form_in_ui_is_used_by_the_code() -> None:
    assert sorted(FORMS) == UI_FILES


@pytest.mark.parametrize("name", UI_FILES)
def test_form_has_the_widgets_the_code_uses(name: str) -> None:
    file = QFile(str(shipped("ui") / name))
    assert file.open(QIODevice.OpenModeFlag.ReadOnly)
    root = QUiLoader().load(file)
    file.close()
    assert root is not None, QUiLoader().errorString()
    try:
        for object_name, cls in FORMS[name].widgets.items():
            found = root.findChild(cls, object_name)
            assert found is not None, f"{name}: no {cls.__name__} named {object_name}"
    finally:
        root.deleteLater()
