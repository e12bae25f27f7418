"""Designer forms from ui/: each form declares the widgets the code looks up in it.

A `FormSpec` names a .ui file and the object names (with their classes) the code uses;
`FORMS` holds every spec, so a test can check each form against what the code expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtUiTools import QUiLoader

from jjg_desktop.paths import ui_form

W = TypeVar("W", bound=QObject)

FORMS: dict[str, FormSpec] = {}


_LOADER: list[QUiLoader] = []
_BASE: list[QWidget | None] = [None]
"""The widget the form being loaded is built into (our subclass of its top-level class)."""


def _loader() -> QUiLoader:
    """One loader for every form: making a QUiLoader costs ~15 ms (it looks for plugins), and
    QtUiTools is loaded with it, after the first paint (the window and 工作台 are code)."""
    if not _LOADER:
        from PySide6.QtUiTools import QUiLoader

        class IntoBase(QUiLoader):
            def createWidget(self, class_name: str, parent: QWidget | None = None,
                             name: str = "") -> QWidget:
                if parent is None and _BASE[0] is not None:
                    return _BASE[0]
                return super().createWidget(class_name, parent, name)

        _LOADER.append(IntoBase())
    return _LOADER[0]


@dataclass(frozen=True, slots=True)
class FormSpec:
    file: str
    widgets: Mapping[str, type[QObject]]

    def load(self, base: QWidget) -> Form:
        """Build the form into `base`, whose class must be the form's top-level class."""
        loader = _loader()
        outer, _BASE[0] = _BASE[0], base
        try:
            loaded = loader.load(str(ui_form(self.file)))
        finally:
            _BASE[0] = outer
        if loaded is None:
            raise RuntimeError(f"界面文件 {self.file} 无法读取，请重新安装吉建管。")
        return Form(self, base)


def form(file: str, **widgets: type[QObject]) -> FormSpec:
    spec = FormSpec(file, widgets)
    FORMS[file] = spec
    return spec


@dataclass(frozen=True, slots=True)
class Form:
    spec: FormSpec
    root: QWidget

    def find(self, cls: type[W], name: str) -> W:
        declared = self.spec.widgets.get(name)
        if declared is None or not issubclass(declared, cls):
            raise KeyError(f"{name} ({cls.__name__}) is not declared for {self.spec.file}")
        widget = self.root.findChild(cls, name)
        if widget is None:
            raise LookupError(f"{self.spec.file} has no {cls.__name__} named {name}")
        return widget
