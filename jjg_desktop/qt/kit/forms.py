"""Designer forms from ui/: each form declares the widgets the code looks up in it.

A `FormSpec` names a .ui file and the object names (with their classes) the code uses;
`FORMS` holds every spec, so a test can check each form against what the code expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from jjg_desktop.paths import ui_form

W = TypeVar("W", bound=QObject)

FORMS: dict[str, FormSpec] = {}


class _IntoBase(QUiLoader):
    """Builds a form's top-level widget into an existing instance (our subclass of it).
    One loader serves every form: making a QUiLoader costs ~15 ms (it looks for plugins)."""

    def __init__(self) -> None:
        super().__init__()
        self.base: QWidget | None = None

    def createWidget(self, class_name: str, parent: QWidget | None = None,
                     name: str = "") -> QWidget:
        if parent is None and self.base is not None:
            return self.base
        return super().createWidget(class_name, parent, name)


_LOADER: list[_IntoBase] = []


def _loader() -> _IntoBase:
    if not _LOADER:
        _LOADER.append(_IntoBase())
    return _LOADER[0]


@dataclass(frozen=True, slots=True)
class FormSpec:
    file: str
    widgets: Mapping[str, type[QObject]]

    def load(self, base: QWidget) -> Form:
        """Build the form into `base`, whose class must be the form's top-level class."""
        loader = _loader()
        outer, loader.base = loader.base, base
        try:
            loaded = loader.load(str(ui_form(self.file)))
        finally:
            loader.base = outer
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
